// Worker side: answers history queries (buckets of one tag or of several on one grid, the neighbours
// of interpolation points, corrections), each inside one read transaction, so raw rows, the landing
// table and the rollups are seen at one consistent point. Rollups cover compacted samples; the few
// buckets that samples still in `landing` touch are computed from samples on the fly.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlignedBucketsQuery, AlignedBucketsResult, CorrectionFilter, StoredCorrection, WorkerQuery, WorkerQueryResult } from './protocol.js';
import type { Aggregate, Resolution } from './types.js';
import { correctionsSelect, storedCorrection } from './correction-sql.js';
import { lastGridPoint, neighbourRow, storedRowAt, type NeighbourQuery, type NeighbourRow } from './interpolation.js';
import type { StoredRow } from './answers.js';
import { aggExpression } from './aggregate-sql.js';
import { chooseBucketMs } from './query-plan.js';
import { tiling } from './tiling.js';
import { carryRows, combineSql, combineUnweightedSql, rollupRows, sampleRows } from './rollup-sql.js';
import { HOUR_MS, MINUTE_MS } from './schema.js';

export function runQuery(conn: DuckDBConnection, query: WorkerQuery): Promise<WorkerQueryResult> {
  return inTransaction(conn, () => answer(conn, query));
}

/** Half-width of the window around each grid point that a sparse grid reads first. */
const NEAR_MS = 60_000;
/** A sample as one value, to pick a whole row with arg_min/arg_max. */
const SAMPLE_ROW = `{'ts': ts, 'q': q, 'num': num, 'str': str}`;
/** Grids of at most this many points find each point's neighbours with their own small reads. */
const FEW_POINTS = 8;
/**
 * How far a probe for the sample before or after a time looks, widening: dense data costs one read
 * of a minute, a gap a few more; every read names its time range, so DuckDB skips the row groups
 * outside it instead of scanning the tag's history.
 */
const PROBE_MS = [MINUTE_MS, HOUR_MS, 24 * HOUR_MS, 30 * 24 * HOUR_MS];

/**
 * For each point t_k = from + k * step of the grid, the last sample at or before it and the first
 * after it. Reads are bounded by the grid, not by the tag's history: the samples just before the first
 * point and just after the last are found by probes (`PROBE_MS`), a few points probe each of their
 * own. A sparse grid (step > 2 min) then reads only the samples within a minute of each point: for
 * dense data that finds every neighbour at a sixth of the cost of aggregating all samples. When a
 * point's neighbour lies further away (a gap), every sample between the one before the first point
 * and the one after the last is aggregated instead: sample ts falls in cell k when
 * t_(k-1) < ts <= t_k; each cell keeps its first and last sample; a point's "before" is the last
 * sample of its cell or an earlier one, its "after" the first sample of a later cell. (An ASOF join
 * sorted all samples and took twice as long as that.)
 */
export function runNeighbours(conn: DuckDBConnection, q: NeighbourQuery): Promise<NeighbourRow[]> {
  return inTransaction(conn, async () => {
    const tag = q.tagId;
    const hasLanding = (await scalar(conn, `SELECT min(ts) FROM stage.landing WHERE tag = ${tag}`)) !== null;
    const last = lastGridPoint(q);
    const points = (last - q.from) / q.stepMs + 1;
    if (points <= FEW_POINTS) {
      const rows: NeighbourRow[] = [];
      for (let t = q.from; t <= last; t += q.stepMs) rows.push({ t, before: await probe(conn, tag, t, 'before', hasLanding), after: await probe(conn, tag, t, 'after', hasLanding) });
      return rows;
    }
    const lo = (await probe(conn, tag, q.from, 'before', hasLanding))?.ts ?? null;
    const hi = (await probe(conn, tag, last, 'after', hasLanding))?.ts ?? null;
    const relation = samples(tag, lo ?? q.from, (hi ?? last) + 1, hasLanding);
    const row = SAMPLE_ROW;
    if (q.stepMs > 2 * NEAR_MS) {
      const near = (
        await conn.runAndReadAll(`WITH near AS (
            SELECT (ts - ${q.from} + ${NEAR_MS}) // ${q.stepMs} AS k, ts, q, num, str FROM ${samples(tag, q.from - NEAR_MS, last + NEAR_MS + 1, hasLanding)}
            WHERE (ts - ${q.from} + ${NEAR_MS}) % ${q.stepMs} <= ${2 * NEAR_MS}
          ), cells AS (
            SELECT k, arg_max(${row}, ts) FILTER (WHERE ts <= ${q.from} + k * ${q.stepMs}) AS b,
              arg_min(${row}, ts) FILTER (WHERE ts > ${q.from} + k * ${q.stepMs}) AS a
            FROM near GROUP BY k
          )
          SELECT ${q.from} + g.k * ${q.stepMs}, b.ts, b.q, b.num, b.str, a.ts, a.q, a.num, a.str
          FROM (SELECT range AS k FROM range(0, ${points})) g LEFT JOIN cells c ON c.k = g.k ORDER BY g.k`)
      )
        .getRows()
        .map(neighbourRow);
      // A missing neighbour is certain only before the first and after the last sample.
      let settled = near.every((n) => (n.before !== null || lo === null) && (n.after !== null || hi === null));
      if (settled && near.some((n) => n.before === null || n.after === null)) {
        const [first, newest] = (await conn.runAndReadAll(`SELECT min(ts), max(ts) FROM ${relation}`)).getRows()[0].map((v) => (v === null ? null : Number(v)));
        settled = near.every((n) => (n.before !== null || first === null || n.t < first) && (n.after !== null || newest === null || n.t >= newest));
      }
      if (settled) return near;
    }
    const reader = await conn.runAndReadAll(`WITH cells AS (
        SELECT greatest(0, (ts - ${q.from} + ${q.stepMs - 1}) // ${q.stepMs}) AS k, arg_min(${row}, ts) AS fst, arg_max(${row}, ts) AS lst
        FROM ${relation} GROUP BY k
      ), joined AS (
        SELECT coalesce(g.k, c.k) AS k, g.k IS NOT NULL AS point, c.fst, c.lst
        FROM (SELECT range AS k FROM range(0, ${points})) g FULL JOIN cells c ON g.k = c.k
      ), spread AS (
        SELECT k, point,
          last_value(lst IGNORE NULLS) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS b,
          first_value(fst IGNORE NULLS) OVER (ORDER BY k ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS a
        FROM joined
      )
      SELECT ${q.from} + k * ${q.stepMs}, b.ts, b.q, b.num, b.str, a.ts, a.q, a.num, a.str FROM spread WHERE point ORDER BY k`);
    return reader.getRows().map(neighbourRow);
  });
}

/** The last sample at or before `t`, or the first after it: windows widening per `PROBE_MS`, then all of history. */
async function probe(conn: DuckDBConnection, tag: number, t: number, side: 'before' | 'after', hasLanding: boolean): Promise<StoredRow | null> {
  for (const reach of [...PROBE_MS, Number.MAX_SAFE_INTEGER]) {
    const [lo, hi] = side === 'before' ? [Math.max(t - reach, Number.MIN_SAFE_INTEGER), t + 1] : [t + 1, Math.min(t + 1 + reach, Number.MAX_SAFE_INTEGER)];
    // An aggregate, not ORDER BY ... LIMIT 1: DuckDB's top-n read the whole table here (14 ms against 1.5).
    const pick = side === 'before' ? 'arg_max' : 'arg_min';
    const [found] = (await conn.runAndReadAll(`SELECT s.ts, s.q, s.num, s.str FROM (SELECT ${pick}(${SAMPLE_ROW}, ts) AS s FROM ${samples(tag, lo, hi, hasLanding)})`)).getRows();
    const sample = storedRowAt(found, 0);
    if (sample !== null) return sample;
  }
  return null;
}

export async function runCorrections(conn: DuckDBConnection, f: CorrectionFilter): Promise<StoredCorrection[]> {
  return (await conn.runAndReadAll(correctionsSelect('corrections', f.tagId, f.from, f.to, f.limit))).getRows().map(storedCorrection);
}

export async function inTransaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await conn.run('COMMIT');
    return result;
  } catch (error) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function answer(conn: DuckDBConnection, q: WorkerQuery): Promise<WorkerQueryResult> {
  const tag = q.tagId;
  const landingMin = await scalar(conn, `SELECT min(ts) FROM stage.landing WHERE tag = ${tag}`);
  const hasLanding = landingMin !== null;
  let bucketMs = q.bucketMs;
  if (bucketMs === undefined) {
    const inRange = `tag = ${tag} AND ts >= ${q.from} AND ts < ${q.to}`;
    // Counting stops after maxPoints + 1 rows: a month of a 1 Hz tag costs no more than an hour.
    const upTo = (table: string) => `SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE ${inRange} LIMIT ${q.maxPoints + 1})`;
    const count = (await scalar(conn, upTo('raw')))! + (hasLanding ? (await scalar(conn, upTo('stage.landing')))! : 0);
    if (count <= q.maxPoints) return rawAnswer(conn, q, hasLanding);
    bucketMs = chooseBucketMs(q.from, q.to, q.maxPoints);
  }
  // Bucketed answers cover whole buckets: the range widens to bucket boundaries.
  const from = Math.floor(q.from / bucketMs) * bucketMs;
  const to = Math.ceil(q.to / bucketMs) * bucketMs;
  if (q.kind === 'text') return textBuckets(conn, q, from, to, bucketMs, hasLanding);

  const { resolution, rows } = await numericBuckets(conn, [tag], from, to, bucketMs, q.agg, landingMin);
  return {
    resolution,
    bucketMs,
    ts: rows.map((r) => Number(r[1])),
    values: rows.map((r) => (r[2] === null ? null : Number(r[2]))),
    quality: null,
  };
}

/**
 * Buckets of several numeric tags on one grid in one statement (the window in combineSql already
 * works per tag): one query instead of one per tag. `from`/`to` are bucket-aligned.
 */
export function runAlignedBuckets(conn: DuckDBConnection, q: AlignedBucketsQuery): Promise<AlignedBucketsResult> {
  return inTransaction(conn, async () => {
    const { resolution, rows } = await numericBuckets(conn, q.tagIds, q.from, q.to, q.bucketMs, q.agg);
    return { resolution, tags: rows.map((r) => Number(r[0])), ts: rows.map((r) => Number(r[1])), values: rows.map((r) => (r[2] === null ? null : Number(r[2]))) };
  });
}

/** Rows of (tag, bucket, value): compacted parts from the fitting rollup, the landing part from samples. */
async function numericBuckets(
  conn: DuckDBConnection,
  tags: readonly number[],
  from: number,
  to: number,
  bucketMs: number,
  agg: Aggregate,
  knownLandingMin?: number | null,
): Promise<{ resolution: Resolution; rows: unknown[][] }> {
  const ofTags = tagsIn(tags);
  const landingMin = knownLandingMin !== undefined ? knownLandingMin : await scalar(conn, `SELECT min(ts) FROM stage.landing WHERE ${ofTags}`);
  const hasLanding = landingMin !== null;
  // Rollups hold compacted samples only: they answer up to the minute of the oldest landing sample.
  const rollupEnd = hasLanding ? Math.max(from, Math.min(to, Math.floor(landingMin / MINUTE_MS) * MINUTE_MS)) : to;
  const tiles = tiling(from, to, bucketMs, rollupEnd);
  const sources: string[] = [];
  if (tiles.hours !== null) sources.push(rollupRows('rollup_1h', HOUR_MS, `${ofTags} AND ${tiles.hours}`));
  if (tiles.minutes !== null) sources.push(rollupRows('rollup_1m', MINUTE_MS, `${ofTags} AND ${tiles.minutes}`));
  const edges = tiles.edgeMinutes;
  if (edges.length > 0 || tiles.rawFrom < to) {
    // A semi join on the minute number: one pass over the range, cheaper than a list of ranges.
    const atEdge = edges.length === 0 ? 'false' : `ts // ${MINUTE_MS} IN (SELECT unnest([${edges.join(', ')}]::BIGINT[]))`;
    const rawFrom = edges.length === 0 ? tiles.rawFrom : Math.max(from, edges[0] * MINUTE_MS);
    sources.push(sampleRows(`(SELECT * FROM ${samples(tags, rawFrom, to, hasLanding)} WHERE str IS NULL AND (ts >= ${tiles.rawFrom} OR ${atEdge}))`));
  }
  // Only the time-weighted average needs the value in force before the range and each row's neighbours.
  const weighted = agg === 'twa';
  if (weighted) for (const tag of tags) sources.push(carryRows(carryBefore(tag, from, hasLanding)));
  const combine = weighted ? combineSql : combineUnweightedSql;
  const reader = await conn.runAndReadAll(
    `SELECT tag, bucket, ${aggExpression(agg)} AS value FROM (${combine(sources.join(' UNION ALL '), bucketMs)}) ORDER BY tag, bucket`,
  );
  return { resolution: tiles.hours !== null ? '1h' : tiles.minutes !== null ? '1m' : 'raw', rows: reader.getRows() };
}

function tagsIn(tags: number | readonly number[]): string {
  const list = typeof tags === 'number' ? [tags] : tags;
  return list.length === 1 ? `tag = ${list[0]}` : `tag IN (${list.join(', ')})`;
}

async function rawAnswer(conn: DuckDBConnection, q: WorkerQuery, hasLanding: boolean): Promise<WorkerQueryResult> {
  const reader = await conn.runAndReadAll(`SELECT ts, q, num, str FROM ${samples(q.tagId, q.from, q.to, hasLanding)} ORDER BY ts`);
  const rows = reader.getRows();
  return {
    resolution: 'raw',
    bucketMs: null,
    ts: rows.map((r) => Number(r[0])),
    values: rows.map((r) => (r[3] !== null ? String(r[3]) : r[2] === null ? null : Number(r[2]))),
    quality: rows.map((r) => Number(r[1])),
  };
}

async function textBuckets(
  conn: DuckDBConnection,
  q: WorkerQuery,
  from: number,
  to: number,
  bucketMs: number,
  hasLanding: boolean,
): Promise<WorkerQueryResult> {
  const value =
    q.agg === 'count' ? 'count(*)' : q.agg === 'first' ? 'arg_min(str, ts) FILTER (WHERE q = 0)' : 'arg_max(str, ts) FILTER (WHERE q = 0)';
  const reader = await conn.runAndReadAll(`SELECT (ts // ${bucketMs}) * ${bucketMs} AS bucket, ${value} AS value
    FROM ${samples(q.tagId, from, to, hasLanding)} GROUP BY bucket ORDER BY bucket`);
  const rows = reader.getRows();
  return {
    resolution: 'raw',
    bucketMs,
    ts: rows.map((r) => Number(r[0])),
    values: rows.map((r) => (r[1] === null ? null : q.agg === 'count' ? Number(r[1]) : String(r[1]))),
    quality: null,
  };
}

/** Samples of some tags in [from, to), deduplicated across `raw` and `landing` (landing wins, last write wins). */
export function samples(tags: number | readonly number[], from: number, to: number, hasLanding: boolean): string {
  const inRange = `${tagsIn(tags)} AND ts >= ${from} AND ts < ${to}`;
  if (!hasLanding) return `(SELECT tag, ts, q, num, str FROM raw WHERE ${inRange})`;
  return `(SELECT r.tag, r.ts, r.q, r.num, r.str FROM (SELECT * FROM raw WHERE ${inRange}) r
      ANTI JOIN (SELECT tag, ts FROM stage.landing WHERE ${inRange}) l ON r.tag = l.tag AND r.ts = l.ts
    UNION ALL
    SELECT tag, ts, v.q AS q, v.num AS num, v.str AS str FROM (
      SELECT tag, ts, arg_max({'q': q, 'num': num, 'str': str}, seq) AS v FROM stage.landing WHERE ${inRange} GROUP BY tag, ts))`;
}

/**
 * The last sample of a tag before `before`, found without scanning history: the tail of the last
 * hour row before that hour, of the last minute row before that minute, the raw samples of the
 * minute itself, and the landing table (which wins a tie: it replaces stored rows).
 */
function carryBefore(tag: number, before: number, hasLanding: boolean): string {
  const minute = Math.floor(before / MINUTE_MS) * MINUTE_MS;
  const hour = Math.floor(before / HOUR_MS) * HOUR_MS;
  const parts = [
    `(SELECT ts AS tail_ts, num AS tail_val, q = 0 AS tail_good, 0 AS pri FROM raw
      WHERE tag = ${tag} AND ts >= ${minute} AND ts < ${before} AND str IS NULL ORDER BY ts DESC LIMIT 1)`,
    `(SELECT tail_ts, tail_val, tail_good, 0 AS pri FROM rollup_1m WHERE tag = ${tag} AND bucket >= ${hour} AND bucket < ${minute}
      ORDER BY bucket DESC LIMIT 1)`,
    `(SELECT tail_ts, tail_val, tail_good, 0 AS pri FROM rollup_1h WHERE tag = ${tag} AND bucket < ${hour} ORDER BY bucket DESC LIMIT 1)`,
  ];
  if (hasLanding) {
    parts.push(`(SELECT ts AS tail_ts, v.num AS tail_val, v.q = 0 AS tail_good, 1 AS pri FROM (
      SELECT ts, arg_max({'q': q, 'num': num}, seq) AS v FROM stage.landing WHERE tag = ${tag} AND ts < ${before} AND str IS NULL
      GROUP BY ts) ORDER BY ts DESC LIMIT 1)`);
  }
  return `(SELECT ${tag} AS tag, tail_ts, tail_val, tail_good FROM (${parts.join(' UNION ALL ')}) ORDER BY tail_ts DESC, pri DESC LIMIT 1)`;
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<number | null> {
  const value = (await conn.runAndReadAll(sql)).getRows()[0]?.[0];
  return value === null || value === undefined ? null : Number(value);
}
