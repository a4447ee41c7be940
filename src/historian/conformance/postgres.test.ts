// The conformance suite against the PostgreSQL backend, plus what only this backend has: daily
// partitions, retention by dropping them, failed commits, and the same answers as DuckDB for the
// same data. Every historian gets its own schema, dropped afterwards.
//
// PostgreSQL from LOOM_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres). When it
// is unreachable the tests are skipped with a message, except under CI=true, where they fail.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import pg from 'pg';
import type { Sample } from '../../model/index.js';
import { DuckDbHistorian, PostgresHistorian, type HistorianLogger } from '../index.js';
import type { Aggregate, Historian } from '../types.js';
import { random } from './reference.js';
import { compressionConformance } from './compression-suite.js';
import { historianConformance, storeHandle, OTHER, RUNNING, s, STATE, T0, TAGS, TEMP, type ConformanceOptions, type HistorianHandle } from './suite.js';

const URL = process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RUN = `${process.pid}_${Date.now().toString(36)}`;
const M = 60_000;
const H = 3_600_000;
const D = 24 * H;

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${URL} is unreachable (${(error as Error).message}); set LOOM_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await reachable();
const admin = unreachable ? undefined : new pg.Pool({ connectionString: URL, max: 2 });
after(async () => {
  if (!admin) return;
  // Schemas of this run that a crashed test left behind.
  const left = await admin.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`loom_test_${RUN}_%`]);
  for (const row of left.rows) await admin.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
  await admin.end();
});

let schemaNo = 0;
const values1m = (result: { points: Array<{ value: unknown }> }) => result.points.map((p) => p.value);
/** A fresh schema and a handle whose cleanup closes every instance and drops the schema. */
async function makePostgres(options: ConformanceOptions & { schema?: string; logger?: HistorianLogger; applicationName?: string } = {}): Promise<HistorianHandle & { historian: PostgresHistorian; schema: string }> {
  const schema = options.schema ?? `loom_test_${RUN}_${++schemaNo}`;
  const make = () => new PostgresHistorian({ url: URL, schema, ...options });
  return { schema, ...(await storeHandle(make, () => admin!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => undefined), true)) };
}

if (unreachable && process.env.CI === 'true') {
  it('reaches PostgreSQL (required under CI=true)', () => assert.fail(unreachable));
} else if (unreachable) {
  it('PostgreSQL historian', { skip: unreachable }, () => undefined);
} else {
  historianConformance('PostgreSQL', (options) => makePostgres(options));
  compressionConformance('PostgreSQL', (options) => makePostgres(options));

  describe('PostgresHistorian', () => {
    const handles: HistorianHandle[] = [];
    const cleanups: Array<() => void> = [];
    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.cleanup();
      for (const cleanup of cleanups.splice(0)) cleanup();
    });
    async function open(options: ConformanceOptions & { logger?: HistorianLogger; applicationName?: string } = {}) {
      const handle = await makePostgres(options);
      handles.push(handle);
      await handle.historian.defineTags(TAGS);
      return handle;
    }
    async function partitions(schema: string): Promise<string[]> {
      const result = await admin!.query<{ relname: string }>(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`,
        [`"${schema}".raw`],
      );
      return result.rows.map((r) => r.relname);
    }

    it('stores raw samples in daily range partitions made one day ahead of the data, dropped whole by retention', async () => {
      const { historian: h, schema } = await open();
      assert.equal(h.rawLayout, 'partitioned', 'TimescaleDB is not installed here: native partitioning');
      assert.deepEqual(await partitions(schema), []);
      await h.write([s(TEMP, T0 + H, 1), s(TEMP, T0 + 2 * D + H, 2)]);
      assert.deepEqual(await partitions(schema), ['raw_20260105', 'raw_20260107', 'raw_20260108']);
      // The rows live in the partitions: the parent holds none itself.
      const inParent = await admin!.query(`SELECT count(*)::int AS n FROM ONLY "${schema}".raw`);
      assert.equal(inParent.rows[0].n, 0);
      const inDay = await admin!.query(`SELECT count(*)::int AS n FROM "${schema}".raw_20260107`);
      assert.equal(inDay.rows[0].n, 1);
      await h.write([s(TEMP, T0 + D + H, 3), s(TEMP, T0 + D + 2 * H, 4)]);
      assert.deepEqual(await partitions(schema), ['raw_20260105', 'raw_20260106', 'raw_20260107', 'raw_20260108']);
      // Cut in the middle of day 2: days 0 and 1 end before it and are dropped, day 2 loses one row by DELETE.
      const deleted = await h.applyRetention({ rawMs: 0, minuteMs: 1_000 * D, hourMs: 1_000 * D }, T0 + D + 90 * M);
      assert.deepEqual(deleted, { raw: 2, minute: 0, hour: 0 });
      assert.deepEqual(await partitions(schema), ['raw_20260106', 'raw_20260107', 'raw_20260108']);
      assert.deepEqual((await h.query({ tag: TEMP, from: T0, to: T0 + 3 * D })).points.map((p) => p.value), [4, 2]);
      // A reopened historian knows which partitions exist, and re-creates a dropped day when data for it arrives.
      const reopened = await handles[0].reopen!();
      await reopened.write([s(TEMP, T0 + 5, 9)]);
      assert.deepEqual(await partitions(schema), ['raw_20260105', 'raw_20260106', 'raw_20260107', 'raw_20260108']);
      assert.deepEqual((await reopened.query({ tag: TEMP, from: T0, to: T0 + D })).points.map((p) => p.value), [9]);
    });

    it('groups concurrent writes into fewer commits, each resolving after its commit', async () => {
      const { historian: h } = await open();
      const reports: number[] = [];
      h.onWrite((report) => reports.push(report.rows));
      const writes: Array<Promise<void>> = [];
      for (let w = 0; w < 20; w++) writes.push(h.write([s(TEMP, T0 + w * 1_000, w), s(OTHER, T0 + w * 1_000, -w)]));
      await Promise.all(writes);
      assert.equal(reports.reduce((a, b) => a + b, 0), 40);
      assert.ok(reports.length < 20, `${reports.length} commits for 20 concurrent writes`);
      assert.equal((await h.stats()).rawRows, 40);
    });

    it('rejects a write whose commit fails, keeps nothing of it, and keeps working', async () => {
      const logged: string[] = [];
      const { historian: h } = await open({ logger: { info: () => undefined, warn: () => undefined, error: (m) => logged.push(m) } });
      await h.write([s(TEMP, T0, 1)]);
      // A time beyond BIGINT: the COPY fails, so does the transaction.
      await assert.rejects(h.write([s(TEMP, T0 + 1_000, 2), s(TEMP, 1e20, 3)]), /historian write failed: .*bigint/);
      await h.write([s(TEMP, T0 + 2_000, 4)]);
      assert.deepEqual((await h.query({ tag: TEMP, from: T0, to: T0 + M })).points.map((p) => p.value), [1, 4]);
      assert.equal((await h.stats()).pendingSamples, 0);
      assert.equal(logged.length, 1);
      assert.match(logged[0], /historian write failed/);
    });

    it('reconnects its writer after the server dropped the connection, with the session tables recreated', async () => {
      const logged: string[] = [];
      const log = (m: string) => logged.push(m);
      const applicationName = `loom-test-${RUN}-reconnect`;
      const { historian: h } = await open({ applicationName, logger: { info: log, warn: log, error: log } });
      await h.write([s(TEMP, T0, 1)]);
      const killed = await admin!.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
      assert.ok(killed.rows.length >= 1, 'the writer connection was found');
      // The next write either finds the connection marked broken and reconnects first, or fails
      // with it (the error event may come late) and the one after reconnects.
      let stored = false;
      for (let attempt = 0; attempt < 2 && !stored; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stored = await h.write([s(TEMP, T0 + (attempt + 1) * 1_000, 2)]).then(
          () => true,
          (error: Error) => (assert.match(error.message, /historian write failed/), false),
        );
      }
      assert.ok(stored, `no write succeeded after the connection was dropped: ${logged.join(' | ')}`);
      assert.ok(logged.some((m) => /reconnected/.test(m)), logged.join(' | '));
      const points = (await h.query({ tag: TEMP, from: T0, to: T0 + M })).points;
      assert.equal(points[0].value, 1);
      assert.equal(points.at(-1)!.value, 2);
      assert.deepEqual(values1m(await h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'count' })), [points.length]);
    });

    it('defines tags idempotently, including a path given twice, and follows a changed type', async () => {
      const { historian: h, schema } = await open();
      await h.defineTags([...TAGS, { ...TAGS[0], id: 77 }]);
      await h.defineTags([{ ...TAGS[0], type: 'string' }]);
      assert.equal((await h.stats()).tags, TAGS.length);
      await h.write([s(TEMP, T0, 'now text')]);
      assert.deepEqual((await h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M })).points, [{ ts: T0, value: 'now text' }]);
      const rows = await admin!.query(`SELECT count(*)::int AS n FROM "${schema}".tags`);
      assert.equal(rows.rows[0].n, TAGS.length);
    });

    it('fails to open with an error naming the server without its password', async () => {
      const bad = new PostgresHistorian({ url: 'postgres://loom:secret@127.0.0.1:1/none', schema: 'x' });
      await assert.rejects(bad.open(), (error: Error) => {
        assert.match(error.message, /cannot open PostgreSQL historian at postgres:\/\/loom:\*\*\*@127\.0\.0\.1:1\/none \(schema 'x'\)/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      });
      await assert.rejects(bad.write([s(TEMP, T0, 1)]), /not open/);
    });

    it('answers exactly as DuckDB for the same data: raw, every aggregate, every chosen resolution', async () => {
      const root = mkdtempSync(join(tmpdir(), 'loom-pg-vs-duckdb-'));
      cleanups.push(() => rmSync(root, { recursive: true, force: true }));
      const duck = new DuckDbHistorian({ path: join(root, 'h.duckdb') });
      await duck.open();
      handles.push({ historian: duck, cleanup: () => duck.close() });
      await duck.defineTags(TAGS);
      const { historian: pgh } = await open();
      const next = random(99);
      const samples: Sample[] = [];
      let ts = T0 - 10 * M;
      while (ts < T0 + 5 * H) {
        ts += Math.floor(1 + next() * 40) * 1_000;
        const quality = next() > 0.1 ? 'good' : 'bad';
        samples.push(s(TEMP, ts, Math.round(next() * 1e4) / 100, quality));
        if (next() > 0.8) samples.push(s(RUNNING, ts, next() > 0.5));
        if (next() > 0.9) samples.push(s(STATE, ts, next() > 0.5 ? 'run' : 'idle'));
      }
      const late = samples.filter((_, i) => i % 11 === 0).map((x) => ({ ...x, value: typeof x.value === 'number' ? x.value + 1 : x.value }));
      for (const h of [duck, pgh] as Historian[]) {
        await h.write(samples.slice(0, samples.length / 2));
        await h.flush();
        await h.write(samples.slice(samples.length / 2));
        await h.write(late.reverse());
        await h.flush();
      }
      const queries = [
        { tag: TEMP, from: T0, to: T0 + 5 * H },
        { tag: TEMP, from: T0, to: T0 + 10 * M },
        { tag: TEMP, from: T0 + 7 * M, to: T0 + 4 * H + 3, maxPoints: 50 },
        { tag: RUNNING, from: T0, to: T0 + 5 * H, maxPoints: 20 },
        { tag: STATE, from: T0, to: T0 + 5 * H, maxPoints: 20 },
        ...(['avg', 'min', 'max', 'first', 'last', 'count', 'twa'] as Aggregate[]).flatMap((agg) => [
          { tag: TEMP, from: T0, to: T0 + 5 * H, bucketMs: 15 * 1_000, agg },
          { tag: TEMP, from: T0, to: T0 + 5 * H, bucketMs: 5 * M, agg },
          { tag: TEMP, from: T0 - H, to: T0 + 5 * H, bucketMs: 2 * H, agg },
          { tag: RUNNING, from: T0, to: T0 + 5 * H, bucketMs: H, agg },
        ]),
      ];
      for (const query of queries) {
        const [a, b] = [await duck.query(query), await pgh.query(query)];
        const label = JSON.stringify(query);
        assert.deepEqual({ ...b, points: [] }, { ...a, points: [] }, `${label}: result header`);
        assert.equal(b.points.length, a.points.length, `${label}: points`);
        a.points.forEach((p, i) => {
          const q = b.points[i];
          assert.equal(q.ts, p.ts, `${label}: ts of point ${i}`);
          assert.equal(q.quality, p.quality, `${label}: quality of point ${i}`);
          if (typeof p.value === 'number' && typeof q.value === 'number') {
            assert.ok(Math.abs(p.value - q.value) <= 1e-9 * Math.max(1, Math.abs(p.value)), `${label}: value of point ${i}: ${p.value} vs ${q.value}`);
          } else assert.equal(q.value, p.value, `${label}: value of point ${i}`);
        });
      }
      const [ds, ps] = [await duck.stats(), await pgh.stats()];
      assert.deepEqual([ps.rawRows, ps.minuteRows, ps.hourRows], [ds.rawRows, ds.minuteRows, ds.hourRows]);
      assert.deepEqual(pgh.latest().sort((x, y) => (x.tag < y.tag ? -1 : 1)), duck.latest().sort((x, y) => (x.tag < y.tag ? -1 : 1)));
    });
  });
}
