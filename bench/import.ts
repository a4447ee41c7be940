// `loom import` throughput: a long CSV of ROWS rows (ts, tag, value, quality) imported into a fresh
// DuckDB historian, against a baseline measured in the same run: the same samples handed to
// Historian.write directly (no file, no parsing, no checks). The ratio is what reading and checking
// the file costs on top of storing. Also: the dry run (read and check only) and its memory growth,
// which stays small because the file is streamed.
// Run: node --import tsx bench/import.ts [--rows 1000000] [--tags 20] [--dry-only 1]

import { mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbHistorian } from '../src/historian/index.js';
import { TagRegistry, type Sample } from '../src/model/index.js';
import { importFile } from '../src/transfer/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROWS = option('rows', 1_000_000);
const TAGS = option('tags', 20);
const START = Date.UTC(2026, 10, 1);
const STEP = 1_000;

const registry = new TagRegistry();
for (let i = 0; i < TAGS; i++) registry.upsert({ path: `acme/berlin/line-${Math.floor(i / 10)}/m-${i % 10}/value`, asset: `acme/berlin/line-${Math.floor(i / 10)}/m-${i % 10}`, name: 'value', type: 'number' });
const tags = registry.all();
const sampleAt = (row: number): Sample => ({ tag: tags[row % TAGS].path, ts: START + Math.floor(row / TAGS) * STEP, value: Math.round(Math.sin(row / 1000) * 10_000) / 100, quality: 'good' });

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-import-'));
let peakRss = 0;
let peakHeap = 0;
const rssTimer = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
}, 50);

async function fresh(name: string): Promise<DuckDbHistorian> {
  const historian = new DuckDbHistorian({ path: join(dir, `${name}.duckdb`) });
  await historian.open();
  await historian.defineTags(tags);
  return historian;
}

try {
  const file = join(dir, 'history.csv');
  const out = createWriteStream(file);
  out.write('ts,tag,value,quality\n');
  for (let row = 0; row < ROWS; row++) {
    const s = sampleAt(row);
    if (!out.write(`${new Date(s.ts).toISOString()},${s.tag},${s.value},good\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  console.log(`file: ${ROWS.toLocaleString('en')} rows, ${TAGS} tags, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

  // The dry run first, in a process that has not yet loaded a historian's buffers: its memory growth
  // is the import's own (streamed file, duplicate index), not DuckDB's cache.
  const untouched = await fresh('dry');
  global.gc?.();
  const before = process.memoryUsage();
  peakRss = before.rss;
  peakHeap = before.heapUsed;
  const dry = await importFile({ registry, historian: untouched }, { file, dryRun: true, rejectsFile: null });
  await untouched.close();
  console.log(`import --dry-run (read + check): ${Math.round(dry.rowsPerSecond).toLocaleString('en')} rows/s, rejected ${dry.rejected}`);
  console.log(`memory during the dry run: RSS +${Math.round((peakRss - before.rss) / 1e6)} MB, JS heap +${Math.round((peakHeap - before.heapUsed) / 1e6)} MB (file ${(statSync(file).size / 1e6).toFixed(0)} MB)`);

  if (!option('dry-only', 0)) {
    const baseline = await fresh('baseline');
    let started = performance.now();
    for (let row = 0; row < ROWS; row += 10_000) {
      const batch: Sample[] = [];
      for (let r = row; r < Math.min(ROWS, row + 10_000); r++) batch.push(sampleAt(r));
      await baseline.write(batch);
    }
    await baseline.flush();
    const baselineRate = ROWS / ((performance.now() - started) / 1000);
    await baseline.close();
    console.log(`baseline Historian.write: ${Math.round(baselineRate).toLocaleString('en')} samples/s`);

    const target = await fresh('import');
    started = performance.now();
    const report = await importFile({ registry, historian: target }, { file, rejectsFile: null });
    const importRate = ROWS / ((performance.now() - started) / 1000);
    const stored = (await target.stats()).rawRows;
    await target.close();
    console.log(`import (read + check + store): ${Math.round(importRate).toLocaleString('en')} rows/s, ${report.imported.toLocaleString('en')} imported, ${stored.toLocaleString('en')} stored, rejected ${report.rejected}`);
    console.log(`ratio import / baseline write: ${(importRate / baselineRate).toFixed(2)}`);
  }
} finally {
  clearInterval(rssTimer);
  rmSync(dir, { recursive: true, force: true });
}
