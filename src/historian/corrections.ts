// Checks and conversions for correction queries, shared by both backends (the SQL that records and
// reads corrections is in `correction-sql.ts`).

import { QUALITY_NAMES, type CorrectionFilter, type StoredCorrection, type StoredKind } from './protocol.js';
import { storedValue } from './answers.js';
import type { Correction, CorrectionQuery } from './types.js';

export const DEFAULT_CORRECTIONS_LIMIT = 1_000;
/** The most corrections one query returns. */
export const MAX_CORRECTIONS_LIMIT = 10_000;

/** Validates a correction query; `tagId` resolves a path (and throws for an unknown one). */
export function checkCorrections(query: CorrectionQuery, tagId: (path: string) => number): CorrectionFilter {
  const { from, to } = query;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new Error(`corrections: from and to must be integer ms since the epoch (got ${from}, ${to})`);
  }
  if (to <= from) throw new Error(`corrections: range is empty or reversed (from ${from} must be before to ${to})`);
  const limit = query.limit ?? DEFAULT_CORRECTIONS_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_CORRECTIONS_LIMIT) {
    throw new Error(`corrections: limit must be an integer from 1 to ${MAX_CORRECTIONS_LIMIT} (got ${limit})`);
  }
  return { tagId: query.tag === undefined ? null : tagId(query.tag), from, to, limit };
}

export function toCorrection(path: string, kind: StoredKind, c: StoredCorrection): Correction {
  const side = (row: StoredCorrection['old']) => ({
    value: row.num === null && row.str === null ? null : storedValue(kind, { ts: c.ts, ...row }),
    quality: QUALITY_NAMES[row.q] ?? 'bad',
  });
  return { tag: path, ts: c.ts, old: side(c.old), new: side(c.new), at: c.at };
}
