// Ingest benchmark: raw samples -> Ingest (normalisation) -> bus -> DuckDB historian (worker), for
// --seconds N (default 20), then the raw DuckDB appender on the same rows in the same run.
// Run: node --import tsx bench/ingest.ts [--seconds 20] [--tags 1000] [--period-ms 100]
// The stream: every tag sampled every period-ms (data time runs faster than the wall clock).
// Prints one line per figure.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { Bus } from '../src/bus/index.js';
import type { RawSample } from '../src/connectors/types.js';
import { DeadLetterStore, Ingest } from '../src/ingest/index.js';
import { TagRegistry, parseConfig, type Sample } from '../src/model/index.js';
import { openCore } from '../src/app.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option('seconds', 20);
const tagCount = option('tags', 1_000);
const periodMs = option('period-ms', 100);
const BATCH = 5_000;
const START = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-ingest-'));
try {
  const registry = new TagRegistry();
  const paths: string[] = [];
  for (let i = 0; i < tagCount; i++) {
    const asset = `acme/plant/area/line-${i % 10}/machine-${Math.floor(i / 10)}`;
    paths.push(registry.upsert({ path: `${asset}/signal-${i}`, asset, name: `signal-${i}`, type: 'number' }).path);
  }
  // Row k of the stream: tag k % tags, one sample per tag per period, a noisy process value at 0.01.
  const rowTag = (k: number) => k % tagCount;
  const rowTs = (k: number) => START + Math.floor(k / tagCount) * periodMs;
  const rowValue = (k: number) => Math.round((50 + 10 * Math.sin(k / 5_000) + ((k * 7919) % 101) / 100) * 100) / 100;

  // ---- ceiling: the same producer, Ingest and bus with a subscriber that stores nothing ----
  const ceilingRate = await (async () => {
    const bus = new Bus<Sample>();
    const ingest = new Ingest(registry, bus, new DeadLetterStore());
    let delivered = 0;
    bus.subscribe('#', (samples) => void (delivered += samples.length), { name: 'null', maxBatch: BATCH });
    const t0 = performance.now();
    let k0 = 0;
    while (performance.now() - t0 < Math.min(5, seconds) * 1_000) {
      const batch: RawSample[] = new Array(BATCH);
      for (let i = 0; i < BATCH; i++, k0++) batch[i] = { tag: paths[rowTag(k0)], ts: rowTs(k0), value: rowValue(k0), quality: 'good' };
      await ingest.publish(batch, 'bench');
    }
    await bus.idle();
    return delivered / ((performance.now() - t0) / 1_000);
  })();

  // ---- end to end: the app's own core (openCore: Ingest -> bus -> pipelined historian writes) ----
  const config = parseConfig(`plant:\n  enterprise: { id: acme }\n  sites: [{ id: plant }]\nhistorian:\n  path: e2e.duckdb\n`);
  const core = await openCore({ config, file: 'bench', baseDir: dir }, { dataDir: dir, logger: false });
  const { bus, ingest, historian } = core;
  for (const tag of registry.all()) core.registry.upsert(tag);
  await historian.defineTags(core.registry.all());
  let durable = 0;
  const latencies: number[] = [];
  historian.onWrite((report) => {
    durable += report.rows;
    latencies.push(report.latencyMs);
  });

  // Event-loop responsiveness while ingesting: the worst gap between 10 ms timer ticks.
  let worstLag = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstLag = Math.max(worstLag, now - lastTick - 10);
    lastTick = now;
  }, 10);

  const eluStart = performance.eventLoopUtilization();
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  let produced = 0;
  while (performance.now() < deadline) {
    const batch: RawSample[] = new Array(BATCH);
    for (let i = 0; i < BATCH; i++) {
      const k = produced + i;
      batch[i] = { tag: paths[rowTag(k)], ts: rowTs(k), value: rowValue(k), quality: 'good' };
    }
    produced += BATCH;
    await ingest.publish(batch, 'bench');
    // Real input arrives in I/O callbacks, one batch per turn of the event loop; so does the bench's.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await bus.idle();
  const producedIn = (performance.now() - started) / 1_000;
  const elu = performance.eventLoopUtilization(eluStart).utilization;
  const durableIn = durable;
  clearInterval(ticker);
  const compactStart = performance.now();
  await historian.flush();
  const compactMs = performance.now() - compactStart;
  const stats = await historian.stats();
  const busDrops = bus.stats().dropped;
  await core.close();
  const e2eRate = durableIn / producedIn;
  latencies.sort((a, b) => a - b);

  // ---- baseline: the raw DuckDB row appender on the same rows, one commit at the end ----
  const instance = await DuckDBInstance.create(join(dir, 'raw.duckdb'));
  const conn = await instance.connect();
  await conn.run('CREATE TABLE samples (tag INTEGER, ts BIGINT, q UTINYINT, num DOUBLE)');
  const appender = await conn.createAppender('samples');
  const rawStart = performance.now();
  for (let k = 0; k < produced; k++) {
    appender.appendInteger(rowTag(k) + 1);
    appender.appendBigInt(BigInt(rowTs(k)));
    appender.appendUTinyInt(0);
    appender.appendDouble(rowValue(k));
    appender.endRow();
  }
  appender.flushSync();
  const rawRate = produced / ((performance.now() - rawStart) / 1_000);
  appender.closeSync();
  conn.closeSync();
  instance.closeSync();

  const line = (name: string, value: string) => console.log(`${name.padEnd(44)} ${value}`);
  line('end-to-end samples (ingest->bus->historian)', `${durableIn}`);
  line('end-to-end samples/s (durable)', `${Math.round(e2eRate)}`);
  line('raw DuckDB row appender samples/s', `${Math.round(rawRate)}`);
  line('ratio end-to-end / raw appender', (e2eRate / rawRate).toFixed(2));
  line('ceiling: producer+ingest+bus, no store samples/s', `${Math.round(ceilingRate)}`);
  line('ratio end-to-end / ceiling', (e2eRate / ceilingRate).toFixed(2));
  line('write latency p50 ms', latencies[Math.floor(latencies.length / 2)]?.toFixed(1) ?? '-');
  line('write latency p99 ms', latencies[Math.floor(latencies.length * 0.99)]?.toFixed(1) ?? '-');
  line('worst event-loop lag ms', worstLag.toFixed(1));
  line('main thread busy (event-loop utilisation)', elu.toFixed(2));
  line('final flush (compaction + rollups) ms', compactMs.toFixed(0));
  line('bytes per sample (e2e file, after compaction)', stats.bytesPerSample?.toFixed(2) ?? '-');
  line('bus drops', `${busDrops}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
