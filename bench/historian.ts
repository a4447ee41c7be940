// Historian backends side by side: the same data loaded into the embedded DuckDB historian and the
// PostgreSQL historian, the same queries against both, and the DuckDB/PostgreSQL ratio per figure.
// Run: node --import tsx bench/historian.ts [--tags 100] [--days 30] [--step 300] [--batch 20000]
// Default data: 100 tags, 30 days, one sample per tag every 300 s = 864,000 samples (about 2 min here):
// every sample alone in its minute, the costliest shape for rollup maintenance.
// PostgreSQL from LOOM_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), into a
// schema made for the run and dropped at the end.
// Prints one line per figure.

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
const tagCount = option('tags', 100);
const days = option('days', 30);
const stepS = option('step', 300);
const batchRows = option('batch', 20_000);
const URL = process.env.LOOM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const H = 3_600_000;
const D = 24 * H;
const START = Date.UTC(2026, 0, 5);
const END = START + days * D;

const tags: Array<TagDefinition & { id: number }> = Array.from({ length: tagCount }, (_, i) => ({
  id: i + 1,
  path: `acme/berlin/line-${Math.floor(i / 10)}/m-${i % 10}/value`,
  asset: `acme/berlin/line-${Math.floor(i / 10)}/m-${i % 10}`,
  name: 'value',
  type: 'number',
}));

/** Batches in time order: every tag at every step, values at 0.01 resolution. */
function* batches(): Generator<Sample[]> {
  let batch: Sample[] = [];
  for (let ts = START; ts < END; ts += stepS * 1_000) {
    for (let t = 0; t < tagCount; t++) {
      const value = Math.round((50 + 20 * Math.sin(ts / 3_600_000 + t) + ((ts / 1_000 + t * 7) % 13) / 10) * 100) / 100;
      batch.push({ tag: tags[t].path, ts, value, quality: 'good' });
    }
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function p50(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

interface Figures {
  loadRowsPerS: number;
  trendMs: number;
  latestMs: number;
  alignedMs: number;
  bytesPerSample: number;
}

async function measure(historian: Historian): Promise<Figures> {
  await historian.defineTags(tags);
  let rows = 0;
  const loadMs = await timed(async () => {
    for (const batch of batches()) {
      await historian.write(batch);
      rows += batch.length;
    }
    await historian.flush();
  });
  const tag = tags[0].path;
  const trendMs = await p50(9, () => historian.query({ tag, from: START, to: END, maxPoints: 1_000 }));
  const latestMs = await p50(9, async () => {
    for (const t of tags.slice(0, 100)) historian.latest(t.path);
  });
  const alignedMs = await p50(5, () => Promise.all(tags.slice(0, 10).map((t) => historian.query({ tag: t.path, from: START, to: END, bucketMs: H, agg: 'twa' }))));
  const stats = await historian.stats();
  return { loadRowsPerS: rows / (loadMs / 1_000), trendMs, latestMs, alignedMs, bytesPerSample: stats.bytesPerSample ?? 0 };
}

const samples = tagCount * Math.floor((END - START) / (stepS * 1_000));
console.log(`data: ${tagCount} tags x ${days} days every ${stepS} s = ${samples} samples, written in batches of ${batchRows}`);

const root = mkdtempSync(join(tmpdir(), 'loom-bench-historian-'));
const duck = new DuckDbHistorian({ path: join(root, 'bench.duckdb') });
await duck.open();
const d = await measure(duck);
await duck.close();
rmSync(root, { recursive: true, force: true });

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

const line = (name: string, a: number, b: number, unit: string, digits = 1) =>
  console.log(`${name}: DuckDB ${a.toFixed(digits)} ${unit}, PostgreSQL ${b.toFixed(digits)} ${unit}, DuckDB/PostgreSQL ${(a / b).toFixed(2)}`);
line('bulk load (write + flush)', d.loadRowsPerS, p.loadRowsPerS, 'rows/s', 0);
line(`one tag, the whole ${days} days into <= 1,000 buckets, p50`, d.trendMs, p.trendMs, 'ms');
line(`latest of ${Math.min(100, tagCount)} tags one by one (in memory in both), p50`, d.latestMs, p.latestMs, 'ms', 3);
line(`10 tags, aligned 1-h twa over the ${days} days, p50`, d.alignedMs, p.alignedMs, 'ms');
line('bytes per sample', d.bytesPerSample, p.bytesPerSample, 'B', 2);
