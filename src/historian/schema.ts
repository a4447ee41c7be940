// The DuckDB tables of the embedded historian. See README.md for why they look like this.

/** Columns every rollup table (and every partial aggregate row in rollup SQL) carries. */
export const ROLLUP_COLUMNS = [
  'cnt', // samples of any quality
  'n_good', // good samples, the ones numeric aggregates use
  'vmin',
  'vmax',
  'vsum',
  'first_val', // first good value
  'last_val', // last good value
  'tail_ts', // the last sample of any quality: it holds until the next one (twa carry-in)
  'tail_val',
  'tail_good',
  'twa_sum', // integral of value over covered time (value x ms)
  'covered', // ms covered by good values
  'vsum2', // sum of squares of good values (stddev); last, as stores made before it had it added
] as const;

const ROLLUP_TABLE_BODY = `(
  tag INTEGER NOT NULL,
  bucket BIGINT NOT NULL,
  cnt BIGINT NOT NULL,
  n_good BIGINT NOT NULL,
  vmin DOUBLE,
  vmax DOUBLE,
  vsum DOUBLE,
  first_val DOUBLE,
  last_val DOUBLE,
  tail_ts BIGINT NOT NULL,
  tail_val DOUBLE,
  tail_good BOOLEAN NOT NULL,
  twa_sum DOUBLE NOT NULL,
  covered DOUBLE NOT NULL,
  vsum2 DOUBLE
)`;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS tags (id INTEGER PRIMARY KEY, path VARCHAR NOT NULL UNIQUE, kind VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS raw (tag INTEGER NOT NULL, ts BIGINT NOT NULL, q UTINYINT NOT NULL, num DOUBLE, str VARCHAR);
CREATE TABLE IF NOT EXISTS rollup_1m ${ROLLUP_TABLE_BODY};
CREATE TABLE IF NOT EXISTS rollup_1h ${ROLLUP_TABLE_BODY};
ALTER TABLE rollup_1m ADD COLUMN IF NOT EXISTS vsum2 DOUBLE;
ALTER TABLE rollup_1h ADD COLUMN IF NOT EXISTS vsum2 DOUBLE;
CREATE TABLE IF NOT EXISTS corrections (tag INTEGER NOT NULL, ts BIGINT NOT NULL, old_q UTINYINT, old_num DOUBLE, old_str VARCHAR,
  new_q UTINYINT NOT NULL, new_num DOUBLE, new_str VARCHAR, applied_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS latest (tag INTEGER PRIMARY KEY, ts BIGINT NOT NULL, q UTINYINT NOT NULL, num DOUBLE, str VARCHAR);
`;

/**
 * The landing table lives in its own file, attached as \`stage\`: appended rows are deleted again at
 * every compaction, and that churn would otherwise leave free blocks in the main file.
 */
export const STAGE_SQL = `CREATE TABLE IF NOT EXISTS stage.landing (tag INTEGER NOT NULL, ts BIGINT NOT NULL, seq BIGINT NOT NULL, q UTINYINT NOT NULL, num DOUBLE, str VARCHAR)`;

/** The stage file beside a database file. */
export function stagePath(path: string): string {
  return path === ':memory:' ? ':memory:' : `${path}.stage`;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Rollup levels, finest first. */
export const LEVELS = [
  { table: 'rollup_1m', width: MINUTE_MS, name: '1m' },
  { table: 'rollup_1h', width: HOUR_MS, name: '1h' },
] as const;
