// One durable write: COPY the rows into the session's staging table, deduplicate them per (tag, ts)
// (last write wins), upsert them into the partitioned `raw` table, recompute exactly the 1-minute and
// 1-hour rollup buckets they touch, and update `latest`, all in one transaction. The write resolves
// after COMMIT, so a resolved write is durable and its rollups are current.

import type { PoolClient } from 'pg';
import { CopyIn } from './copy-in.js';
import { carryRows, combineSql, floorTo, ident, rollupRows, sampleRows } from './pg-sql.js';
import { CORRECTION_COLUMNS, correctionRows } from '../correction-sql.js';

const M = 60_000;
const H = 3_600_000;

export interface MergeResult {
  rows: number;
  /** Stored samples replaced by a different value or quality, recorded in `corrections`. */
  corrections: number;
  minuteBuckets: number;
  hourBuckets: number;
}

/** `lines` are COPY text lines of (tag, ts, seq, q, num, str); `rows` is their count. */
export async function mergeBatch(client: PoolClient, schema: string, lines: readonly string[], rows: number): Promise<MergeResult> {
  const s = ident(schema);
  await client.query('BEGIN');
  try {
    // The window sort of a big commit spills to disk with the default 4 MB.
    await client.query(`SET LOCAL work_mem = '64MB'`);
    await client.query(new CopyIn('COPY stage (tag, ts, seq, q, num, str) FROM STDIN', lines)).done;
    // Dedupe in the stage (the later seq wins), then upsert: re-sent samples replace stored ones.
    const distinct = (await client.query(`INSERT INTO batch SELECT DISTINCT ON (tag, ts) tag, ts, q, num, str FROM stage ORDER BY tag, ts, seq DESC`)).rowCount ?? 0;
    if (rows > 1_000) await client.query('ANALYZE batch');
    const corrections = await recordCorrections(client, s, distinct < rows);
    await client.query(`INSERT INTO ${s}.raw (tag, ts, q, num, str) SELECT tag, ts, q, num, str FROM batch
      ON CONFLICT (tag, ts) DO UPDATE SET q = EXCLUDED.q, num = EXCLUDED.num, str = EXCLUDED.str`);
    const minuteBuckets = await refreshMinutes(client, s, rows > 1_000);
    const hourBuckets = minuteBuckets > 0 ? await refreshHours(client, s) : 0;
    await client.query(`INSERT INTO ${s}.latest AS l (tag, ts, q, num, str)
      SELECT DISTINCT ON (tag) tag, ts, q, num, str FROM batch ORDER BY tag, ts DESC
      ON CONFLICT (tag) DO UPDATE SET ts = EXCLUDED.ts, q = EXCLUDED.q, num = EXCLUDED.num, str = EXCLUDED.str
      WHERE EXCLUDED.ts >= l.ts`);
    await client.query('COMMIT');
    return { rows, corrections, minuteBuckets, hourBuckets };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Records the samples of this commit that replace a different value: a stored row (only samples at
 * or before a tag's latest time can hit one, so an in-order stream costs one join with `latest`) or
 * an earlier row of the same (tag, ts) in this commit (`withDuplicates`).
 */
async function recordCorrections(client: PoolClient, s: string, withDuplicates: boolean): Promise<number> {
  const keys = [
    `SELECT b.tag, b.ts FROM batch b JOIN ${s}.latest l ON l.tag = b.tag WHERE b.ts <= l.ts`,
    ...(withDuplicates ? ['SELECT tag, ts FROM stage GROUP BY tag, ts HAVING count(*) > 1'] : []),
  ].join(' UNION ');
  const chain = `SELECT r.tag, r.ts, -1::bigint AS seq, r.q, r.num, r.str FROM ${s}.raw r JOIN (${keys}) k ON r.tag = k.tag AND r.ts = k.ts
    UNION ALL SELECT st.tag, st.ts, st.seq, st.q, st.num, st.str FROM stage st JOIN (${keys}) k ON st.tag = k.tag AND st.ts = k.ts`;
  const inserted = await client.query(`INSERT INTO ${s}.corrections (${CORRECTION_COLUMNS}) ${correctionRows(chain, Date.now())}`);
  return inserted.rowCount ?? 0;
}

/** Per tag of `dirty`: its newest row in rollup_1m (`top`, NULL without rows). */
function topMinute(s: string, dirty: string): string {
  return `(SELECT g.tag, (SELECT max(m.bucket) FROM ${s}.rollup_1m m WHERE m.tag = g.tag) AS top FROM (SELECT DISTINCT tag FROM ${dirty}) g)`;
}

/** The last rollup row of `table` strictly before `before` (an SQL expression over `d`), as a carry row. */
function lastTail(table: string, dirty: string, before: string): string {
  return carryRows(`(SELECT d.tag, c.tail_ts, c.tail_val, c.tail_good FROM ${dirty} d CROSS JOIN LATERAL (
    SELECT x.tail_ts, x.tail_val, x.tail_good FROM ${table} x WHERE x.tag = d.tag AND x.bucket < ${before} ORDER BY x.bucket DESC LIMIT 1) c) t`);
}

/**
 * Minute buckets to recompute: those holding a written numeric sample, plus for each the next
 * non-empty minute of the tag (its time-weighted average starts with the carried-in value). They are
 * rebuilt from `raw`; the carry-in of each is the tail of the last clean minute row before it, and
 * the window in combineSql picks the nearest preceding row, dirty or clean. A carry row must never
 * lie inside a dirty bucket: at an equal time it sorts before the sample and takes over its lag, so
 * the bucket would lose its carried-in head (the conformance suite caught exactly that).
 */
async function refreshMinutes(client: PoolClient, s: string, analyze: boolean): Promise<number> {
  await client.query(`INSERT INTO dirty0 SELECT DISTINCT tag, ${floorTo('ts', M)} FROM batch WHERE str IS NULL`);
  // The next non-empty minute is looked up only where one can exist: below the tag's newest minute
  // row (never, for a stream appending in order), and when the next minute has no written sample.
  await client.query(`INSERT INTO dirty SELECT tag, bucket FROM dirty0
    UNION SELECT d.tag, n.bucket FROM dirty0 d
      JOIN ${topMinute(s, 'dirty0')} t ON t.tag = d.tag AND d.bucket < t.top
      CROSS JOIN LATERAL (
        SELECT m.bucket FROM ${s}.rollup_1m m WHERE m.tag = d.tag AND m.bucket > d.bucket ORDER BY m.bucket LIMIT 1) n
    WHERE NOT EXISTS (SELECT 1 FROM dirty0 x WHERE x.tag = d.tag AND x.bucket = d.bucket + ${M})`);
  const stats = await client.query<{ n: string; lo: string | null; hi: string | null }>('SELECT count(*) AS n, min(bucket) AS lo, max(bucket) AS hi FROM dirty');
  const count = Number(stats.rows[0].n);
  if (count === 0) return 0;
  if (analyze) await client.query('ANALYZE dirty');
  const lo = Number(stats.rows[0].lo);
  const hi = Number(stats.rows[0].hi);
  await client.query(`DELETE FROM ${s}.rollup_1m m USING dirty d WHERE m.tag = d.tag AND m.bucket = d.bucket`);
  const sources = [
    // One index range scan per tag (its first to last dirty minute), then keep the dirty minutes' samples.
    sampleRows(`(SELECT r.tag, r.ts, r.q, r.num FROM (SELECT tag, min(bucket) AS lo, max(bucket) AS hi FROM dirty GROUP BY tag) g
      JOIN ${s}.raw r ON r.tag = g.tag AND r.ts >= g.lo AND r.ts < g.hi + ${M}
      WHERE r.str IS NULL AND r.ts >= ${lo} AND r.ts < ${hi + M}
        AND EXISTS (SELECT 1 FROM dirty d WHERE d.tag = r.tag AND d.bucket = ${floorTo('r.ts', M)})) x`),
    // Every dirty minute holds samples, so a dirty minute gets its carry-in from the previous dirty
    // minute's last sample unless a clean minute row lies between them; only the first dirty minute
    // of a tag, and those after a dirty minute below the tag's newest clean row, look one up.
    lastTail(
      `${s}.rollup_1m`,
      `(SELECT z.tag, z.bucket FROM (SELECT d.tag, d.bucket, lag(d.bucket) OVER (PARTITION BY d.tag ORDER BY d.bucket) AS prev FROM dirty d) z
        LEFT JOIN ${topMinute(s, 'dirty')} t ON t.tag = z.tag WHERE z.prev IS NULL OR z.prev < t.top)`,
      'd.bucket',
    ),
    // Hour rows are not recomputed yet: only those wholly before a tag's first dirty minute are current.
    lastTail(`${s}.rollup_1h`, '(SELECT tag, min(bucket) AS bucket FROM dirty GROUP BY tag)', floorTo('d.bucket', H)),
  ].join(' UNION ALL ');
  await client.query(`INSERT INTO ${s}.rollup_1m SELECT c.* FROM (${combineSql(sources, M)}) c
    WHERE EXISTS (SELECT 1 FROM dirty d WHERE d.tag = c.tag AND d.bucket = c.bucket)`);
  return count;
}

/** Hour buckets holding a recomputed minute, rebuilt from the minute rows. */
async function refreshHours(client: PoolClient, s: string): Promise<number> {
  const inserted = await client.query(`INSERT INTO dirty_h SELECT DISTINCT tag, ${floorTo('bucket', H)} FROM dirty`);
  await client.query(`DELETE FROM ${s}.rollup_1h h USING dirty_h d WHERE h.tag = d.tag AND h.bucket = d.bucket`);
  const sources = [
    rollupRows(`dirty_h d JOIN ${s}.rollup_1m r ON r.tag = d.tag AND r.bucket >= d.bucket AND r.bucket < d.bucket + ${H}`, M, 'true'),
    // Tails of clean hour rows only (the dirty ones are deleted): a minute row's tail could lie
    // inside a dirty hour's minute rows and cut their durations short.
    lastTail(`${s}.rollup_1h`, 'dirty_h', 'd.bucket'),
  ].join(' UNION ALL ');
  await client.query(`INSERT INTO ${s}.rollup_1h SELECT c.* FROM (${combineSql(sources, H)}) c
    WHERE EXISTS (SELECT 1 FROM dirty_h d WHERE d.tag = c.tag AND d.bucket = c.bucket)`);
  return inserted.rowCount ?? 0;
}
