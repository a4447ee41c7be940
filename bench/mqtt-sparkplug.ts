// Sparkplug B host benchmark: NDATA with 100 metrics per message, published by an edge node in a
// worker thread through Mosquitto (127.0.0.1:1883, or --url), into
//   1. baseline: a bare mqtt.js subscriber that counts messages (x 100 metrics);
//   2. the host: decode, seq, alias resolution, samples into the connector's publish callback;
//   3. end to end: host -> Ingest (normalisation) -> bus -> DuckDB historian (worker), durable rows;
//   4. the same core without MQTT: the host's engine fed the same payloads in-process.
// Each stage runs --seconds (default 8). The publisher stays at most --window messages ahead of what
// the consumer has taken, so the broker never drops and the figure is the sustained rate.
// Run: node --import tsx bench/mqtt-sparkplug.ts [--seconds 8] [--metrics 100] [--window 2000] [--url mqtt://127.0.0.1:1883]
// Prints one line per figure.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { encodePayload } from '../src/connectors/sparkplug/codec.js';
import { DataTypes } from '../src/connectors/sparkplug/datatypes.js';
import { HostEngine } from '../src/connectors/sparkplug/host-engine.js';
import { SparkplugHost } from '../src/connectors/sparkplug/host.js';
import { AssetMapper } from '../src/connectors/sparkplug/naming.js';
import type { RawSample } from '../src/connectors/types.js';
import { openCore } from '../src/app.js';
import { TagRegistry, parseConfig } from '../src/model/index.js';

interface PublisherInput {
  url: string;
  group: string;
  metrics: number;
  window: number;
  seconds: number;
}

const T0 = Date.UTC(2026, 0, 1);

/**
 * The edge node's NBIRTH and 256 NDATA payloads (one per seq), encoded once; each send copies one and
 * writes its timestamp in place with `stamp` (field 1 comes first and a 2026 timestamp is always a
 * 6-byte varint), so producing them costs little CPU.
 */
function payloads(metrics: number) {
  const birth = encodePayload({
    timestamp: T0,
    seq: 0,
    metrics: [
      { name: 'bdSeq', datatype: DataTypes.UInt64, value: 0 },
      { name: 'Node Control/Rebirth', alias: 0, datatype: DataTypes.Boolean, value: false },
      ...Array.from({ length: metrics }, (_, i) => ({ name: `Signal ${i}`, alias: i + 1, datatype: DataTypes.Double, value: 0 })),
    ],
  });
  const data = Array.from({ length: 256 }, (_, seq) =>
    Buffer.from(encodePayload({ timestamp: T0, seq, metrics: Array.from({ length: metrics }, (_, i) => ({ alias: i + 1, datatype: DataTypes.Double, value: Math.round((50 + 10 * Math.sin((seq + i) / 50)) * 100) / 100 })) })),
  );
  const stamp = (bytes: Buffer, ts: number) => {
    let v = ts;
    for (let i = 1; i <= 6; i++) {
      bytes[i] = i < 6 ? (v % 128) | 0x80 : v % 128;
      v = Math.floor(v / 128);
    }
  };
  return { birth, data, stamp };
}

// ---------------- the edge node (worker thread) ----------------
if (!isMainThread) {
  const { url, group, metrics, window, seconds } = workerData as PublisherInput;
  const port = parentPort as NonNullable<typeof parentPort>;
  let consumed = 0;
  let wake: (() => void) | undefined;
  port.on('message', (m: { consumed?: number }) => {
    if (m.consumed !== undefined) consumed = m.consumed;
    wake?.();
  });
  const client = mqtt.connect(url, { clientId: `loom-bench-edge-${process.pid}-${group}`, protocolVersion: 4, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const t0 = T0;
  const { birth, data: templates, stamp } = payloads(metrics);
  await client.publishAsync(`spBv1.0/${group}/NBIRTH/bench`, Buffer.from(birth), { qos: 0 });
  const topic = `spBv1.0/${group}/NDATA/bench`;
  const deadline = Date.now() + seconds * 1_000;
  let sent = 0;
  while (Date.now() < deadline) {
    if (sent - consumed >= window) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 20);
      });
      continue;
    }
    for (let burst = 0; burst < 50 && sent - consumed < window; burst++) {
      sent++;
      // Payload timestamp only: each metric takes it, as the specification allows.
      const bytes = Buffer.from(templates[sent % 256]);
      stamp(bytes, t0 + sent * 100);
      client.publish(topic, bytes, { qos: 0 });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  port.postMessage({ done: true, sent });
  port.close();
}

// ---------------- the consumers (main thread) ----------------
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

/** Runs the publisher against one consumer; `taken()` is what the consumer has taken (messages). */
async function runStage(url: string, group: string, input: Omit<PublisherInput, 'url' | 'group'>, taken: () => number, settled: () => number): Promise<{ messages: number; units: number; seconds: number }> {
  // On Node 20 a worker neither inherits tsx's hooks nor applies --import first: register tsx, then load this file.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { ...input, url, group } });
  let sent = -1;
  worker.on('message', (m: { done?: boolean; sent?: number }) => {
    if (m.done) sent = m.sent ?? 0;
  });
  const feedback = setInterval(() => worker.postMessage({ consumed: taken() }), 5);
  let started = 0;
  while (taken() === 0) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (sent >= 0) break;
  }
  started = performance.now();
  const deadline = Date.now() + (input.seconds + 15) * 1_000;
  while ((sent < 0 || settled() < sent) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
  const seconds = (performance.now() - started) / 1_000;
  clearInterval(feedback);
  await worker.terminate();
  return { messages: sent, units: settled(), seconds };
}

if (isMainThread) {
  const metrics = Number(option('metrics', '100'));
  const input = { metrics, window: Number(option('window', '2000')), seconds: Number(option('seconds', '8')) };
  const url = option('url', 'mqtt://127.0.0.1:1883');
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const line = (name: string, value: string) => console.log(`${name.padEnd(52)} ${value}`);
  const logger = pino({ level: 'silent' });

  const probe = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 2_000 });
  const reachable = await new Promise<boolean>((resolve) => {
    probe.once('connect', () => resolve(true));
    probe.once('error', () => resolve(false));
    setTimeout(() => resolve(false), 2_500).unref();
  });
  probe.end(true);
  if (!reachable) {
    console.error(`the broker at ${url} is not reachable: start Mosquitto or pass --url`);
    process.exit(1);
  }
  line('broker', url);
  line('metrics per NDATA message', `${metrics}`);

  // 1. baseline: a bare subscriber counting messages.
  {
    const group = `bench-raw-${run}`;
    const client = mqtt.connect(url, { clientId: `loom-bench-raw-${run}`, protocolVersion: 4 });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    let count = 0;
    client.on('message', (topic) => {
      if (topic.includes('/NDATA/')) count++;
    });
    await client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 0 });
    const result = await runStage(url, group, input, () => count, () => count);
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    var baseline = (result.units * metrics) / result.seconds; // eslint-disable-line no-var
    line('baseline: bare mqtt.js subscriber metrics/s', `${Math.round(baseline)} (${result.units} of ${result.messages} messages, ${result.seconds.toFixed(1)} s)`);
  }

  // 2. the host into its publish callback.
  {
    const group = `bench-host-${run}`;
    let samples = 0;
    const host = new SparkplugHost({ config: { url, hostId: `bench-${run}`, groups: [group], root: 'bench' } });
    await host.start({ registry: new TagRegistry(), logger, publish: async (batch) => void (samples += batch.length) });
    const messages = () => host.health().counters?.messages ?? 0;
    const result = await runStage(url, group, input, messages, () => Math.max(0, messages() - 1));
    const rate = (samples - metrics - 2) / result.seconds;
    line('host: NDATA -> publish callback metrics/s', `${Math.round(rate)} (${samples} samples, ${result.seconds.toFixed(1)} s)`);
    line('ratio host / baseline', (rate / baseline).toFixed(2));
    line('host rejects', `${host.health().counters?.rejected ?? 0}`);
    await host.stop();
  }

  // 3. end to end into the DuckDB historian.
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-sparkplug-'));
  try {
    const group = `bench-e2e-${run}`;
    // The app's own core: ingest -> bus -> pipelined historian writes, runtime tags defined first.
    const config = parseConfig(`plant:\n  enterprise: { id: bench }\n  sites: [{ id: site }]\n`);
    const core = await openCore({ config, file: 'bench', baseDir: dir }, { dataDir: dir, logger: false });
    const { registry, bus, ingest, historian } = core;
    let durable = 0;
    historian.onWrite((report) => void (durable += report.rows));
    const host = new SparkplugHost({ config: { url, hostId: `bench-e2e-${run}`, groups: [group], root: 'bench' } });
    let published = 0;
    await host.start({ registry, logger, publish: (batch: RawSample[], source) => ((published += batch.length), ingest.publish(batch, source)) });
    const messages = () => host.health().counters?.messages ?? 0;
    const expectedRows = () => durable;
    const result = await runStage(url, group, input, messages, () => Math.max(0, messages() - 1));
    // Wait (bounded) until everything published is durable.
    const drainDeadline = Date.now() + 15_000;
    const drainStart = performance.now();
    await bus.idle();
    while (expectedRows() < published && Date.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
    // Time until the last row was durable, drain included.
    const seconds = result.seconds + (performance.now() - drainStart) / 1_000;
    const rate = durable / seconds;
    line('end to end: NDATA -> host -> ingest -> bus -> DuckDB rows/s', `${Math.round(rate)} (${durable} durable of ${published} published, ${seconds.toFixed(1)} s incl. drain)`);
    line('ratio end to end / baseline', (rate / baseline).toFixed(2));
    line('ingest rejects / bus drops', `${ingest.stats().rejected} / ${bus.stats().dropped}`);
    await host.stop();
    await core.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // 4. the same core without MQTT: the host's engine fed the same payloads in-process, so what
  // stage 3 loses to the broker, the socket and the publisher sharing the cores shows.
  const dir4 = mkdtempSync(join(tmpdir(), 'loom-bench-sparkplug-'));
  try {
    const config = parseConfig(`plant:\n  enterprise: { id: bench }\n  sites: [{ id: site }]\n`);
    const core = await openCore({ config, file: 'bench', baseDir: dir4 }, { dataDir: dir4, logger: false });
    const { registry, ingest, historian } = core;
    let durable = 0;
    historian.onWrite((report) => void (durable += report.rows));
    let pending: Promise<void> | undefined;
    const engine = new HostEngine({
      connectorId: 'sparkplug',
      hostId: `bench-core-${run}`,
      mapper: new AssetMapper('bench', []),
      reorderTimeoutMs: 1_000,
      rebirthIntervalMs: 1_000,
      maxPayloadBytes: 1_048_576,
      registerTag: (tag) => registry.upsert(tag),
      publish: (samples) => void (pending = ingest.publish(samples, 'sparkplug')),
      sendRebirth: () => undefined,
      onOwnOffline: () => undefined,
    });
    const { birth, data, stamp } = payloads(metrics);
    engine.handle('spBv1.0/bench/NBIRTH/core', birth);
    const started = performance.now();
    const deadline = started + input.seconds * 1_000;
    let sent = 0;
    while (performance.now() < deadline) {
      // As over MQTT: one message at a time, waiting when the bus asks; a turn of the event loop per
      // 50 messages (about what one socket read brings).
      for (let i = 0; i < 50; i++) {
        sent++;
        const bytes = Buffer.from(data[sent % 256]);
        stamp(bytes, T0 + sent * 100);
        engine.handle('spBv1.0/bench/NDATA/core', bytes);
        if (pending) await pending;
        pending = undefined;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await core.bus.idle();
    const expected = ingest.stats().accepted;
    const drainDeadline = Date.now() + 15_000;
    while (durable < expected && Date.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const rate = durable / ((performance.now() - started) / 1_000);
    line('core without MQTT: engine -> ingest -> bus -> DuckDB rows/s', `${Math.round(rate)} (${durable} durable of ${expected}, drain included)`);
    await core.close();
  } finally {
    rmSync(dir4, { recursive: true, force: true });
  }
}
