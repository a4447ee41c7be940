import { join, resolve } from 'node:path';
import { loadConfigFile, loadDemoConfig } from '../model/index.js';
import { openCore, registerTags } from '../app.js';
import { runBackfill, VirtualFactory, GROUND_TRUTH_FILE } from '../connectors/simulator/index.js';
import { ProgressBar } from './progress.js';
import type { HistorianStats } from '../historian/types.js';
import { formatCount } from './format.js';
import { runSparkplugEdge } from '../connectors/sparkplug/index.js';
import { runMqttJsonPublisher } from '../connectors/mqtt/index.js';

const DAY = 86_400_000;

/**
 * `loom simulate --days 7 --speed max`: fills the historian with the virtual factory's history for the
 * last N days, through normalisation and the bus exactly as live data goes, with a progress bar.
 */
export async function runSimulate(args: {
  config?: string;
  days?: string;
  speed?: string;
  data?: string;
  sparkplug?: string;
  'mqtt-json'?: string;
  'topic-prefix'?: string;
  opcua?: string;
  modbus?: string;
}): Promise<number> {
  if (args.sparkplug || args['mqtt-json']) return runAsDevices(args);
  if (args.opcua || args.modbus) return serveAsServers(args);
  const days = args.days === undefined ? 7 : Number(args.days);
  if (!Number.isFinite(days) || days <= 0 || days > 3660) throw new Error(`--days '${args.days}' must be a number of days between 0 and 3660`);
  const speed = args.speed === undefined || args.speed === 'max' ? 'max' : Number(args.speed);
  if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) throw new Error(`--speed '${args.speed}' must be 'max' or a positive number`);

  const loaded = args.config ? loadConfigFile(args.config) : loadDemoConfig();
  const core = await openCore(loaded, { dataDir: args.data, logger: false });
  try {
    const factory = new VirtualFactory({ plant: core.config.plant, options: core.config.simulator });
    await registerTags(core, [factory]);
    const to = Date.now();
    const from = to - days * DAY;
    const bar = new ProgressBar(`Simulating ${days} day(s)`);
    const started = Date.now();
    const result = await runBackfill({
      plant: core.config.plant,
      options: core.config.simulator,
      from,
      to,
      speed,
      publish: (samples) => core.ingest.publish(samples, 'simulator'),
      onProgress: (done, samples) => bar.update(done, `${formatCount(samples)} samples, ${formatCount(samples / Math.max(0.001, (Date.now() - started) / 1000))}/s`),
      groundTruthFile: join(core.dataDir, GROUND_TRUTH_FILE),
    });
    await core.bus.idle();
    await core.historian.flush();
    const seconds = (Date.now() - started) / 1000;
    bar.done(`${formatCount(result.samples)} samples`);
    const stats = await core.historian.stats();
    const rejected = core.ingest.rejected;
    process.stdout.write(
      [
        `Stored ${result.samples.toLocaleString('en')} samples of ${core.registry.size} tags in ${seconds.toFixed(1)} s (${formatCount(result.samples / seconds)} samples/s end to end).`,
        `Historian: ${stats.rawRows.toLocaleString('en')} raw rows, ${stats.minuteRows.toLocaleString('en')} 1-minute and ${stats.hourRows.toLocaleString('en')} 1-hour rollup rows, ${(stats.bytes / 1e6).toFixed(1)} MB on disk` +
          (stats.bytesPerSample === null ? '.' : `, ${stats.bytesPerSample.toFixed(2)} bytes per stored sample.`),
        ...compressionLine(stats),
        `Faults injected: ${result.groundTruth.length} (ground truth in ${join(core.dataDir, GROUND_TRUTH_FILE)}).`,
        rejected > 0 ? `Rejected: ${rejected} samples (see the dead letters in ${join(core.dataDir, 'dead-letters.jsonl')}).` : 'Rejected: none.',
        `Data folder: ${core.dataDir}. Run 'npm start' (or 'loom start --data ${core.dataDir}') to look at it.`,
        '',
      ].join('\n'),
    );
    return rejected > 0 ? 1 : 0;
  } finally {
    await core.close();
  }
}

/**
 * `loom simulate --sparkplug URL` / `--mqtt-json URL`: the virtual factory as external devices on a
 * real broker (Sparkplug B edge nodes, one per line, or plain MQTT JSON publishers), until Ctrl+C.
 */
async function runAsDevices(args: { config?: string; sparkplug?: string; 'mqtt-json'?: string; 'topic-prefix'?: string }): Promise<number> {
  const { config } = args.config ? loadConfigFile(args.config) : loadDemoConfig();
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (args.sparkplug) {
    process.stdout.write(`Simulating ${config.plant.enterprise.id} as Sparkplug B edge nodes (group '${config.plant.enterprise.id}', one node per line) on ${args.sparkplug}. Ctrl+C stops (NDEATH).\n`);
    const counters = await runSparkplugEdge({ plant: config.plant, options: config.simulator, url: args.sparkplug, signal: controller.signal });
    process.stdout.write(`Stopped: ${JSON.stringify(counters)}\n`);
  } else {
    const url = args['mqtt-json']!;
    process.stdout.write(`Simulating ${config.plant.enterprise.id} as MQTT JSON publishers on ${url} (topics ${args['topic-prefix'] ?? 'loom-sim'}/<machine path>). Ctrl+C stops.\n`);
    const totals = await runMqttJsonPublisher({ plant: config.plant, options: config.simulator, url, topicPrefix: args['topic-prefix'], signal: controller.signal });
    process.stdout.write(`Stopped: ${JSON.stringify(totals)}\n`);
  }
  return 0;
}

/**
 * `loom simulate --opcua PORT` / `--modbus PORT`: the virtual factory served as an OPC UA server, or as
 * Modbus TCP devices (one unit id per machine on one port), until Ctrl+C. Prints the connector config
 * block that reads it back.
 */
async function serveAsServers(args: { config?: string; data?: string; opcua?: string; modbus?: string }): Promise<number> {
  const loaded = args.config ? loadConfigFile(args.config) : loadDemoConfig();
  const { config } = loaded;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const { stringify } = await import('yaml');
  const port = (value: string, name: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} '${value}' is not a port number (e.g. 4840 for OPC UA, 5020 for Modbus)`);
    return n;
  };
  if (args.opcua) {
    const { serveFactoryOpcUa, quietOpcUa } = await import('../connectors/opcua/index.js');
    quietOpcUa();
    const dataDir = resolve(loaded.baseDir, args.data ?? config.dataDir);
    const served = await serveFactoryOpcUa({ plant: config.plant, options: config.simulator, port: port(args.opcua, 'opcua'), pkiDir: join(dataDir, 'pki', 'opcua-simulator'), signal: controller.signal });
    process.stdout.write(`Virtual factory served over OPC UA at ${served.endpointUrl} (${served.machines.length} machines).\nRead it with this config block:\n\n${stringify({ opcua: [served.clientConfig()] })}\n`);
  } else {
    const { serveFactoryModbus } = await import('../connectors/modbus/index.js');
    const served = await serveFactoryModbus({ plant: config.plant, options: config.simulator, host: '127.0.0.1', port: port(args.modbus!, 'modbus'), signal: controller.signal });
    process.stdout.write(`Virtual factory served over Modbus TCP: ${served.machines.map((m) => `${m.machine} unit ${m.unitId}`).join(', ')}.\nRead it with this config block:\n\n${stringify({ modbus: [served.clientConfig()] })}\n`);
  }
  await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  return 0;
}

/** With compression on: how many samples it kept and what a received sample costs on disk. */
function compressionLine(stats: HistorianStats): string[] {
  const c = stats.compression;
  if (!c || c.compressedTags === 0 || c.ratio === null) return [];
  const perReceived = stats.bytesPerSample === null ? '' : `, ${(stats.bytesPerSample / c.ratio).toFixed(2)} bytes per received sample`;
  return [`Compression: ${c.samplesStored.toLocaleString('en')} of ${c.samplesReceived.toLocaleString('en')} samples stored (${c.ratio.toFixed(2)}:1 on ${c.compressedTags} tags)${perReceived}.`];
}
