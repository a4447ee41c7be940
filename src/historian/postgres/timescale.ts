// The TimescaleDB path, kept small on purpose. When the extension is available (and not turned off),
// `raw` is created as a hypertable with 1-day chunks instead of a natively partitioned table, chunks
// older than `compressAfterMs` are compressed (segment by tag, order by ts), and retention drops
// whole chunks with `drop_chunks`. Everything else (staging, upsert, rollups, queries) is the same
// SQL. A schema keeps the layout it was created with: an existing natively partitioned `raw` stays so.
//
// Tested against TimescaleDB 2.23 in PGlite (../conformance/timescale.test.ts); see README.

import type { PoolClient } from 'pg';
import { DAY_MS, ident } from './pg-sql.js';

export type RawLayout = 'partitioned' | 'hypertable';

/** The layout of an existing `raw` table, or the one to create: hypertable when TimescaleDB is available and wanted. */
export async function chooseLayout(client: PoolClient, schema: string, useTimescale: boolean): Promise<RawLayout> {
  const existing = await client.query<{ relkind: string }>(
    `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'raw'`,
    [schema],
  );
  if (existing.rows.length > 0) return existing.rows[0].relkind === 'p' ? 'partitioned' : 'hypertable';
  if (!useTimescale) return 'partitioned';
  const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  return available.rows.length > 0 ? 'hypertable' : 'partitioned';
}

/** Creates `raw` as a compressed hypertable (runs before the rest of the schema, which then finds `raw`). */
export async function createHypertable(client: PoolClient, schema: string, compressAfterMs: number): Promise<void> {
  const s = ident(schema);
  const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;
  await client.query(`CREATE EXTENSION IF NOT EXISTS timescaledb;
    CREATE SCHEMA IF NOT EXISTS ${s};
    CREATE TABLE IF NOT EXISTS ${s}.raw (tag integer NOT NULL, ts bigint NOT NULL, q smallint NOT NULL, num double precision, str text, PRIMARY KEY (tag, ts));
    SELECT create_hypertable(${lit(`${s}.raw`)}, 'ts', chunk_time_interval => ${DAY_MS}::bigint, if_not_exists => true);
    CREATE OR REPLACE FUNCTION ${s}.now_ms() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT (extract(epoch FROM now()) * 1000)::bigint $$;
    SELECT set_integer_now_func(${lit(`${s}.raw`)}, ${lit(`${s}.now_ms`)}, replace_if_exists => true);
    ALTER TABLE ${s}.raw SET (timescaledb.compress, timescaledb.compress_segmentby = 'tag', timescaledb.compress_orderby = 'ts');
    SELECT add_compression_policy(${lit(`${s}.raw`)}, ${Math.round(compressAfterMs)}::bigint, if_not_exists => true);`);
}

/** Retention on a hypertable: whole chunks before `cut` go; returns how many rows they held. */
export async function dropChunks(client: PoolClient, schema: string, cut: number): Promise<number> {
  const s = ident(schema);
  // Rows in chunks that end at or before the cut (chunks are whole days).
  const dayCut = Math.floor(cut / DAY_MS) * DAY_MS;
  const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${s}.raw WHERE ts < $1`, [dayCut]);
  await client.query(`SELECT drop_chunks($1::regclass, older_than => $2::bigint)`, [`${s}.raw`, dayCut]);
  return Number(counted.rows[0].n);
}
