// Turning what a backend read into the answers of the `Historian` interface, the same way for both
// backends: stored columns back into sample values, worker rows into a `HistoryResult`.

import type { SampleValue } from '../model/index.js';
import { QUALITY_NAMES, type StoredKind, type WorkerQueryResult } from './protocol.js';
import type { Aggregate, HistoryPoint, HistoryQuery, HistoryResult, StoredSample } from './types.js';

/** One stored row as both backends read it. */
export interface StoredRow {
  ts: number;
  q: number;
  num: number | null;
  str: string | null;
}

export function storedValue(kind: StoredKind, row: StoredRow): SampleValue {
  if (kind === 'text') return row.str ?? '';
  if (kind === 'boolean') return row.num !== 0;
  return row.num ?? Number.NaN;
}

export function storedSample(kind: StoredKind, row: StoredRow): StoredSample {
  return { ts: row.ts, value: storedValue(kind, row), quality: QUALITY_NAMES[row.q] ?? 'bad' };
}

/** The boundary point of a trend: the last sample before its range, with its quality. */
export function boundaryPoint(kind: StoredKind, row: StoredRow | null): HistoryPoint | null {
  if (row === null) return null;
  const sample = storedSample(kind, row);
  return { ts: sample.ts, value: sample.value, quality: sample.quality };
}

/** Booleans come back as booleans where the aggregate keeps the type (raw, first, last, min, max). */
export function toResult(query: HistoryQuery, kind: StoredKind, agg: Aggregate, answer: WorkerQueryResult): HistoryResult {
  const bucketed = answer.bucketMs !== null;
  const keepsType = !bucketed || agg === 'first' || agg === 'last' || agg === 'min' || agg === 'max';
  const points: HistoryPoint[] = answer.ts.map((ts, i) => {
    const raw = answer.values[i];
    const value: SampleValue | null = kind === 'boolean' && keepsType && typeof raw === 'number' ? raw !== 0 : raw;
    const point: HistoryPoint = { ts, value };
    if (answer.quality) point.quality = QUALITY_NAMES[answer.quality[i]] ?? 'bad';
    return point;
  });
  return { tag: query.tag, from: query.from, to: query.to, resolution: answer.resolution, bucketMs: answer.bucketMs, agg: bucketed ? agg : null, points };
}
