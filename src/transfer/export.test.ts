// Export → import round trips on both historian backends (the history must come back identical), the
// wide layout, Parquet, and GET /api/v1/export: streaming download, Content-Disposition, and the caps.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Sample } from '../model/index.js';
import { exportRoutes } from '../api/routes/export.js';
import { importFile, planExport, writeCsvFile, writeParquetFile, ExportRefused, type ExportFormat, type ExportLayout } from './index.js';
import { openTestStore, postgresUnavailable, PRESSURE, PRODUCT, rawHistory, RUNNING, TEMP, TEST_TAGS, type TestStore } from './testing.js';

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const SPAN = 5 * 86_400_000;
const FROM = T0 - 1;
const TO = T0 + SPAN + 1;
const QUALITIES = ['good', 'good', 'good', 'uncertain', 'bad'] as const;

/**
 * History with the awkward parts: 45,000 temperature samples (more than one export page), booleans,
 * text with commas, quotes and a line break, and every quality.
 */
function history(): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < 45_000; i++) samples.push({ tag: TEMP, ts: T0 + i * 5_000 + (i % 7), value: Math.round(Math.sin(i / 100) * 1e6) / 1e4 + 0.1, quality: QUALITIES[i % 5] });
  for (let i = 0; i < 500; i++) samples.push({ tag: PRESSURE, ts: T0 + i * 500_000, value: i % 50 === 0 ? -0 + i : 1 / (i + 3), quality: 'good' });
  for (let i = 0; i < 300; i++) samples.push({ tag: RUNNING, ts: T0 + i * 600_000 + 1, value: i % 3 === 0, quality: QUALITIES[i % 5] });
  const texts = ['bolt', 'gear, 12"', 'line\nbreak', 'ümlaut ✓', ' spaced '];
  for (let i = 0; i < 100; i++) samples.push({ tag: PRODUCT, ts: T0 + i * 3_600_000, value: texts[i % texts.length], quality: 'good' });
  return samples;
}

async function fill(store: TestStore): Promise<void> {
  const samples = history();
  for (let i = 0; i < samples.length; i += 10_000) await store.historian.write(samples.slice(i, i + 10_000));
  await store.historian.flush();
}

async function assertSameHistory(a: TestStore, b: TestStore, options: { qualities?: boolean } = {}): Promise<void> {
  for (const tag of TEST_TAGS) {
    const expected = await rawHistory(a.historian, tag.path, FROM, TO);
    const actual = await rawHistory(b.historian, tag.path, FROM, TO);
    const strip = (rows: Array<[number, unknown, unknown]>) => (options.qualities === false ? rows.map(([ts, v]) => [ts, v]) : rows);
    assert.equal(actual.length, expected.length, `${tag.path}: sample count`);
    assert.deepEqual(strip(actual), strip(expected), `${tag.path}: samples`);
  }
}

async function roundTrip(source: TestStore, engine: 'duckdb' | 'postgres', format: ExportFormat, layout: ExportLayout): Promise<{ target: TestStore; file: string; samples: number }> {
  const plan = await planExport(source, { tags: ['acme/berlin/machining/line-1/press-1/#'], from: FROM, to: TO });
  const file = join(source.dir, `export-${layout}.${format}`);
  let samples = 0;
  await (format === 'csv' ? writeCsvFile : writeParquetFile)(source.historian, plan, layout, file, (n) => (samples += n));
  const target = await openTestStore(engine);
  const report = await importFile(target, { file, rejectsFile: null });
  assert.equal(report.rejected, 0, JSON.stringify(report.firstRejects));
  assert.equal(report.imported, samples);
  return { target, file, samples };
}

describe('export and import round trip (DuckDB)', () => {
  let source: TestStore;
  before(async () => {
    source = await openTestStore('duckdb');
    await fill(source);
  });
  after(async () => {
    await source.close();
  });

  test('long CSV: identical history in a fresh historian; re-importing it changes nothing', async () => {
    const { target, file, samples } = await roundTrip(source, 'duckdb', 'csv', 'long');
    try {
      assert.equal(samples, history().length);
      await assertSameHistory(source, target);
      const rows = (await target.historian.stats()).rawRows;
      await importFile(target, { file, rejectsFile: null });
      assert.equal((await target.historian.stats()).rawRows, rows);
      await assertSameHistory(source, target);
      const text = readFileSync(file, 'utf8');
      assert.ok(text.startsWith('ts,tag,value,quality\n2026-11-20T00:00:00.000Z,acme/berlin/machining/line-1/press-1/temperature,'), text.slice(0, 120));
      assert.match(text, /,"line\nbreak",good\n/);
    } finally {
      await target.close();
    }
  });

  test('long Parquet: identical history', async () => {
    const { target } = await roundTrip(source, 'duckdb', 'parquet', 'long');
    try {
      await assertSameHistory(source, target);
    } finally {
      await target.close();
    }
  });

  test('wide CSV and wide Parquet: the same values and times (the wide layout has no quality column)', async () => {
    for (const format of ['csv', 'parquet'] as const) {
      const { target, file } = await roundTrip(source, 'duckdb', format, 'wide');
      try {
        await assertSameHistory(source, target, { qualities: false });
        if (format === 'csv') assert.ok(readFileSync(file, 'utf8').startsWith(`ts,${TEMP},${PRESSURE},${RUNNING},${PRODUCT}\n2026-11-20T00:00:00.000Z,`));
      } finally {
        await target.close();
      }
    }
  });

  test('planExport: unknown tags, bad patterns, empty ranges and the sample cap are refused before writing', async () => {
    const refused = (request: Parameters<typeof planExport>[1], kind: string) =>
      assert.rejects(planExport(source, request), (error: Error) => error instanceof ExportRefused && error.kind === kind);
    await refused({ tags: ['acme/nowhere'], from: FROM, to: TO }, 'unknown_tag');
    await refused({ tags: ['acme/#/x'], from: FROM, to: TO }, 'bad_pattern');
    await refused({ tags: ['other/+'], from: FROM, to: TO }, 'unknown_tag');
    await refused({ tags: [TEMP], from: TO, to: FROM }, 'bad_range');
    await refused({ tags: [TEMP], from: FROM, to: TO, maxSamples: 44_000 }, 'too_large');
    const plan = await planExport(source, { tags: [TEMP, PRESSURE], from: FROM, to: TO, maxSamples: 50_000 });
    assert.ok(plan.estimatedSamples >= 45_500 && plan.estimatedSamples < 47_000, String(plan.estimatedSamples));
  });

  test('GET /api/v1/export streams CSV and Parquet with Content-Disposition; caps answer 400', async () => {
    const app = Fastify();
    await exportRoutes(app, source, { maxRangeMs: 10 * 86_400_000, maxSamples: 45_200, maxTags: 3 });
    try {
      const csv = await app.inject({ method: 'GET', url: `/api/v1/export?tag=${TEMP}&from=${FROM}&to=${TO}` });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.equal(csv.headers['content-disposition'], 'attachment; filename="loom-export-20261119T235959Z-20261125T000000Z.csv"');
      const lines = csv.body.trimEnd().split('\n');
      assert.equal(lines.length, 45_001);
      assert.equal(lines[0], 'ts,tag,value,quality');

      const wide = await app.inject({ method: 'GET', url: `/api/v1/export?tag=${PRESSURE}&tag=${RUNNING}&from=${FROM}&to=${TO}&layout=wide` });
      assert.equal(wide.body.split('\n')[0], `ts,${PRESSURE},${RUNNING}`);

      const parquet = await app.inject({ method: 'GET', url: `/api/v1/export?tag=${PRODUCT}&from=${FROM}&to=${TO}&format=parquet` });
      assert.equal(parquet.statusCode, 200);
      assert.equal(parquet.rawPayload.subarray(0, 4).toString(), 'PAR1');
      assert.match(String(parquet.headers['content-disposition']), /\.parquet"$/);

      const tooMany = await app.inject({ method: 'GET', url: `/api/v1/export?tag=${TEMP}&tag=${PRESSURE}&from=${FROM}&to=${TO}` });
      assert.equal(tooMany.statusCode, 400);
      assert.match(tooMany.json().message, /more than 45,200 samples/);
      const tooLong = await app.inject({ method: 'GET', url: `/api/v1/export?tag=${TEMP}&from=2025-01-01T00:00:00Z&to=${TO}` });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.json().message, /at most 10/);
      const tooManyTags = await app.inject({ method: 'GET', url: `/api/v1/export?tag=acme/%23&from=${FROM}&to=${TO}` });
      assert.equal(tooManyTags.statusCode, 400);
      const unknown = await app.inject({ method: 'GET', url: `/api/v1/export?tag=acme/nowhere&from=${FROM}&to=${TO}` });
      assert.equal(unknown.statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

const pgSkip = await postgresUnavailable();

describe('export and import round trip (PostgreSQL)', { skip: pgSkip }, () => {
  test('long CSV and Parquet out of PostgreSQL into a fresh PostgreSQL schema: identical history', async () => {
    const source = await openTestStore('postgres');
    try {
      await fill(source);
      for (const format of ['csv', 'parquet'] as const) {
        const { target } = await roundTrip(source, 'postgres', format, 'long');
        try {
          await assertSameHistory(source, target);
        } finally {
          await target.close();
        }
      }
    } finally {
      await source.close();
    }
  });
});
