// Worker side of the reducing reads (./reductions.ts) on DuckDB: one statement each, inside one read
// transaction, over the samples of `raw` and `landing` deduplicated as every query sees them.

import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction, samples } from './query-runner.js';
import { counterSumsSql, valueChangesSql, type CounterSumsQuery, type ReductionDialect } from './reductions.js';
import type { StoredRow } from './answers.js';

/** A value-changes query as the worker gets it. */
export interface WorkerChangesQuery {
  tagId: number;
  from: number;
  to: number;
}

export type WorkerCounterSumsQuery = CounterSumsQuery & { tagId: number };

export const DUCKDB_DIALECT: ReductionDialect = {
  finite: (column) => `isfinite(${column})`,
  cutRows: (cuts) => `(SELECT CAST(unnest([${cuts.join(', ')}]::BIGINT[]) AS BIGINT) AS ts) listed`,
  div: (expression, divisor) => `(${expression} // ${divisor})`,
  collect: (column) => `list(${column})`,
  countBelow: (list, value) => `len(list_filter(${list}, c -> c < ${value}))`,
};

async function source(conn: DuckDBConnection, tagId: number, from: number, to: number): Promise<string> {
  const landing = (await conn.runAndReadAll(`SELECT count(*) FROM stage.landing WHERE tag = ${tagId}`)).getRows()[0][0];
  return samples(tagId, from, to, Number(landing) > 0);
}

export function runValueChanges(conn: DuckDBConnection, q: WorkerChangesQuery): Promise<StoredRow[]> {
  return inTransaction(conn, async () => {
    const rows = (await conn.runAndReadAll(valueChangesSql(await source(conn, q.tagId, q.from, q.to)))).getRows();
    return rows.map((r) => ({ ts: Number(r[0]), q: Number(r[1]), num: r[2] === null ? null : Number(r[2]), str: r[3] === null ? null : String(r[3]) }));
  });
}

/** Rows of `counterSumsSql` (few: one per interval between cut points). */
export function runCounterSums(conn: DuckDBConnection, q: WorkerCounterSumsQuery): Promise<number[][]> {
  return inTransaction(conn, async () => {
    const rows = (await conn.runAndReadAll(counterSumsSql(await source(conn, q.tagId, q.from, q.to), q, DUCKDB_DIALECT))).getRows();
    return rows.map((r) => r.map(Number));
  });
}
