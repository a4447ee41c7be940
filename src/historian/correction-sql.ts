// Corrections: a write that replaces a stored (tag, ts) with a different value or quality is recorded,
// old and new, so a changed history can be explained. Both backends build the same rows from a
// "chain" per (tag, ts): the stored row (seq -1, when there is one) followed by the written rows in
// write order. Each step to a different row is one correction; re-sending the same value is none.

import type { StoredCorrection } from './protocol.js';

/** Columns of the corrections table, in order. */
export const CORRECTION_COLUMNS = 'tag, ts, old_q, old_num, old_str, new_q, new_num, new_str, applied_at';

/** Correction rows (in CORRECTION_COLUMNS order) from `chain`, a relation of tag, ts, seq, q, num, str. */
export function correctionRows(chain: string, appliedAt: number): string {
  return `SELECT tag, ts, oq, onum, ostr, q, num, str, ${Math.trunc(appliedAt)}::BIGINT AS applied_at FROM (
    SELECT tag, ts, q, num, str, lag(seq) OVER w AS oseq, lag(q) OVER w AS oq, lag(num) OVER w AS onum, lag(str) OVER w AS ostr
    FROM (${chain}) chain WINDOW w AS (PARTITION BY tag, ts ORDER BY seq)) steps
    WHERE oseq IS NOT NULL AND (oq IS DISTINCT FROM q OR onum IS DISTINCT FROM num OR ostr IS DISTINCT FROM str)`;
}

/** Newest first, at most `limit`, of one tag (or all: null) with ts in [from, to). `table` is the qualified table. */
export function correctionsSelect(table: string, tagId: number | null, from: number, to: number, limit: number): string {
  const tag = tagId === null ? '' : `tag = ${tagId} AND `;
  return `SELECT ${CORRECTION_COLUMNS} FROM ${table} WHERE ${tag}ts >= ${from} AND ts < ${to}
    ORDER BY applied_at DESC, ts DESC LIMIT ${limit}`;
}

/** A row of `correctionsSelect` (values in CORRECTION_COLUMNS order). */
export function storedCorrection(r: readonly unknown[]): StoredCorrection {
  const num = (v: unknown) => (v === null ? null : Number(v));
  const str = (v: unknown) => (v === null ? null : String(v));
  return {
    tag: Number(r[0]),
    ts: Number(r[1]),
    old: { q: Number(r[2]), num: num(r[3]), str: str(r[4]) },
    new: { q: Number(r[5]), num: num(r[6]), str: str(r[7]) },
    at: Number(r[8]),
  };
}
