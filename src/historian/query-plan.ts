// Pure checks and choices for history queries: validation, bucket width (rollups: `tiling.ts`).

import { AGGREGATES, type Aggregate, type HistoryQuery, type InterpolatedQuery, type InterpolationMethod } from './types.js';
import type { CheckedInterpolation } from './interpolation.js';
import type { StoredKind } from './protocol.js';
import { HOUR_MS, MINUTE_MS } from './schema.js';

export const DEFAULT_MAX_POINTS = 2_000;
/** The most buckets one query may produce; bigger asks fail with an error saying how to fix them. */
export const MAX_BUCKETS = 10_000;

const SECOND = 1_000;
const DAY = 24 * HOUR_MS;
/** Bucket widths chosen automatically, smallest first. */
export const NICE_BUCKETS: readonly number[] = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY,
];

const TEXT_AGGREGATES: readonly Aggregate[] = ['first', 'last', 'count'];

export interface CheckedQuery {
  from: number;
  to: number;
  bucketMs?: number;
  agg: Aggregate;
  maxPoints: number;
  boundary: boolean;
}

/** Validates a query for a tag of `kind`; throws an Error that says what is wrong and how to fix it. */
export function checkQuery(query: HistoryQuery, kind: StoredKind): CheckedQuery {
  const { tag, from, to } = query;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new Error(`query of '${tag}': from and to must be integer ms since the epoch (got ${from}, ${to})`);
  }
  if (to <= from) throw new Error(`query of '${tag}': range is empty or reversed (from ${from} must be before to ${to})`);
  const agg = query.agg ?? (kind === 'text' ? 'last' : 'avg');
  if (!AGGREGATES.includes(agg)) throw new Error(`query of '${tag}': unknown aggregate '${agg}' (use one of ${AGGREGATES.join(', ')})`);
  if (kind === 'text' && !TEXT_AGGREGATES.includes(agg)) {
    throw new Error(`query of '${tag}': '${agg}' needs numbers but '${tag}' holds text; use first, last or count`);
  }
  const maxPoints = query.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) {
    throw new Error(`query of '${tag}': maxPoints must be a positive integer (got ${maxPoints})`);
  }
  const checked: CheckedQuery = { from, to, agg, maxPoints, boundary: query.boundary === true };
  if (query.bucketMs !== undefined) {
    const bucketMs = query.bucketMs;
    if (!Number.isSafeInteger(bucketMs) || bucketMs < 1) {
      throw new Error(`query of '${tag}': bucketMs must be a positive integer number of ms (got ${bucketMs})`);
    }
    const buckets = bucketCount(from, to, bucketMs);
    if (buckets > MAX_BUCKETS) {
      throw new Error(
        `query of '${tag}': ${buckets} buckets of ${bucketMs} ms exceed the limit of ${MAX_BUCKETS}; use a wider bucket or a shorter range`,
      );
    }
    checked.bucketMs = bucketMs;
  }
  return checked;
}

const METHODS: readonly InterpolationMethod[] = ['previous', 'linear'];

/** Validates an interpolation for a tag of `kind`: at most MAX_BUCKETS points, `linear` for numbers only. */
export function checkInterpolation(query: InterpolatedQuery, kind: StoredKind): CheckedInterpolation {
  const { tag, from, to, stepMs } = query;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
    throw new Error(`interpolation of '${tag}': from and to must be integer ms since the epoch (got ${from}, ${to})`);
  }
  if (to <= from) throw new Error(`interpolation of '${tag}': range is empty or reversed (from ${from} must be before to ${to})`);
  if (!Number.isSafeInteger(stepMs) || stepMs < 1) {
    throw new Error(`interpolation of '${tag}': stepMs must be a positive integer number of ms (got ${stepMs})`);
  }
  const points = Math.ceil((to - from) / stepMs);
  if (points > MAX_BUCKETS) {
    throw new Error(`interpolation of '${tag}': ${points} points of ${stepMs} ms exceed the limit of ${MAX_BUCKETS}; use a longer step or a shorter range`);
  }
  const method = query.method ?? 'previous';
  if (!METHODS.includes(method)) throw new Error(`interpolation of '${tag}': unknown method '${method}' (use previous or linear)`);
  if (method === 'linear' && kind !== 'number') {
    throw new Error(`interpolation of '${tag}': 'linear' needs numbers but '${tag}' holds ${kind === 'text' ? 'text' : 'booleans'}; use previous`);
  }
  const maxGapMs = query.maxGapMs ?? null;
  if (maxGapMs !== null && (!Number.isSafeInteger(maxGapMs) || maxGapMs < 0)) {
    throw new Error(`interpolation of '${tag}': maxGapMs must be a non-negative integer number of ms (got ${maxGapMs})`);
  }
  return { from, to, stepMs, method, maxGapMs };
}

/** Buckets of `width` ms (aligned to the epoch) that the range [from, to) touches. */
export function bucketCount(from: number, to: number, width: number): number {
  return Math.ceil(to / width) - Math.floor(from / width);
}

/** The smallest nice bucket width giving at most `maxPoints` (and at most MAX_BUCKETS) buckets. */
export function chooseBucketMs(from: number, to: number, maxPoints: number): number {
  const limit = Math.min(maxPoints, MAX_BUCKETS);
  for (const width of NICE_BUCKETS) if (bucketCount(from, to, width) <= limit) return width;
  let width = Math.ceil((to - from) / limit / DAY) * DAY;
  while (bucketCount(from, to, width) > limit) width += DAY;
  return width;
}
