// Interpolated values, value-at-a-time and the boundary point before a trend, computed the same way
// for every backend. A backend only finds, for each point in time, its two neighbouring samples (the
// last at or before it, the first after it); the rules that turn them into a value live here once.
//
// Rules (README "Interpolation"):
// - No sample at or before the point: null, `no-data-before`.
// - Two samples further apart than `maxGapMs` do not bridge the time between them: `gap`; after the
//   last sample, `previous` holds it for `maxGapMs` at most, `linear` never extrapolates (`no-data-after`).
// - A non-good sample (uncertain or bad) holds no value: `previous` from it, or `linear` with it at
//   either end, is null with `not-good`. A point exactly on a good sample takes that sample's value.

import type { StoredKind } from './protocol.js';
import { storedSample, storedValue, type StoredRow } from './answers.js';
import type {
  GapReason,
  InterpolatedPoint,
  InterpolatedResult,
  InterpolationMethod,
  ValueAtResult,
} from './types.js';

/** The neighbours of one point in time `t`. */
export interface NeighbourRow {
  t: number;
  before: StoredRow | null;
  after: StoredRow | null;
}

/** The grid a backend finds neighbours for: from, from + stepMs, ... before `to`. */
export interface NeighbourQuery {
  tagId: number;
  from: number;
  to: number;
  stepMs: number;
}

export interface CheckedInterpolation {
  from: number;
  to: number;
  stepMs: number;
  method: InterpolationMethod;
  maxGapMs: number | null;
}

/** A row of a neighbour query: t, then ts, q, num, str of the sample before and of the sample after. */
export function neighbourRow(r: readonly unknown[]): NeighbourRow {
  return { t: Number(r[0]), before: storedRowAt(r, 1), after: storedRowAt(r, 5) };
}

/** The stored row in columns ts, q, num, str from `at`, or null when ts is null (an outer join found none). */
export function storedRowAt(r: readonly unknown[], at: number): StoredRow | null {
  if (r[at] === null) return null;
  return { ts: Number(r[at]), q: Number(r[at + 1]), num: r[at + 2] === null ? null : Number(r[at + 2]), str: r[at + 3] === null ? null : String(r[at + 3]) };
}

/** The last point of the grid [from, to) with step `stepMs`. */
export function lastGridPoint(q: { from: number; to: number; stepMs: number }): number {
  return q.from + Math.floor((q.to - 1 - q.from) / q.stepMs) * q.stepMs;
}

export function interpolatePoint(kind: StoredKind, n: NeighbourRow, method: InterpolationMethod, maxGapMs: number | null): InterpolatedPoint {
  const { t, before, after } = n;
  const missing = (reason: GapReason): InterpolatedPoint => ({ ts: t, value: null, reason });
  if (before === null) return missing('no-data-before');
  if (before.ts === t) return before.q === 0 ? { ts: t, value: storedValue(kind, before) } : missing('not-good');
  const limit = maxGapMs ?? Number.POSITIVE_INFINITY;
  if (method === 'previous') {
    if ((after === null ? t : after.ts) - before.ts > limit) return missing('gap');
    return before.q === 0 ? { ts: t, value: storedValue(kind, before) } : missing('not-good');
  }
  if (after === null) return missing('no-data-after');
  if (after.ts - before.ts > limit) return missing('gap');
  if (before.q !== 0 || after.q !== 0 || before.num === null || after.num === null) return missing('not-good');
  return { ts: t, value: before.num + ((after.num - before.num) * (t - before.ts)) / (after.ts - before.ts) };
}

export function interpolatedResult(tag: string, kind: StoredKind, q: CheckedInterpolation, rows: readonly NeighbourRow[]): InterpolatedResult {
  return {
    tag,
    from: q.from,
    to: q.to,
    stepMs: q.stepMs,
    method: q.method,
    maxGapMs: q.maxGapMs,
    points: rows.map((row) => interpolatePoint(kind, row, q.method, q.maxGapMs)),
  };
}

export function valueAtResult(tag: string, kind: StoredKind, q: CheckedInterpolation, row: NeighbourRow): ValueAtResult {
  return {
    tag,
    method: q.method,
    ...interpolatePoint(kind, row, q.method, q.maxGapMs),
    before: row.before && storedSample(kind, row.before),
    after: row.after && storedSample(kind, row.after),
  };
}
