// Answers one history query from PostgreSQL with the same choices as the DuckDB backend
// (`../query-runner.ts`): raw samples when they fit `maxPoints`, else buckets of the chosen width,
// read from the rollups inside each bucket and raw samples at its edges (`../tiling.ts`). Every
// write merges into `raw` and the rollups before it resolves, so there is no landing table to merge.

import type { Pool } from 'pg';
import { correctionsSelect, storedCorrection } from '../correction-sql.js';
import { lastGridPoint, neighbourRow, type NeighbourQuery, type NeighbourRow } from '../interpolation.js';
import type { CorrectionFilter, StoredCorrection, WorkerQuery, WorkerQueryResult } from '../protocol.js';
import { aggExpression } from '../aggregate-sql.js';
import { chooseBucketMs } from '../query-plan.js';
import { tiling } from '../tiling.js';
import { HOUR_MS, MINUTE_MS } from '../schema.js';
import { carryRows, combineSql, combineUnweightedSql, floorTo, ident, rollupRows, sampleRows } from './pg-sql.js';

export async function runPgQuery(pool: Pool, schema: string, q: WorkerQuery): Promise<WorkerQueryResult> {
  const s = ident(schema);
  const tag = q.tagId;
  let bucketMs = q.bucketMs;
  if (bucketMs === undefined) {
    // Counting stops after maxPoints + 1 rows: a long range costs no more than a short one.
    const counted = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${s}.raw WHERE tag = $1 AND ts >= $2 AND ts < $3 LIMIT $4) x`,
      [tag, q.from, q.to, q.maxPoints + 1],
    );
    if (Number(counted.rows[0].n) <= q.maxPoints) return rawAnswer(pool, s, q);
    bucketMs = chooseBucketMs(q.from, q.to, q.maxPoints);
  }
  const from = Math.floor(q.from / bucketMs) * bucketMs;
  const to = Math.ceil(q.to / bucketMs) * bucketMs;
  if (q.kind === 'text') return textBuckets(pool, s, q, from, to, bucketMs);

  // Every write merges into the rollups before it resolves: they are complete up to `to`.
  const tiles = tiling(from, to, bucketMs, to, 'r.bucket');
  const sources: string[] = [];
  if (tiles.hours !== null) sources.push(rollupRows(`${s}.rollup_1h r`, HOUR_MS, `r.tag = ${tag} AND ${tiles.hours}`));
  if (tiles.minutes !== null) sources.push(rollupRows(`${s}.rollup_1m r`, MINUTE_MS, `r.tag = ${tag} AND ${tiles.minutes}`));
  const rawIn = (lo: string, hi: string) => `SELECT tag, ts, q, num FROM ${s}.raw WHERE tag = ${tag} AND ts >= ${lo} AND ts < ${hi} AND str IS NULL`;
  if (tiles.edgeMinutes.length > 0) {
    // One index range scan per edge minute, on the partitions of that minute only. OFFSET 0 keeps
    // the planner from flattening the lateral subquery into a join that compared every edge with
    // every sample of the range; plain column bounds (no greatest/least) let it prune partitions.
    const lo = tiles.edgeMinutes.map((m) => Math.max(from, m * MINUTE_MS));
    const hi = tiles.edgeMinutes.map((m) => Math.min(tiles.rawFrom, m * MINUTE_MS + MINUTE_MS));
    sources.push(sampleRows(`(SELECT x.* FROM unnest(ARRAY[${lo.join(', ')}]::bigint[], ARRAY[${hi.join(', ')}]::bigint[]) e(lo, hi)
      CROSS JOIN LATERAL (${rawIn('e.lo', 'e.hi')} OFFSET 0) x) x`));
  }
  if (tiles.rawFrom < to) sources.push(sampleRows(`(${rawIn(String(tiles.rawFrom), String(to))}) x`));
  // Only the time-weighted average needs the value in force before the range and each row's neighbours.
  const weighted = q.agg === 'twa';
  if (weighted) sources.push(carryRows(carryBefore(s, tag, from)));
  const combine = weighted ? combineSql : combineUnweightedSql;
  const result = await pool.query<{ bucket: string; value: string | number | null }>(
    `SELECT bucket, ${aggExpression(q.agg)} AS value FROM (${combine(sources.join(' UNION ALL '), bucketMs)}) c ORDER BY bucket`,
  );
  return {
    resolution: tiles.hours !== null ? '1h' : tiles.minutes !== null ? '1m' : 'raw',
    bucketMs,
    ts: result.rows.map((r) => Number(r.bucket)),
    values: result.rows.map((r) => (r.value === null ? null : Number(r.value))),
    quality: null,
  };
}

async function rawAnswer(pool: Pool, s: string, q: WorkerQuery): Promise<WorkerQueryResult> {
  const result = await pool.query<{ ts: string; q: number; num: number | null; str: string | null }>(
    `SELECT ts, q, num, str FROM ${s}.raw WHERE tag = $1 AND ts >= $2 AND ts < $3 ORDER BY ts`,
    [q.tagId, q.from, q.to],
  );
  return {
    resolution: 'raw',
    bucketMs: null,
    ts: result.rows.map((r) => Number(r.ts)),
    values: result.rows.map((r) => (r.str !== null ? r.str : r.num)),
    quality: result.rows.map((r) => r.q),
  };
}

async function textBuckets(pool: Pool, s: string, q: WorkerQuery, from: number, to: number, bucketMs: number): Promise<WorkerQueryResult> {
  const value =
    q.agg === 'count'
      ? 'count(*)'
      : `(array_agg(str ORDER BY ts ${q.agg === 'first' ? 'ASC' : 'DESC'}) FILTER (WHERE q = 0))[1]`;
  const result = await pool.query<{ bucket: string; value: string | null }>(
    `SELECT ${floorTo('ts', bucketMs)} AS bucket, ${value} AS value FROM ${s}.raw
      WHERE tag = $1 AND ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1`,
    [q.tagId, from, to],
  );
  return {
    resolution: 'raw',
    bucketMs,
    ts: result.rows.map((r) => Number(r.bucket)),
    values: result.rows.map((r) => (r.value === null ? null : q.agg === 'count' ? Number(r.value) : String(r.value))),
    quality: null,
  };
}

/**
 * The last numeric sample of a tag before `before`, found without scanning history: the raw samples
 * of that minute, else the tail of the last minute row of that hour, else of the last hour row before.
 */
function carryBefore(s: string, tag: number, before: number): string {
  const minute = Math.floor(before / MINUTE_MS) * MINUTE_MS;
  const hour = Math.floor(before / HOUR_MS) * HOUR_MS;
  const parts = [
    `(SELECT ts AS tail_ts, num AS tail_val, q = 0 AS tail_good FROM ${s}.raw
      WHERE tag = ${tag} AND ts >= ${minute} AND ts < ${before} AND str IS NULL ORDER BY ts DESC LIMIT 1)`,
    `(SELECT tail_ts, tail_val, tail_good FROM ${s}.rollup_1m WHERE tag = ${tag} AND bucket >= ${hour} AND bucket < ${minute}
      ORDER BY bucket DESC LIMIT 1)`,
    `(SELECT tail_ts, tail_val, tail_good FROM ${s}.rollup_1h WHERE tag = ${tag} AND bucket < ${hour} ORDER BY bucket DESC LIMIT 1)`,
  ];
  return `(SELECT ${tag} AS tag, tail_ts, tail_val, tail_good FROM (${parts.join(' UNION ALL ')}) p ORDER BY tail_ts DESC LIMIT 1) carry`;
}

/** For each point of the grid, the last sample at or before it and the first after it: two index probes per point. */
export async function runPgNeighbours(pool: Pool, schema: string, q: NeighbourQuery): Promise<NeighbourRow[]> {
  const s = ident(schema);
  const result = await pool.query<unknown[]>({
    text: `SELECT g.t, p.ts, p.q, p.num, p.str, n.ts, n.q, n.num, n.str FROM generate_series($2::bigint, $3::bigint, $4::bigint) g(t)
      LEFT JOIN LATERAL (SELECT ts, q, num, str FROM ${s}.raw WHERE tag = $1 AND ts <= g.t ORDER BY ts DESC LIMIT 1) p ON true
      LEFT JOIN LATERAL (SELECT ts, q, num, str FROM ${s}.raw WHERE tag = $1 AND ts > g.t ORDER BY ts LIMIT 1) n ON true
      ORDER BY g.t`,
    values: [q.tagId, q.from, lastGridPoint(q), q.stepMs],
    rowMode: 'array',
  });
  return result.rows.map(neighbourRow);
}

export async function runPgCorrections(pool: Pool, schema: string, f: CorrectionFilter): Promise<StoredCorrection[]> {
  const text = correctionsSelect(`${ident(schema)}.corrections`, f.tagId, f.from, f.to, f.limit);
  return (await pool.query<unknown[]>({ text, rowMode: 'array' })).rows.map(storedCorrection);
}
