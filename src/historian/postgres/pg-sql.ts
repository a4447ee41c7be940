// The PostgreSQL tables of the scale-out historian and the one SQL shape that combines samples or
// rollup rows into buckets. This is a port of `../rollup-sql.ts` (DuckDB) to PostgreSQL: the same
// partial-aggregate rows, the same window, the same step interpolation, so both backends give the
// same answers (the conformance suite checks it). DuckDB's `arg_min(x, b)`/`arg_max(x, b)` become
// `min(ARRAY[b, x])[2]`/`max(...)[2]` (b, ms since the epoch, is exact as a double and unique within
// a bucket; ordered `array_agg` was 3x slower: it sorts every group), and `//` becomes a floor that is
// also right for negative times.

import { SUM_OF_SQUARES } from '../rollup-sql.js';

export const DAY_MS = 86_400_000;

/** `column` rounded down to a multiple of `width` (floor, also for times before 1970). */
export function floorTo(column: string, width: number): string {
  return `(${column} - (((${column}) % ${width}::bigint) + ${width}::bigint) % ${width}::bigint)`;
}

/** Quotes an identifier (schema, table). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const ROLLUP_BODY = `(
  tag integer NOT NULL,
  bucket bigint NOT NULL,
  cnt bigint NOT NULL,
  n_good bigint NOT NULL,
  vmin double precision,
  vmax double precision,
  vsum double precision,
  first_val double precision,
  last_val double precision,
  tail_ts bigint NOT NULL,
  tail_val double precision,
  tail_good boolean NOT NULL,
  twa_sum double precision NOT NULL,
  covered double precision NOT NULL,
  vsum2 double precision,
  PRIMARY KEY (tag, bucket)
)`;

/** Tables in the historian's schema. `raw` is partitioned by range of ts; partitions are made per day on demand. */
export function schemaSql(schema: string): string {
  const s = ident(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.tags (id serial PRIMARY KEY, path text NOT NULL UNIQUE, kind text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.raw (
  tag integer NOT NULL, ts bigint NOT NULL, q smallint NOT NULL, num double precision, str text,
  PRIMARY KEY (tag, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE IF NOT EXISTS ${s}.rollup_1m ${ROLLUP_BODY};
CREATE TABLE IF NOT EXISTS ${s}.rollup_1h ${ROLLUP_BODY};
ALTER TABLE ${s}.rollup_1m ADD COLUMN IF NOT EXISTS vsum2 double precision;
ALTER TABLE ${s}.rollup_1h ADD COLUMN IF NOT EXISTS vsum2 double precision;
CREATE TABLE IF NOT EXISTS ${s}.corrections (tag integer NOT NULL, ts bigint NOT NULL, old_q smallint, old_num double precision, old_str text,
  new_q smallint NOT NULL, new_num double precision, new_str text, applied_at bigint NOT NULL);
CREATE INDEX IF NOT EXISTS corrections_tag_ts ON ${s}.corrections (tag, ts);
CREATE TABLE IF NOT EXISTS ${s}.latest (tag integer PRIMARY KEY, ts bigint NOT NULL, q smallint NOT NULL, num double precision, str text);
`;
}

/**
 * Session-local work tables of the writer connection, emptied at every commit. `stage` receives the
 * COPY; `batch` is stage deduplicated per (tag, ts) (last write wins); `dirty*` are the rollup
 * buckets a commit recomputes.
 */
export const WRITER_TEMP_SQL = `
CREATE TEMP TABLE IF NOT EXISTS stage (tag integer, ts bigint, seq bigint, q smallint, num double precision, str text) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS batch (tag integer, ts bigint, q smallint, num double precision, str text) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS dirty0 (tag integer, bucket bigint) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS dirty (tag integer, bucket bigint, PRIMARY KEY (tag, bucket)) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS dirty_h (tag integer, bucket bigint, PRIMARY KEY (tag, bucket)) ON COMMIT DELETE ROWS;
`;

const PARTIAL = 'cnt, n_good, vmin, vmax, vsum, first_val, last_val, tail_ts, tail_val, tail_good, twa_sum, covered, vsum2';

/** Partial rows for samples. `relation` must have tag, ts, q, num. */
export function sampleRows(relation: string): string {
  const good = 'CASE WHEN q = 0 THEN num END';
  return `SELECT tag, ts AS b, 0::bigint AS w, false AS carry, 1::bigint AS cnt, (CASE WHEN q = 0 THEN 1 ELSE 0 END)::bigint AS n_good,
    ${good} AS vmin, ${good} AS vmax, ${good} AS vsum, ${good} AS first_val, ${good} AS last_val,
    ts AS tail_ts, num AS tail_val, q = 0 AS tail_good, 0::float8 AS twa_sum, 0::float8 AS covered,
    CASE WHEN q = 0 THEN num * num END AS vsum2
    FROM ${relation}`;
}

/** Partial rows read from a rollup table (`relation` may carry an alias; `where` filters it). */
export function rollupRows(relation: string, width: number, where: string, alias = 'r'): string {
  const cols = PARTIAL.split(', ').map((c) => `${alias}.${c}`).join(', ');
  return `SELECT ${alias}.tag, ${alias}.bucket AS b, ${width}::bigint AS w, false AS carry, ${cols} FROM ${relation} WHERE ${where}`;
}

/** Carry rows: the last sample before some bucket. `relation` must have tag, tail_ts, tail_val, tail_good. */
export function carryRows(relation: string): string {
  return `SELECT tag, tail_ts AS b, 0::bigint AS w, true AS carry, 0::bigint AS cnt, 0::bigint AS n_good,
    NULL::float8 AS vmin, NULL::float8 AS vmax, NULL::float8 AS vsum, NULL::float8 AS first_val, NULL::float8 AS last_val,
    tail_ts, tail_val, tail_good, 0::float8 AS twa_sum, 0::float8 AS covered, NULL::float8 AS vsum2
    FROM ${relation}`;
}

/**
 * Combines partial rows into buckets of `width` ms aligned to the epoch: tag, bucket and the rollup
 * columns (in table order), one row per bucket holding at least one non-carry row. See
 * `../rollup-sql.ts` for the reasoning; this is the same computation.
 */
export function combineSql(sources: string, width: number): string {
  const W = `${width}::bigint`;
  return `WITH s AS (
    SELECT src.*, ${floorTo('src.b', width)} AS tb,
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
    sum(cnt)::bigint AS cnt, sum(n_good)::bigint AS n_good, min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum,
    (min(ARRAY[b::float8, first_val]) FILTER (WHERE n_good > 0))[2] AS first_val,
    (max(ARRAY[b::float8, last_val]) FILTER (WHERE n_good > 0))[2] AS last_val,
    max(tail_ts) AS tail_ts, (max(ARRAY[b::float8, tail_val]))[2] AS tail_val, (max(ARRAY[b::float8, tail_good::int::float8]))[2] = 1 AS tail_good,
    sum(twa_sum + coalesce(tail_val * tail_dur, 0) + coalesce(p_val * head_dur, 0))::float8 AS twa_sum,
    sum(covered + tail_dur + head_dur)::float8 AS covered,
    ${SUM_OF_SQUARES}
  FROM d WHERE NOT carry
  GROUP BY tag, tb`;
}

/** `combineSql` without the time weighting, for every aggregate but twa (see `../rollup-sql.ts`). */
export function combineUnweightedSql(sources: string, width: number): string {
  return `SELECT tag, ${floorTo('src.b', width)} AS bucket,
    sum(cnt)::bigint AS cnt, sum(n_good)::bigint AS n_good, min(vmin) AS vmin, max(vmax) AS vmax, sum(vsum) AS vsum,
    (min(ARRAY[b::float8, first_val]) FILTER (WHERE n_good > 0))[2] AS first_val,
    (max(ARRAY[b::float8, last_val]) FILTER (WHERE n_good > 0))[2] AS last_val,
    max(tail_ts) AS tail_ts, (max(ARRAY[b::float8, tail_val]))[2] AS tail_val, (max(ARRAY[b::float8, tail_good::int::float8]))[2] = 1 AS tail_good,
    NULL::float8 AS twa_sum, NULL::float8 AS covered,
    ${SUM_OF_SQUARES}
  FROM (${sources}) src WHERE NOT carry
  GROUP BY 1, 2`;
}
