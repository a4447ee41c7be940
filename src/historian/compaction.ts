// Worker side: moves the append-only `landing` table into `raw`, deduplicated per (tag, ts) (last
// write wins) and ordered by (tag, ts), and recomputes exactly the rollup buckets the moved samples
// touch, all in one transaction. Runs on its own connection, so appends keep committing meanwhile.

import type { DuckDBConnection } from '@duckdb/node-api';
import { HOUR_MS, MINUTE_MS } from './schema.js';
import { carryRows, combineSql, rollupRows, sampleRows } from './rollup-sql.js';
import { correctionRows } from './correction-sql.js';

export interface CompactionResult {
  /** Distinct (tag, ts) samples moved into `raw`. */
  samples: number;
  /** Samples that replaced a stored one (re-sent or corrected). */
  replaced: number;
  /** Replacements by a different value or quality, recorded in `corrections`. */
  corrections: number;
  minuteBuckets: number;
  hourBuckets: number;
  /** Rows left in landing (samples of the still-open minute, or newer than the snapshot). */
  remaining: number;
  /** ms per step, for logs and tuning. */
  timings: Record<string, number>;
}

/**
 * With `closedMinutesOnly`, samples of the newest minute in landing stay there: under a steady
 * stream each minute is then rolled up once instead of once per compaction. `mayHaveDuplicates`
 * false (the writer saw every tag's timestamps strictly increase) skips the deduplication pass.
 */
export async function compact(conn: DuckDBConnection, closedMinutesOnly = false, mayHaveDuplicates = true): Promise<CompactionResult> {
  const result: CompactionResult = { samples: 0, replaced: 0, corrections: 0, minuteBuckets: 0, hourBuckets: 0, remaining: 0, timings: {} };
  let mark = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    result.timings[name] = Math.round(now - mark);
    mark = now;
  };
  let taken: string;
  await conn.run('BEGIN TRANSACTION');
  try {
    const [maxSeq, maxTs] = await row(conn, 'SELECT max(seq), max(ts) FROM stage.landing');
    const cutoff = closedMinutesOnly && maxTs !== null ? Math.floor(maxTs / MINUTE_MS) * MINUTE_MS : Number.MAX_SAFE_INTEGER;
    taken = `seq <= ${maxSeq} AND ts < ${cutoff}`;
    if (maxSeq === null || ((await scalar(conn, `SELECT count(*) FROM stage.landing WHERE ${taken}`)) ?? 0) === 0) {
      result.remaining = (await scalar(conn, 'SELECT count(*) FROM stage.landing')) ?? 0;
      await conn.run('COMMIT');
      return result;
    }
    // Order by (tag, ts): sorted chunks compress to 1-2 bytes/row. Deduplicate (last write wins)
    // only when the writer saw a tag's timestamps go back or repeat.
    await conn.run(`CREATE OR REPLACE TEMP TABLE batch AS
      SELECT tag, ts, q, num, str FROM stage.landing WHERE ${taken}
      ${mayHaveDuplicates ? 'QUALIFY row_number() OVER (PARTITION BY tag, ts ORDER BY seq DESC) = 1' : ''}
      ORDER BY tag, ts`);
    result.samples = (await scalar(conn, 'SELECT count(*) FROM batch')) ?? 0;
    step('dedupe');

    // Samples at or before a tag's newest stored time may replace stored rows.
    await conn.run(`CREATE OR REPLACE TEMP TABLE overlap AS
      SELECT b.tag, b.ts FROM batch b JOIN latest l ON l.tag = b.tag WHERE b.ts <= l.ts`);
    const [overlapCount, overlapLo, overlapHi] = await row(conn, 'SELECT count(*), min(ts), max(ts) FROM overlap');
    if (mayHaveDuplicates || (overlapCount ?? 0) > 0) result.corrections = await recordCorrections(conn, taken, mayHaveDuplicates, overlapLo, overlapHi);
    if (overlapCount && overlapCount > 0) {
      const deleted = await conn.run(`DELETE FROM raw USING overlap o
        WHERE raw.tag = o.tag AND raw.ts = o.ts AND raw.ts >= ${overlapLo} AND raw.ts <= ${overlapHi}`);
      result.replaced = Number(deleted.rowsChanged);
    }
    step('replace');
    await conn.run('INSERT INTO raw SELECT tag, ts, q, num, str FROM batch');
    step('insert');
    result.minuteBuckets = await refreshMinutes(conn);
    step('minutes');
    if (result.minuteBuckets > 0) result.hourBuckets = await refreshHours(conn);
    step('hours');

    await conn.run(`INSERT OR REPLACE INTO latest
      SELECT b.tag, b.ts, b.q, b.num, b.str
      FROM batch b JOIN (SELECT tag, max(ts) AS ts FROM batch GROUP BY tag) m ON b.tag = m.tag AND b.ts = m.ts
      LEFT JOIN latest l ON l.tag = b.tag
      WHERE l.ts IS NULL OR b.ts >= l.ts`);
    step('latest');
    await conn.run('COMMIT');
    step('commit');
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // A transaction writes to one attached database only, so landing is cleared in a second one. A
  // crash in between leaves rows that the next compaction moves again: they replace themselves.
  await conn.run(`DELETE FROM stage.landing WHERE ${taken}`);
  step('clear');
  result.remaining = (await scalar(conn, 'SELECT count(*) FROM stage.landing')) ?? 0;
  return result;
}

/**
 * Records the samples of this compaction that replace a different value: a stored row (overlap) or
 * an earlier write of the same (tag, ts) still in landing.
 */
async function recordCorrections(conn: DuckDBConnection, taken: string, withDuplicates: boolean, lo: number | null, hi: number | null): Promise<number> {
  const keys = [
    ...(lo === null ? [] : ['SELECT tag, ts FROM overlap']),
    ...(withDuplicates ? [`SELECT tag, ts FROM stage.landing WHERE ${taken} GROUP BY tag, ts HAVING count(*) > 1`] : []),
  ];
  if (keys.length === 0) return 0;
  await conn.run(`CREATE OR REPLACE TEMP TABLE chain_keys AS ${keys.join(' UNION ')}`);
  const stored =
    lo === null
      ? []
      : [`SELECT r.tag, r.ts, -1::BIGINT AS seq, r.q, r.num, r.str FROM raw r SEMI JOIN overlap o ON r.tag = o.tag AND r.ts = o.ts
          WHERE r.ts >= ${lo} AND r.ts <= ${hi}`];
  const chain = [
    ...stored,
    `SELECT l.tag, l.ts, l.seq, l.q, l.num, l.str FROM (SELECT * FROM stage.landing WHERE ${taken}) l
      SEMI JOIN chain_keys k ON l.tag = k.tag AND l.ts = k.ts`,
  ].join(' UNION ALL ');
  return Number((await conn.run(`INSERT INTO corrections ${correctionRows(chain, Date.now())}`)).rowsChanged);
}

/**
 * Minute buckets to recompute: those holding a moved sample, plus for each of them the next
 * non-empty bucket of the tag, whose time-weighted average starts with the carried-in value.
 */
async function refreshMinutes(conn: DuckDBConnection): Promise<number> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE dirty0 AS
    SELECT DISTINCT tag, (ts // ${MINUTE_MS}) * ${MINUTE_MS} AS bucket FROM batch WHERE str IS NULL`);
  const [lo0] = await row(conn, 'SELECT min(bucket) FROM dirty0');
  if (lo0 === null) return 0;
  await conn.run(`CREATE OR REPLACE TEMP TABLE dirty AS
    SELECT d.tag, d.bucket, m.tag IS NOT NULL AS existed FROM (
      SELECT tag, bucket FROM dirty0
      UNION
      SELECT d.tag, m.bucket FROM dirty0 d
        ASOF JOIN (SELECT tag, bucket FROM rollup_1m WHERE bucket > ${lo0}) m ON d.tag = m.tag AND m.bucket > d.bucket
    ) d LEFT JOIN (SELECT tag, bucket FROM rollup_1m WHERE bucket >= ${lo0}) m ON m.tag = d.tag AND m.bucket = d.bucket`);
  const [count, lo, hi] = await row(conn, 'SELECT count(*), min(bucket), max(bucket) FROM dirty');
  const [oldLo, oldHi] = await row(conn, 'SELECT min(bucket), max(bucket) FROM dirty WHERE existed');
  await conn.run(`DELETE FROM rollup_1m USING dirty d
    WHERE rollup_1m.tag = d.tag AND rollup_1m.bucket = d.bucket AND rollup_1m.bucket >= ${lo} AND rollup_1m.bucket <= ${hi}`);
  // Carry-in candidates: the tails of the (clean) minute rows around the dirty ones, and before those,
  // the tail of the last hour row. The window in combineSql picks the nearest preceding one.
  const lookback = Math.floor(lo! / HOUR_MS) * HOUR_MS - HOUR_MS;
  // A minute without a rollup row before had no stored samples: all of its samples are in the batch.
  // Minutes that had one (partly compacted earlier, or late data) are read back from raw.
  const bucketOf = (column: string) => `(${column} // ${MINUTE_MS}) * ${MINUTE_MS}`;
  const sources = [
    sampleRows(`(SELECT b.tag, b.ts, b.q, b.num FROM batch b JOIN dirty d ON b.tag = d.tag AND ${bucketOf('b.ts')} = d.bucket
      WHERE NOT d.existed AND b.str IS NULL)`),
    ...(oldLo === null
      ? []
      : [
          sampleRows(`(SELECT r.tag, r.ts, r.q, r.num FROM raw r JOIN dirty d ON r.tag = d.tag AND ${bucketOf('r.ts')} = d.bucket
            WHERE d.existed AND r.ts >= ${oldLo} AND r.ts < ${oldHi! + MINUTE_MS} AND r.str IS NULL)`),
        ]),
    carryRows(`(SELECT tag, tail_ts, tail_val, tail_good FROM rollup_1m
      WHERE tag IN (SELECT tag FROM dirty) AND bucket >= ${lookback} AND bucket <= ${hi})`),
    carryRows(lastTails('rollup_1h', 'dirty', lookback)),
  ].join(' UNION ALL ');
  await conn.run(`INSERT INTO rollup_1m SELECT c.* FROM (${combineSql(sources, MINUTE_MS)}) c
    SEMI JOIN dirty d ON c.tag = d.tag AND c.bucket = d.bucket`);
  return count ?? 0;
}

/** Hour buckets holding a recomputed minute, rebuilt from the minute rows. */
async function refreshHours(conn: DuckDBConnection): Promise<number> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE dirty_h AS
    SELECT DISTINCT tag, (bucket // ${HOUR_MS}) * ${HOUR_MS} AS bucket FROM dirty`);
  const [count, lo, hi] = await row(conn, 'SELECT count(*), min(bucket), max(bucket) FROM dirty_h');
  await conn.run(`DELETE FROM rollup_1h USING dirty_h d
    WHERE rollup_1h.tag = d.tag AND rollup_1h.bucket = d.bucket AND rollup_1h.bucket >= ${lo} AND rollup_1h.bucket <= ${hi}`);
  const lookback = lo! - HOUR_MS;
  const sources = [
    rollupRows('rollup_1m m', MINUTE_MS, `EXISTS (SELECT 1 FROM dirty_h d WHERE d.tag = m.tag AND d.bucket = (m.bucket // ${HOUR_MS}) * ${HOUR_MS})
      AND m.bucket >= ${lo} AND m.bucket < ${hi! + HOUR_MS}`),
    carryRows(`(SELECT tag, tail_ts, tail_val, tail_good FROM rollup_1h
      WHERE tag IN (SELECT tag FROM dirty_h) AND bucket >= ${lookback} AND bucket <= ${hi})`),
    carryRows(lastTails('rollup_1h', 'dirty_h', lookback)),
  ].join(' UNION ALL ');
  await conn.run(`INSERT INTO rollup_1h SELECT c.* FROM (${combineSql(sources, HOUR_MS)}) c
    SEMI JOIN dirty_h d ON c.tag = d.tag AND c.bucket = d.bucket`);
  return count ?? 0;
}

/** The tail of each dirty tag's last row in `table` before `before`. */
function lastTails(table: string, dirty: string, before: number): string {
  return `(SELECT tag, arg_max(tail_ts, bucket) AS tail_ts, arg_max(tail_val, bucket) AS tail_val, arg_max(tail_good, bucket) AS tail_good
    FROM ${table} WHERE tag IN (SELECT tag FROM ${dirty}) AND bucket < ${before} GROUP BY tag)`;
}

async function row(conn: DuckDBConnection, sql: string): Promise<Array<number | null>> {
  const reader = await conn.runAndReadAll(sql);
  const values = reader.getRows()[0] ?? [];
  return values.map((v) => (v === null || v === undefined ? null : Number(v)));
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<number | null> {
  return (await row(conn, sql))[0] ?? null;
}
