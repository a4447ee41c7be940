// The conformance suite against the PostgreSQL backend on TimescaleDB: the same PostgresHistorian,
// which finds the extension at open and makes `raw` a compressed hypertable. TimescaleDB is not
// packaged for Debian, so the server is PGlite (PostgreSQL 17 in WebAssembly, in this process) with
// TimescaleDB 2.23, reached over a loopback socket (`pglite-wire.ts`). Real SQL, real extension; only
// the process model differs (one backend, connections take turns).

import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresHistorian } from '../index.js';
import { compressionConformance } from './compression-suite.js';
import { startPgliteWire } from './pglite-wire.js';
import { historianConformance, storeHandle, s, T0, TAGS, TEMP, OTHER, type ConformanceOptions, type HistorianHandle } from './suite.js';

const M = 60_000;
const H = 3_600_000;
const D = 24 * H;

const wire = await startPgliteWire();
const admin = new pg.Pool({ connectionString: wire.url, max: 1 });
after(async () => {
  await admin.end();
  await wire.close();
});

let schemaNo = 0;
async function makeTimescale(options: ConformanceOptions = {}): Promise<HistorianHandle & { historian: PostgresHistorian; schema: string }> {
  const schema = `loom_ts_${++schemaNo}`;
  const make = () => new PostgresHistorian({ url: wire.url, schema, queryConnections: 2, ...options });
  return { schema, ...(await storeHandle(make, () => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined), true)) };
}

historianConformance('TimescaleDB (PGlite)', (options) => makeTimescale(options));
compressionConformance('TimescaleDB (PGlite)', (options) => makeTimescale(options));

describe('PostgresHistorian on TimescaleDB', () => {
  const handles: HistorianHandle[] = [];
  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.cleanup();
  });
  async function open() {
    const handle = await makeTimescale();
    handles.push(handle);
    await handle.historian.defineTags(TAGS);
    return handle;
  }
  const chunks = async (schema: string) =>
    (await admin.query<{ range_start_integer: string; is_compressed: boolean }>(
      `SELECT range_start_integer, is_compressed FROM timescaledb_information.chunks WHERE hypertable_schema = $1 AND hypertable_name = 'raw' ORDER BY 1`,
      [schema],
    )).rows.map((r) => [Number(r.range_start_integer), r.is_compressed]);

  it('finds the extension at open: raw is a hypertable of day chunks, compressed by tag and time, with a compression policy', async () => {
    const { historian: h, schema } = await open();
    assert.equal(h.rawLayout, 'hypertable');
    await h.write([s(TEMP, T0 + H, 1), s(TEMP, T0 + 2 * D + H, 2)]);
    assert.deepEqual(await chunks(schema), [[T0, false], [T0 + 2 * D, false]], 'one chunk per day with data');
    const settings = await admin.query<{ attname: string; segmentby_column_index: number | null; orderby_column_index: number | null }>(
      `SELECT attname, segmentby_column_index, orderby_column_index FROM timescaledb_information.compression_settings WHERE hypertable_schema = $1 ORDER BY attname`,
      [schema],
    );
    assert.deepEqual(settings.rows.map((r) => [r.attname, r.segmentby_column_index, r.orderby_column_index]), [['tag', 1, null], ['ts', null, 1]]);
    const jobs = await admin.query(`SELECT 1 FROM timescaledb_information.jobs WHERE hypertable_schema = $1 AND proc_name = 'policy_compression'`, [schema]);
    assert.equal(jobs.rows.length, 1);
  });

  it('answers the same from compressed chunks, and takes late and corrected samples into a compressed chunk', async () => {
    const { historian: h, schema } = await open();
    const samples = Array.from({ length: 600 }, (_, i) => s(i % 2 ? OTHER : TEMP, T0 + i * 10_000, i % 37));
    await h.write(samples);
    const query = { tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: 15 * M, agg: 'avg' as const };
    const before = await h.query(query);
    const raw = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H });
    await admin.query(`SELECT compress_chunk(c) FROM show_chunks('"${schema}".raw') c`);
    assert.deepEqual(await chunks(schema), [[T0, true]]);
    assert.deepEqual(await h.query(query), before);
    assert.deepEqual(await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H }), raw);
    // A late sample and a correction of a stored one, both inside the compressed chunk.
    await h.write([s(TEMP, T0 + 5_000, 100), s(TEMP, T0, 50)]);
    const points = (await h.query({ tag: TEMP, from: T0, to: T0 + 20_000 })).points.map((p) => [p.ts - T0, p.value]);
    assert.deepEqual(points, [[0, 50], [5_000, 100]]);
    const corrections = await h.corrections({ tag: TEMP, from: T0, to: T0 + H });
    assert.equal(corrections.length, 1);
    assert.equal(corrections[0].old.value, 0);
    assert.equal(corrections[0].new.value, 50);
  });

  it('retention drops whole day chunks and deletes the rest of the cut day row by row', async () => {
    const { historian: h, schema } = await open();
    await h.write([s(TEMP, T0 + H, 1), s(TEMP, T0 + D + H, 2), s(TEMP, T0 + D + 3 * H, 3), s(TEMP, T0 + 2 * D + H, 4)]);
    assert.equal((await chunks(schema)).length, 3);
    const deleted = await h.applyRetention({ rawMs: 0, minuteMs: 1_000 * D, hourMs: 1_000 * D }, T0 + D + 2 * H);
    assert.deepEqual(deleted, { raw: 2, minute: 0, hour: 0 });
    assert.deepEqual((await chunks(schema)).map(([start]) => start), [T0 + D, T0 + 2 * D], 'the first day dropped as a chunk');
    assert.deepEqual((await h.query({ tag: TEMP, from: T0, to: T0 + 3 * D })).points.map((p) => p.value), [3, 4]);
  });
});
