// The reducing reads (../reductions.ts) on PostgreSQL: the same SQL as DuckDB runs, over `raw`
// (every write is merged into it before it resolves, so there is no landing table to add).

import type { Pool } from 'pg';
import type { StoredRow } from '../answers.js';
import { counterSumsSql, valueChangesSql, type CounterSumsQuery, type ReductionDialect } from '../reductions.js';
import { ident } from './pg-sql.js';

const PG_DIALECT: ReductionDialect = {
  finite: (column) => `${column} NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8)`,
  cutRows: (cuts) => `(SELECT unnest(ARRAY[${cuts.join(', ')}]::bigint[]) AS ts) listed`,
  div: (expression, divisor) => `div(${expression}, ${divisor})`,
  collect: (column) => `array_agg(${column})`,
  countBelow: (list, value) => `(SELECT count(*) FROM unnest(${list}) c WHERE c < ${value})`,
};

function source(schema: string, tagId: number, from: number, to: number): string {
  return `(SELECT ts, q, num, str FROM ${ident(schema)}.raw WHERE tag = ${Math.trunc(tagId)} AND ts >= ${Math.floor(from)} AND ts < ${Math.ceil(to)})`;
}

export async function runPgValueChanges(pool: Pool, schema: string, tagId: number, from: number, to: number): Promise<StoredRow[]> {
  const result = await pool.query<unknown[]>({ text: valueChangesSql(source(schema, tagId, from, to)), rowMode: 'array' });
  return result.rows.map((r) => ({ ts: Number(r[0]), q: Number(r[1]), num: r[2] === null ? null : Number(r[2]), str: r[3] === null ? null : String(r[3]) }));
}

export async function runPgCounterSums(pool: Pool, schema: string, tagId: number, q: CounterSumsQuery): Promise<number[][]> {
  const result = await pool.query<unknown[]>({ text: counterSumsSql(source(schema, tagId, q.from, q.to), q, PG_DIALECT), rowMode: 'array' });
  return result.rows.map((r) => r.map(Number));
}
