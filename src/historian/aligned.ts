// Several tags in one request, aligned on the same buckets: one bucket grid for all, one value per
// tag and bucket (null where a tag has no sample in a bucket). The grid and the limits are checked
// here for every backend; a backend answers the buckets per tag (`queryAlignedByTag`) or, like
// DuckDB, all numeric tags in one statement.

import type { SampleValue } from '../model/index.js';
import { bucketCount, chooseBucketMs, DEFAULT_MAX_POINTS, MAX_BUCKETS } from './query-plan.js';
import type { Aggregate, Historian, HistoryResult, Resolution } from './types.js';

/** The most tags one aligned query may ask for. */
export const MAX_ALIGNED_TAGS = 50;
/** The most values (tags x buckets) one aligned query may produce. */
export const MAX_ALIGNED_VALUES = 200_000;

export interface AlignedQuery {
  tags: readonly string[];
  from: number;
  to: number;
  /** Bucket width in ms; omitted: the smallest nice width giving at most `maxPoints` buckets. */
  bucketMs?: number;
  /** Default per tag: `avg` for numbers and booleans, `last` for text. */
  agg?: Aggregate;
  maxPoints?: number;
}

export interface AlignedSeries {
  tag: string;
  agg: Aggregate;
  resolution: Resolution;
  /** One value per bucket of `buckets`. */
  values: Array<SampleValue | null>;
}

export interface AlignedResult {
  from: number;
  to: number;
  bucketMs: number;
  /** Start of every bucket of the widened range, in order. */
  buckets: number[];
  series: AlignedSeries[];
}

export interface AlignedGrid {
  bucketMs: number;
  /** Start of every bucket, in order. */
  buckets: number[];
}

/** Validates an aligned query and lays out its bucket grid; throws an Error naming the limit it breaks. */
export function alignedGrid(q: AlignedQuery): AlignedGrid {
  if (q.tags.length === 0) throw new Error('aligned query: give at least one tag');
  if (q.tags.length > MAX_ALIGNED_TAGS) throw new Error(`aligned query: ${q.tags.length} tags exceed the limit of ${MAX_ALIGNED_TAGS}; split the request`);
  const twice = q.tags.find((tag, i) => q.tags.indexOf(tag) !== i);
  if (twice !== undefined) throw new Error(`aligned query: tag '${twice}' is given twice`);
  if (!Number.isSafeInteger(q.from) || !Number.isSafeInteger(q.to) || q.to <= q.from) {
    throw new Error(`aligned query: range is empty, reversed or not integer ms (from ${q.from}, to ${q.to})`);
  }
  const bucketMs = q.bucketMs ?? chooseBucketMs(q.from, q.to, q.maxPoints ?? DEFAULT_MAX_POINTS);
  if (!Number.isSafeInteger(bucketMs) || bucketMs < 1) throw new Error(`aligned query: bucketMs must be a positive integer number of ms (got ${bucketMs})`);
  const count = bucketCount(q.from, q.to, bucketMs);
  if (count > MAX_BUCKETS) {
    throw new Error(`aligned query: ${count} buckets of ${bucketMs} ms exceed the limit of ${MAX_BUCKETS}; use a wider bucket or a shorter range`);
  }
  if (count * q.tags.length > MAX_ALIGNED_VALUES) {
    throw new Error(`aligned query: ${q.tags.length} tags x ${count} buckets exceed the limit of ${MAX_ALIGNED_VALUES} values; use fewer tags or wider buckets`);
  }
  const first = Math.floor(q.from / bucketMs) * bucketMs;
  return { bucketMs, buckets: Array.from({ length: count }, (_, i) => first + i * bucketMs) };
}

/** One series per bucketed answer, its points spread over the grid. */
export function alignedResult(q: AlignedQuery, grid: AlignedGrid, results: readonly HistoryResult[]): AlignedResult {
  const first = grid.buckets[0];
  const series = results.map((result): AlignedSeries => {
    const values = new Array<SampleValue | null>(grid.buckets.length).fill(null);
    for (const point of result.points) values[(point.ts - first) / grid.bucketMs] = point.value;
    return { tag: result.tag, agg: result.agg!, resolution: result.resolution, values };
  });
  return { from: q.from, to: q.to, bucketMs: grid.bucketMs, buckets: grid.buckets, series };
}

/** An aligned query answered by one `query` per tag (concurrently): for backends without a faster way. */
export async function queryAlignedByTag(historian: Pick<Historian, 'query'>, q: AlignedQuery): Promise<AlignedResult> {
  const grid = alignedGrid(q);
  const results = await Promise.all(q.tags.map((tag) => historian.query({ tag, from: q.from, to: q.to, bucketMs: grid.bucketMs, agg: q.agg })));
  return alignedResult(q, grid, results);
}
