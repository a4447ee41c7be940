// Compression benchmark: bytes on disk per received sample for the virtual factory's process signals
// (the demo plant's `process` tags at 1 s ticks, seed 42), stored without compression (the baseline,
// measured in the same run) and with swinging-door compression at two error bounds.
// Run: node --import tsx bench/compression.ts [--days 7] [--engine duckdb|postgres|timescale]
// PostgreSQL from LOOM_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), in a
// schema made for the run and dropped at the end. `timescale`: the PostgreSQL backend on TimescaleDB
// (PGlite with the extension, in this process, as the tests use it), each run once with every chunk
// left as written and once after compressing them all (what the compression policy does to chunks
// older than `compressAfterMs`). Prints one line per figure.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { FactorySimulation } from '../src/connectors/simulator/index.js';
import type { RawSample } from '../src/connectors/types.js';
import { compressionSchema, withCompression } from '../src/historian/compression/index.js';
import { DuckDbHistorian, PostgresHistorian, type Historian } from '../src/historian/index.js';
import { startPgliteWire } from '../src/historian/conformance/pglite-wire.js';
import { tagRoleSchema } from '../src/model/config-schema.js';
import { loadDemoConfig, type Sample } from '../src/model/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const days = Number(option('days', '7'));
const engine = option('engine', 'duckdb');
const PG_URL = process.env.LOOM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const START = Date.UTC(2025, 0, 6);
const BATCH = 50_000;

const plant = loadDemoConfig().config.plant;
const runs: Array<{ name: string; compression: unknown }> = [
  { name: 'off (every sample stored)', compression: { enabled: false } },
  { name: 'compDev 0.2 % of span', compression: { enabled: true, compDevPercent: 0.2 } },
  { name: 'compDev 1 % of span', compression: { enabled: true, compDevPercent: 1 } },
];

const dir = mkdtempSync(join(tmpdir(), 'loom-bench-compression-'));
const wire = engine === 'timescale' ? await startPgliteWire() : undefined;
const serverUrl = wire?.url ?? PG_URL;
const onServer = engine === 'postgres' || engine === 'timescale';
const admin = onServer ? new pg.Pool({ connectionString: serverUrl, max: 1 }) : undefined;
const line = (name: string, value: string) => console.log(`${name.padEnd(60)} ${value}`);
try {
  line('engine / simulated days', `${engine} / ${days} (machine shared with other work: times are rough)`);
  let baseline = 0;
  for (const [index, run] of runs.entries()) {
    const config = compressionSchema(tagRoleSchema).parse(run.compression);
    const path = join(dir, `run${index}.duckdb`);
    const schema = `loom_bench_compression_${process.pid}_${index}`;
    const backend: Historian = onServer ? new PostgresHistorian({ url: serverUrl, schema, timescale: engine === 'timescale' }) : new DuckDbHistorian({ path });
    const historian = withCompression(backend, config);
    await historian.open();
    const sim = new FactorySimulation(plant, { seed: 42 }, START);
    const tags = sim.tagDefinitions().filter((t) => t.role === 'process');
    const wanted = new Set(tags.map((t) => t.path));
    await historian.defineTags(tags.map((t, i) => ({ ...t, id: i + 1 })));
    const started = performance.now();
    const end = START + days * 86_400_000;
    const out: RawSample[] = [];
    let batch: Sample[] = [];
    while (sim.nextTs < end) {
      out.length = 0;
      sim.step(out, true);
      for (const raw of out) {
        if (wanted.has(raw.tag)) batch.push({ tag: raw.tag, ts: raw.ts as number, value: raw.value as number, quality: raw.quality ?? 'good' });
      }
      if (batch.length >= BATCH) {
        await historian.write(batch);
        batch = [];
      }
    }
    await historian.write(batch);
    await historian.flush();
    const stats = await historian.stats();
    const received = stats.compression!.samplesReceived;
    let bytes: number;
    let usage: { raw: number; rollups: number; free: number } | undefined;
    if (onServer) {
      bytes = stats.bytes;
      if (engine === 'timescale') {
        line(`[${run.name}] bytes per received sample, chunks as written`, (bytes / received).toFixed(2));
        await admin!.query(`SELECT count(compress_chunk(c)) FROM show_chunks('"${schema}".raw') c`);
        bytes = (await historian.stats()).bytes;
      }
      await historian.close();
      await admin!.query(`DROP SCHEMA "${schema}" CASCADE`);
    } else {
      await historian.close(); // checkpoints: the files hold no WAL
      bytes = fileBytes(path) + fileBytes(`${path}.stage`);
      usage = await blockUsage(path);
    }
    const seconds = (performance.now() - started) / 1_000;
    if (index === 0) baseline = bytes / received;
    line(`[${run.name}] tags / samples received / stored`, `${tags.length} / ${received} / ${stats.compression!.samplesStored}`);
    line(`[${run.name}] compression ratio (received / stored)`, (stats.compression!.ratio ?? 0).toFixed(2));
    line(`[${run.name}] bytes on disk`, `${bytes}`);
    line(`[${run.name}] bytes per stored row`, (bytes / stats.rawRows).toFixed(2));
    line(`[${run.name}] bytes per received sample`, (bytes / received).toFixed(2));
    if (usage) {
      line(`[${run.name}]   of which raw samples (per received sample)`, (usage.raw / received).toFixed(2));
      line(`[${run.name}]   of which 1m + 1h rollups`, (usage.rollups / received).toFixed(2));
      line(`[${run.name}]   of which free blocks and the stage file`, ((bytes - usage.raw - usage.rollups) / received).toFixed(2));
    }
    line(`[${run.name}] ratio to the baseline (bytes per received sample)`, (bytes / received / baseline).toFixed(3));
    line(`[${run.name}] simulate + compress + store, samples/s`, `${Math.round(received / seconds)}`);
  }
} finally {
  await admin?.end();
  await wire?.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Bytes in the blocks each table's segments live in, and the free blocks of the main file. */
async function blockUsage(path: string): Promise<{ raw: number; rollups: number; free: number }> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  const one = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  const blocks = (table: string) => `(SELECT count(DISTINCT block_id) FROM pragma_storage_info('${table}') WHERE block_id >= 0)`;
  const blockSize = await one('SELECT block_size FROM pragma_database_size()');
  const raw = (await one(`SELECT ${blocks('raw')}`)) * blockSize;
  const rollups = (await one(`SELECT ${blocks('rollup_1m')} + ${blocks('rollup_1h')}`)) * blockSize;
  const free = (await one('SELECT free_blocks FROM pragma_database_size()')) * blockSize;
  conn.closeSync();
  instance.closeSync();
  return { raw, rollups, free };
}

function fileBytes(path: string): number {
  let bytes = 0;
  for (const file of [path, `${path}.wal`]) {
    try {
      bytes += statSync(file).size;
    } catch {
      // no WAL after a clean close
    }
  }
  return bytes;
}
