// MQTT benchmark against Mosquitto on 127.0.0.1:1883, in one run:
//  (a) one sample per message, QoS 0: Loom's sustained ingest (MQTT JSON connector -> normalisation
//      -> bus -> DuckDB historian, durable) versus a bare mqtt.js subscriber that only counts, on the
//      same broker and the same publisher; both rates and their ratio, in alternating rounds (the
//      median ratio is the figure), through the app's own core (openCore).
//  (c) publish -> connector -> bus -> UNS republish -> subscriber latency, p50/p99, at half of (a)'s rate
//      (Loom republishes every sample; the latency is taken on a tenth of the tags).
// The publisher (and the latency subscriber) run in a worker thread so they do not share Loom's event loop.
// Run: node --import tsx bench/mqtt.ts [--seconds 8] [--rounds 3] [--tags 1000] [--url mqtt://127.0.0.1:1883] [--latency-rate N]
// Prints one line per figure.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldTurn, setTimeout as sleep } from 'node:timers/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { connect, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { openCore } from '../src/app.js';
import { parseConfig } from '../src/model/index.js';
import { MqttJsonConnector } from '../src/connectors/mqtt/index.js';
import { UnsRepublisher } from '../src/republish/index.js';

interface Job {
  url: string;
  prefix: string;
  tags: number;
  seconds: number;
  /** Messages per second; 0: as fast as the socket takes them. */
  rate: number;
  /** Data time of the first round of samples (ms). */
  startTs: number;
  /** Subscribe to these and measure latency from the value (send time, ms) to arrival. */
  latencyFilter?: string[];
}
interface JobResult {
  sent: number;
  latencies?: number[];
}

const START = Date.UTC(2026, 0, 1);
const now = () => performance.timeOrigin + performance.now();

function open(url: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 3_000 });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

// ---------------------------------------------------------------- worker: publisher (+ latency subscriber)
async function publisher(job: Job): Promise<JobResult> {
  const client = await open(job.url);
  const latencies: number[] = [];
  if (job.latencyFilter) {
    client.on('message', (_topic, payload) => latencies.push(now() - JSON.parse(payload.toString()).value));
    await client.subscribeAsync(job.latencyFilter, { qos: 0 });
  }
  const topics = Array.from({ length: job.tags }, (_, i) => `${job.prefix}/m${i % 50}/s${i}`);
  let sent = 0;
  const start = performance.now();
  const end = start + job.seconds * 1_000;
  const SLICE_MS = 5;
  while (performance.now() < end) {
    // Paced: send what is due; flood: a burst, then wait for the socket to take it.
    const due = job.rate > 0 ? Math.floor(((performance.now() - start) / 1_000) * job.rate) - sent : 2_000;
    for (let i = 0; i < due; i++, sent++) {
      // Data time: every tag advances 1 ms per round over the tags, so (tag, ts) is unique (the historian is idempotent per (tag, ts)).
      const payload = `{"value":${job.latencyFilter ? now() : sent % 1000},"timestamp":${job.startTs + Math.floor(sent / job.tags)}}`;
      client.publish(topics[sent % topics.length], payload, { qos: 0 });
    }
    // The socket's backpressure: wait until it has taken the burst.
    if (client.stream.writableNeedDrain) await new Promise((resolve) => client.stream.once('drain', resolve));
    if (job.rate > 0) await sleep(SLICE_MS);
    else await yieldTurn();
  }
  if (job.latencyFilter) await sleep(1_000);
  await client.endAsync();
  return { sent, latencies: job.latencyFilter ? latencies : undefined };
}

if (!isMainThread) {
  const result = await publisher(workerData as Job);
  parentPort!.postMessage(result);
} else {
  await main();
}

function runPublisher(job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    // On Node 20 a worker does not inherit `--import tsx`: register it inside the worker first.
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: job });
    worker.once('message', (result: JobResult) => resolve(result));
    worker.once('error', reject);
  });
}

/** Loom's data path as the app runs it (`openCore`: ingest -> bus -> pipelined historian writes), the MQTT connector in front. */
async function startLoom(dir: string, name: string, url: string, prefix: string, tags: number, republishPrefix?: string) {
  const config = parseConfig(`plant:\n  enterprise: { id: bench }\n  sites: [{ id: site }]\n`);
  const core = await openCore({ config, file: 'bench', baseDir: dir }, { dataDir: join(dir, name), logger: false });
  const { registry, bus, ingest, historian } = core;
  // The bench's tags are declared up front, as a config would (runtime tags work too: the core defines
  // them in the historian before their samples are written).
  for (let i = 0; i < tags; i++) registry.upsert({ path: `bench/plant/m${i % 50}/s${i}`, asset: `bench/plant/m${i % 50}`, name: `s${i}`, type: 'number' });
  await historian.defineTags(registry.all());
  let durable = 0;
  let lastDurableAt = 0;
  historian.onWrite((report) => {
    durable += report.rows;
    lastDurableAt = performance.now();
  });
  const connector = new MqttJsonConnector({
    config: { qos: 0, rules: [{ topic: `${prefix}/{machine}/{signal}`, path: 'bench/plant/{machine}', tag: { tag: '{signal}', type: 'number' } }] },
    url,
  });
  const republish = republishPrefix ? new UnsRepublisher({ bus, config: { prefix: republishPrefix, qos: 0 }, url }) : undefined;
  await republish?.start();
  await connector.start({ registry, logger: pino({ level: 'silent' }), publish: (s, source) => ingest.publish(s, source) });
  let firstAt = 0;
  const started = setInterval(() => {
    if (!firstAt && ingest.received > 0) firstAt = performance.now();
  }, 1);
  return {
    connector,
    stats: () => ({ durable, lastDurableAt, firstAt, messages: connector.health().counters?.messages ?? 0, dropped: bus.stats().dropped }),
    async close() {
      clearInterval(started);
      await connector.stop();
      await republish?.stop();
      await core.close();
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Waits until `value()` has not changed for `quietMs` (or `maxMs` passed). */
async function settle(value: () => number, quietMs = 1_000, maxMs = 20_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = value();
  let since = performance.now();
  while (performance.now() < deadline) {
    await sleep(100);
    const v = value();
    if (v !== last) {
      last = v;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const seconds = Number(option('seconds', '8'));
  const tags = Number(option('tags', '1000'));
  const rounds = Number(option('rounds', '3'));
  const url = option('url', 'mqtt://127.0.0.1:1883');
  const run = `loombench-${process.pid}-${Date.now().toString(36)}`;
  const line = (name: string, value: string) => console.log(`${name.padEnd(52)} ${value}`);
  try {
    (await open(url)).end(true);
  } catch (error) {
    console.error(`Mosquitto is not reachable at ${url}: ${(error as Error).message}. Start it, or pass --url.`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-mqtt-'));
  try {
    // ---- (a) bare subscriber and Loom, alternating for --rounds rounds: on a shared machine the load
    // drifts, and a ratio taken from neighbouring runs follows it less than one from distant runs ----
    const ratios: number[] = [];
    const loomRates: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const bare = await open(url);
      let bareCount = 0;
      let bareFirst = 0;
      let bareLast = 0;
      bare.on('message', () => {
        const t = performance.now();
        if (bareCount++ === 0) bareFirst = t;
        bareLast = t;
      });
      await bare.subscribeAsync(`${run}/bare${round}/#`, { qos: 0 });
      const bareSent = await runPublisher({ url, prefix: `${run}/bare${round}`, tags, seconds, rate: 0, startTs: START });
      await settle(() => bareCount);
      await bare.endAsync();
      const bareRate = bareCount / ((bareLast - bareFirst) / 1_000);

      // Loom: connector -> ingest -> bus -> DuckDB historian, durable.
      const loom = await startLoom(dir, `a${round}`, url, `${run}/loom${round}`, tags);
      const loomSent = await runPublisher({ url, prefix: `${run}/loom${round}`, tags, seconds, rate: 0, startTs: START });
      await settle(() => loom.stats().durable);
      const a = loom.stats();
      await loom.close();
      const loomRate = a.durable / ((a.lastDurableAt - a.firstAt) / 1_000);
      ratios.push(loomRate / bareRate);
      loomRates.push(loomRate);

      line(`(a) round ${round}: bare mqtt.js subscriber msgs/s`, `${Math.round(bareRate)} (received ${bareCount} of ${bareSent.sent})`);
      line(`(a) round ${round}: Loom samples/s durable in DuckDB`, `${Math.round(loomRate)} (received ${a.messages}, durable ${a.durable}, of ${loomSent.sent}; bus drops ${a.dropped})`);
      line(`(a) round ${round}: ratio Loom / bare`, (loomRate / bareRate).toFixed(2));
    }
    // --rounds 0 skips (a): (c) alone, at --latency-rate.
    const loomRate = rounds > 0 ? median(loomRates) : 0;
    if (rounds > 0) line('(a) ratio Loom / bare subscriber, median (target >= 0.8)', `${median(ratios).toFixed(2)} (range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`);

    // ---- (c) latency at half of (a)'s Loom rate, through the UNS republish ----
    const rate = Number(option('latency-rate', '0')) || Math.max(100, Math.round(loomRate / 2));
    const unsPrefix = `${run}/uns/v1`;
    const loomC = await startLoom(dir, 'c', url, `${run}/lat`, tags, unsPrefix);
    // Latency is measured on the machines m0-m4 (a tenth of the tags): Loom republishes every sample,
    // but the measuring subscriber (and Mosquitto relaying to it) should not double the load it measures.
    const latencyFilter = Array.from({ length: 5 }, (_, m) => `${unsPrefix}/bench/plant/m${m}/#`);
    const c = await runPublisher({ url, prefix: `${run}/lat`, tags, seconds, rate, startTs: START, latencyFilter });
    await loomC.close();
    const latencies = (c.latencies ?? []).sort((x, y) => x - y);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(1) ?? '-';
    line('(c) publish rate msgs/s (half of (a) median Loom rate)', `${rate}`);
    line('(c) republished messages received (a tenth of the tags) / sent', `${latencies.length} / ${c.sent}`);
    line('(c) publish -> UNS republish latency p50 ms', pct(0.5));
    line('(c) publish -> UNS republish latency p99 ms', pct(0.99));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
