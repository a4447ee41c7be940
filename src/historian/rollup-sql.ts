// SQL that turns "partial aggregate rows" into buckets. One shape serves every level: a raw sample is
// a partial row of width 0, a 1-minute rollup row is one of width 60 s, and a "carry" row stands for
// the last sample before a bucket (it only feeds the time-weighted average, never the other
// aggregates). Combining rows of one width into buckets of a wider width is exact because each row
// keeps min/max/sum/counts, its first and last good value, its last sample (the "tail", which holds
// until the next sample) and the integral of value over the time it covered.
//
// Step interpolation: a sample holds until the next sample, clipped to its bucket; a bucket starts
// with the value of the last sample before it. Only good samples cover time; a non-good sample
// leaves the time until the next sample uncovered.

/**
 * The sum of squares of good values (for stddev). Rollup rows written before the column existed
 * have none: a bucket built on such a row has no sum of squares rather than a wrong one.
 */
export const SUM_OF_SQUARES = 'CASE WHEN bool_and(vsum2 IS NOT NULL OR n_good = 0) THEN sum(vsum2) END AS vsum2';

/** Columns of a partial-aggregate row, in order: tag, b (start), w (width), carry, then these. */
const PARTIAL = 'cnt, n_good, vmin, vmax, vsum, first_val, last_val, tail_ts, tail_val, tail_good, twa_sum, covered, vsum2';

/** Partial rows for samples. `relation` must have tag, ts, q, num. */
export function sampleRows(relation: string): string {
  const good = 'CASE WHEN q = 0 THEN num END';
  return `SELECT tag, ts AS b, 0::BIGINT AS w, false AS carry, 1::BIGINT AS cnt, (q = 0)::BIGINT AS n_good,
    ${good} AS vmin, ${good} AS vmax, ${good} AS vsum, ${good} AS first_val, ${good} AS last_val,
    ts AS tail_ts, num AS tail_val, q = 0 AS tail_good, 0::DOUBLE AS twa_sum, 0::DOUBLE AS covered,
    CASE WHEN q = 0 THEN num * num END AS vsum2
    FROM ${relation}`;
}

/** Partial rows read from a rollup table. */
export function rollupRows(table: string, width: number, where: string): string {
  return `SELECT tag, bucket AS b, ${width}::BIGINT AS w, false AS carry, ${PARTIAL} FROM ${table} WHERE ${where}`;
}

/** Carry rows: the last sample before some bucket. `relation` must have tag, tail_ts, tail_val, tail_good. */
export function carryRows(relation: string): string {
  return `SELECT tag, tail_ts AS b, 0::BIGINT AS w, true AS carry, 0::BIGINT AS cnt, 0::BIGINT AS n_good,
    NULL::DOUBLE AS vmin, NULL::DOUBLE AS vmax, NULL::DOUBLE AS vsum, NULL::DOUBLE AS first_val, NULL::DOUBLE AS last_val,
    tail_ts, tail_val, tail_good, 0::DOUBLE AS twa_sum, 0::DOUBLE AS covered, NULL::DOUBLE AS vsum2
    FROM ${relation}`;
}

/**
 * Combines partial rows (a UNION ALL of the builders above) into buckets of `width` ms aligned to the
 * epoch. Yields tag, bucket and the rollup columns, one row per bucket holding at least one
 * non-carry row. Rows must not straddle buckets and must not overlap; their widths may differ (see
 * `tiling.ts`: hour and minute rows inside buckets, raw samples at the edges).
 */
export function combineSql(sources: string, width: number): string {
  const W = `${width}::BIGINT`;
  return `WITH s AS (
    SELECT src.*, (b // ${W}) * ${W} AS tb,
      lead(b) OVER win AS nb, lag(b) OVER win AS pb, lag(tail_val) OVER win AS p_val, lag(tail_good) OVER win AS p_good
    FROM (${sources}) src
    WINDOW win AS (PARTITION BY tag ORDER BY b, carry DESC)
  ), d AS (
    SELECT *,
      CASE WHEN tail_good THEN least(coalesce(nb, tb + ${W}), tb + ${W}) - (b + w) ELSE 0 END AS tail_dur,
      CASE WHEN p_good AND pb < tb THEN b - tb ELSE 0 END AS head_dur
    FROM s
  )
  SELECT tag, tb AS bucket,
    sum(cnt)::BIGINT AS cnt, sum(n_good)::BIGINT AS n_good, min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum,
    arg_min(first_val, b) FILTER (WHERE n_good > 0) AS first_val,
    arg_max(last_val, b) FILTER (WHERE n_good > 0) AS last_val,
    max(tail_ts) AS tail_ts, arg_max(tail_val, b) AS tail_val, arg_max(tail_good, b) AS tail_good,
    sum(twa_sum + coalesce(tail_val * tail_dur, 0) + coalesce(p_val * head_dur, 0))::DOUBLE AS twa_sum,
    sum(covered + tail_dur + head_dur)::DOUBLE AS covered,
    ${SUM_OF_SQUARES}
  FROM d WHERE NOT carry
  GROUP BY tag, tb`;
}

/**
 * `combineSql` for every aggregate but the time-weighted average: only twa needs each row's
 * neighbours (how long a value held), so the others are a plain GROUP BY, without the window and
 * without carry rows (which are skipped if present). twa_sum and covered are NULL.
 */
export function combineUnweightedSql(sources: string, width: number): string {
  const W = `${width}::BIGINT`;
  return `SELECT tag, (b // ${W}) * ${W} AS bucket,
    sum(cnt)::BIGINT AS cnt, sum(n_good)::BIGINT AS n_good, min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum,
    arg_min(first_val, b) FILTER (WHERE n_good > 0) AS first_val,
    arg_max(last_val, b) FILTER (WHERE n_good > 0) AS last_val,
    max(tail_ts) AS tail_ts, arg_max(tail_val, b) AS tail_val, arg_max(tail_good, b) AS tail_good,
    NULL::DOUBLE AS twa_sum, NULL::DOUBLE AS covered,
    ${SUM_OF_SQUARES}
  FROM (${sources}) src WHERE NOT carry
  GROUP BY 1, 2`;
}
