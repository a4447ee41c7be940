// Historian backends side by side: the same data loaded into the embedded DuckDB historian and the
// PostgreSQL historian in one run, the same queries against both, and the DuckDB/PostgreSQL ratio
// per figure (below 1: DuckDB is faster or, for rows/s, slower).
// Run: node --import tsx bench/historian.ts [--tags 10] [--days 30] [--step-ms 1000] [--latest-tags 100] [--runs 41] [--batch 20000] [--duckdb-only]
// Default data: 10 tags x 30 days at 1 Hz = 25.9M samples; the 100 tags x 30 days (259M) does
// not load in reasonable time on a 2-core machine. Values: a slow sine per tag plus a sawtooth, at
// 0.01 resolution (synthetic, deterministic). `--latest-tags` tags are defined in all; those beyond
// `--tags` get one sample each, so "latest of 100 tags" reads 100 live values.
// PostgreSQL from LOOM_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), into a
// schema made for the run and dropped at the end.
// Prints one line per figure: p50 and p99 of `--runs` runs, and the ratio of the p50s.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDbHistorian, PostgresHistorian, type Historian } from '../src/historian/index.js';
import type { Sample, TagDefinition } from '../src/model/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const tagCount = option('tags', 10);
const days = option('days', 30);
const stepMs = option('step-ms', 1_000);
const latestTags = Math.max(tagCount, option('latest-tags', 100));
const runs = option('runs', 41);
const batchRows = option('batch', 20_000);
const URL = process.env.LOOM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const M = 60_000;
const H = 3_600_000;
const D = 24 * H;
const START = Date.UTC(2026, 0, 5);
const END = START + days * D;

const tags: Array<TagDefinition & { id: number }> = Array.from({ length: latestTags }, (_, i) => ({
  id: i + 1,
  path: `acme/berlin/line-${Math.floor(i / 10)}/m-${i % 10}/value`,
  asset: `acme/berlin/line-${Math.floor(i / 10)}/m-${i % 10}`,
  name: 'value',
  type: 'number',
}));

/** Batches in time order: every loaded tag at every step, then one sample for each other tag. */
function* batches(): Generator<Sample[]> {
  let batch: Sample[] = [];
  for (let ts = START; ts < END; ts += stepMs) {
    for (let t = 0; t < tagCount; t++) {
      const value = Math.round((50 + 20 * Math.sin(ts / 3_600_000 + t) + ((ts / 1_000 + t * 7) % 13) / 10) * 100) / 100;
      batch.push({ tag: tags[t].path, ts, value, quality: 'good' });
    }
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  for (let t = tagCount; t < latestTags; t++) batch.push({ tag: tags[t].path, ts: END - 1_000, value: t, quality: 'good' });
  if (batch.length > 0) yield batch;
}

interface Timing {
  p50: number;
  p99: number;
}

/** p50 and p99 of `runs` timed calls, after one untimed warm-up call. */
async function timings(fn: () => unknown, count = runs): Promise<Timing> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: at(0.5), p99: at(0.99) };
}

interface Figures {
  loadRowsPerS: number;
  loadS: number;
  trendAuto: Timing;
  trendMinutes: Timing;
  trendRaw: Timing;
  latest: Timing;
  aligned: Timing;
  interpolated: Timing;
  valueAt: Timing;
  bytesPerSample: number;
}

// A trend of the whole range into about 1,000 buckets, three ways: what the UI asks (maxPoints 1000:
// the smallest nice width, here 1 h from the hour rollup), the width rounded up to whole minutes (from
// the minute rollup), and exactly 1,000 buckets of range/1000 ms, not whole minutes (the minute rollup
// inside each bucket, raw samples in the minute straddling each edge).
const minuteBucket = Math.ceil((END - START) / 1_000 / M) * M;
const rawBucket = Math.ceil((END - START) / 1_000);

async function measure(historian: Historian): Promise<Figures> {
  await historian.defineTags(tags);
  let rows = 0;
  const started = performance.now();
  for (const batch of batches()) {
    await historian.write(batch);
    rows += batch.length;
  }
  await historian.flush();
  const loadS = (performance.now() - started) / 1_000;
  const tag = tags[0].path;
  const trendAuto = await timings(() => historian.query({ tag, from: START, to: END, maxPoints: 1_000 }));
  const trendMinutes = await timings(() => historian.query({ tag, from: START, to: END, bucketMs: minuteBucket, agg: 'avg' }));
  const trendRaw = await timings(() => historian.query({ tag, from: START, to: END, bucketMs: rawBucket, agg: 'avg' }));
  const paths = tags.slice(0, 100).map((t) => t.path);
  const latest = await timings(() => {
    for (const path of paths) if (historian.latest(path).length !== 1) throw new Error(`no latest value of ${path}`);
  });
  const ten = tags.slice(0, Math.min(10, tagCount)).map((t) => t.path);
  const aligned = await timings(() => historian.queryAligned({ tags: ten, from: START, to: END, bucketMs: H, agg: 'twa' }));
  const interpolated = await timings(() => historian.interpolate({ tag, from: START, to: END, stepMs: Math.ceil((END - START) / 1_000), method: 'linear' }));
  let at = START;
  const valueAt = await timings(() => historian.valueAt({ tag, ts: (at = (at + 7 * H + 1_234) % (END - START)) + START, method: 'linear' }));
  const stats = await historian.stats();
  return { loadRowsPerS: rows / loadS, loadS, trendAuto, trendMinutes, trendRaw, latest, aligned, interpolated, valueAt, bytesPerSample: stats.bytesPerSample ?? 0 };
}

const samples = tagCount * Math.ceil((END - START) / stepMs) + (latestTags - tagCount);
console.log(`data: ${tagCount} tags x ${days} days every ${stepMs} ms + ${latestTags - tagCount} tags with one sample = ${samples} samples, batches of ${batchRows}`);

const root = mkdtempSync(join(tmpdir(), 'loom-bench-historian-'));
let d: Figures;
const duck = new DuckDbHistorian({ path: join(root, 'bench.duckdb') });
await duck.open();
try {
  d = await measure(duck);
} finally {
  await duck.close();
  rmSync(root, { recursive: true, force: true });
}
console.log(`DuckDB loaded in ${d.loadS.toFixed(0)} s`);
if (args.includes('--duckdb-only')) {
  // The full size (100 tags x 30 days = 259M samples) loads into DuckDB in minutes but into
  // PostgreSQL in most of an hour and ~25 GB: this prints DuckDB's figures alone, no ratios.
  const only = (name: string, t: Timing, digits = 1) => console.log(`${name}: DuckDB p50 ${t.p50.toFixed(digits)} ms, p99 ${t.p99.toFixed(digits)} ms`);
  console.log(`bulk load (write + flush): DuckDB ${d.loadRowsPerS.toFixed(0)} rows/s`);
  only(`one tag, ${days} days, maxPoints 1000 (nice width, hour rollup)`, d.trendAuto);
  only(`one tag, ${days} days, ${Math.ceil((END - START) / minuteBucket)} buckets of ${minuteBucket / M} min (minute rollup)`, d.trendMinutes);
  only(`one tag, ${days} days, exactly 1000 buckets of ${rawBucket} ms (minute rollup + edge minutes raw)`, d.trendRaw);
  only(`latest of ${Math.min(100, latestTags)} tags one by one`, d.latest, 3);
  only(`${Math.min(10, tagCount)} tags aligned, 1-h twa buckets over ${days} days`, d.aligned);
  only(`one tag, ${days} days, 1000 linear interpolated points`, d.interpolated);
  only('value at a time (linear, with its samples)', d.valueAt);
  console.log(`bytes per sample: DuckDB ${d.bytesPerSample.toFixed(2)} B`);
  process.exit(0);
}

const schema = `loom_bench_${process.pid}`;
const postgres = new PostgresHistorian({ url: URL, schema });
await postgres.open();
let p: Figures;
try {
  p = await measure(postgres);
} finally {
  await postgres.close();
  const admin = new pg.Client(URL);
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
console.log(`PostgreSQL loaded in ${p.loadS.toFixed(0)} s`);

const ms = (t: Timing, digits: number) => `p50 ${t.p50.toFixed(digits)} ms, p99 ${t.p99.toFixed(digits)} ms`;
const timed = (name: string, a: Timing, b: Timing, digits = 1) =>
  console.log(`${name}: DuckDB ${ms(a, digits)}; PostgreSQL ${ms(b, digits)}; DuckDB/PostgreSQL (p50) ${(a.p50 / b.p50).toFixed(2)}`);
console.log(
  `bulk load (write + flush): DuckDB ${d.loadRowsPerS.toFixed(0)} rows/s, PostgreSQL ${p.loadRowsPerS.toFixed(0)} rows/s, DuckDB/PostgreSQL ${(d.loadRowsPerS / p.loadRowsPerS).toFixed(2)}`,
);
timed(`one tag, ${days} days, maxPoints 1000 (nice width, hour rollup)`, d.trendAuto, p.trendAuto);
timed(`one tag, ${days} days, ${Math.ceil((END - START) / minuteBucket)} buckets of ${minuteBucket / M} min (minute rollup)`, d.trendMinutes, p.trendMinutes);
timed(`one tag, ${days} days, exactly 1000 buckets of ${rawBucket} ms (minute rollup + edge minutes raw)`, d.trendRaw, p.trendRaw);
timed(`latest of ${Math.min(100, latestTags)} tags one by one (in memory in both)`, d.latest, p.latest, 3);
timed(`${Math.min(10, tagCount)} tags aligned, 1-h twa buckets over ${days} days`, d.aligned, p.aligned);
timed(`one tag, ${days} days, 1000 linear interpolated points`, d.interpolated, p.interpolated);
timed('value at a time (linear, with its samples)', d.valueAt, p.valueAt);
console.log(`bytes per sample: DuckDB ${d.bytesPerSample.toFixed(2)} B, PostgreSQL ${p.bytesPerSample.toFixed(2)} B, DuckDB/PostgreSQL ${(d.bytesPerSample / p.bytesPerSample).toFixed(2)}`);
// `--compression`: then bytes per sample with and without compression on the simulator's signals.
if (process.argv.includes('--compression')) await import('./compression.js');
