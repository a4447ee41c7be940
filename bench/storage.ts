// Storage benchmark: bytes per stored sample in the DuckDB historian for a simulated week of process
// signals (80 tags at 1 Hz, values at 0.01 resolution, a few ms of timestamp jitter), against a
// baseline in the same run: the same rows in a plain DuckDB table in arrival order.
// Run: node --import tsx bench/storage.ts [--days 7] [--tags 80]
// Prints one line per figure.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbHistorian } from '../src/historian/index.js';
import type { Sample, TagDefinition } from '../src/model/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const days = option('days', 7);
const tagCount = option('tags', 80);
const START = Date.UTC(2026, 0, 5);
const SECONDS = Math.round(days * 86_400);
const CHUNK_SECONDS = 600; // one write per 10 minutes of plant time

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Process signals: most tags are analog values (slow drift, a daily cycle, sensor noise at 0.01),
 * some are setpoints that change every few hours, some are production counters.
 */
function makeSignal(index: number): (second: number) => number {
  const next = random(index + 1);
  const base = 20 + next() * 200;
  const amplitude = 1 + next() * 20;
  const noise = 0.02 + next() * 0.3;
  if (index % 8 === 6) {
    let value = base;
    return (second) => {
      if (second % 7_200 === 0 && next() < 0.5) value = Math.round((base + (next() - 0.5) * amplitude) * 10) / 10;
      return value;
    };
  }
  if (index % 8 === 7) {
    let count = 0;
    return () => {
      if (next() < 0.3) count++;
      return count;
    };
  }
  return (second) => {
    const daily = Math.sin((2 * Math.PI * second) / 86_400) * amplitude;
    return Math.round((base + daily + (next() - 0.5) * 2 * noise) * 100) / 100;
  };
}

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-storage-'));
try {
  const tags: Array<TagDefinition & { id: number }> = [];
  for (let i = 0; i < tagCount; i++) {
    const asset = `acme/plant/area/line-${i % 4}/machine-${Math.floor(i / 8)}`;
    tags.push({ id: i + 1, path: `${asset}/signal-${i}`, asset, name: `signal-${i}`, type: 'number' });
  }
  const signals = tags.map((_, i) => makeSignal(i));
  const jitter = random(99);
  // Keep the generated rows as columns for the baseline.
  const total = SECONDS * tagCount;
  const colTag = new Int32Array(total);
  const colTs = new Float64Array(total);
  const colValue = new Float64Array(total);

  const historianPath = join(dir, 'historian.duckdb');
  const historian = new DuckDbHistorian({ path: historianPath });
  await historian.open();
  await historian.defineTags(tags);
  const started = performance.now();
  let row = 0;
  for (let chunk = 0; chunk < SECONDS; chunk += CHUNK_SECONDS) {
    const batch: Sample[] = [];
    for (let second = chunk; second < Math.min(SECONDS, chunk + CHUNK_SECONDS); second++) {
      for (let t = 0; t < tagCount; t++) {
        const ts = START + second * 1_000 + Math.floor(jitter() * 20);
        const value = signals[t](second);
        batch.push({ tag: tags[t].path, ts, value, quality: 'good' });
        colTag[row] = t + 1;
        colTs[row] = ts;
        colValue[row] = value;
        row++;
      }
    }
    await historian.write(batch);
  }
  await historian.close();
  const historianSeconds = (performance.now() - started) / 1_000;
  const stageBytes = fileBytes(`${historianPath}.stage`);
  const historianBytes = fileBytes(historianPath) + stageBytes;
  const usage = await blockUsage(historianPath);

  // Baseline: the same rows, arrival order, plain table, no rollups.
  const baselinePath = join(dir, 'baseline.duckdb');
  const instance = await DuckDBInstance.create(baselinePath);
  const conn = await instance.connect();
  await conn.run('CREATE TABLE samples (tag INTEGER, ts BIGINT, q UTINYINT, num DOUBLE)');
  const appender = await conn.createAppender('samples');
  for (let i = 0; i < row; i++) {
    appender.appendInteger(colTag[i]);
    appender.appendBigInt(BigInt(colTs[i]));
    appender.appendUTinyInt(0);
    appender.appendDouble(colValue[i]);
    appender.endRow();
  }
  appender.closeSync();
  await conn.run('CHECKPOINT');
  conn.closeSync();
  instance.closeSync();
  const baselineBytes = fileBytes(baselinePath);

  const line = (name: string, value: string) => console.log(`${name.padEnd(52)} ${value}`);
  line('samples (tags x seconds)', `${row} (${tagCount} x ${SECONDS})`);
  line('historian file bytes (main + stage file)', `${historianBytes}`);
  line('historian bytes per sample (files)', (historianBytes / row).toFixed(2));
  line('  of which the stage file (landing table)', (stageBytes / row).toFixed(2));
  line('historian bytes per sample (used blocks, no free space)', (usage.used / row).toFixed(2));
  line('  of which raw samples', (usage.raw / row).toFixed(2));
  line('  of which 1m + 1h rollups', (usage.rollups / row).toFixed(2));
  line('baseline bytes per sample (plain table, arrival order)', (baselineBytes / row).toFixed(2));
  line('ratio historian / baseline', (historianBytes / baselineBytes).toFixed(2));
  line('historian write + compaction samples/s', `${Math.round(row / historianSeconds)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Bytes in used blocks, and an estimate per table from the blocks their segments live in. */
async function blockUsage(path: string): Promise<{ used: number; raw: number; rollups: number }> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  const one = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  const used = await one('SELECT used_blocks * block_size FROM pragma_database_size()');
  const blocks = (table: string) => `(SELECT count(DISTINCT block_id) FROM pragma_storage_info('${table}') WHERE block_id >= 0)`;
  const blockSize = await one('SELECT block_size FROM pragma_database_size()');
  const raw = (await one(`SELECT ${blocks('raw')}`)) * blockSize;
  const rollups = (await one(`SELECT ${blocks('rollup_1m')} + ${blocks('rollup_1h')}`)) * blockSize;
  conn.closeSync();
  instance.closeSync();
  return { used, raw, rollups };
}

function fileBytes(path: string): number {
  let bytes = statSync(path).size;
  try {
    bytes += statSync(`${path}.wal`).size;
  } catch {
    // no WAL after a clean close
  }
  return bytes;
}
