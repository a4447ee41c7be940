// Messages between the historian (main thread) and its DuckDB writer worker. Columns travel as
// transferred typed arrays, so handing a batch over costs the event loop almost nothing.

import type { NeighbourQuery } from './interpolation.js';
import type { WorkerChangesQuery, WorkerCounterSumsQuery } from './reduction-runner.js';
import type { StoredRow } from './answers.js';
import type { Aggregate, HistoryQuery, RetentionPolicy } from './types.js';

/** Quality codes as stored (UTINYINT). */
export const QUALITY_CODES = { good: 0, uncertain: 1, bad: 2 } as const;
export const QUALITY_NAMES = ['good', 'uncertain', 'bad'] as const;

/** The storage kind of a tag: numbers and booleans share the DOUBLE column, the rest is text. */
export type StoredKind = 'number' | 'boolean' | 'text';

/** A batch of samples in column form. `strIndex[k]` is the row that holds `strValues[k]`. */
export interface ColumnBatch {
  count: number;
  tag: Int32Array;
  ts: Float64Array;
  num: Float64Array;
  quality: Uint8Array;
  strIndex: Int32Array;
  strValues: string[];
}

export interface WorkerOptions {
  path: string;
  flushIntervalMs: number;
  compactRows: number;
  compactAfterMs: number;
  /** DuckDB worker threads. */
  threads: number;
}

export interface StoredTag {
  id: number;
  path: string;
  kind: StoredKind;
}

export interface StoredLatest {
  tag: number;
  ts: number;
  quality: number;
  num: number | null;
  str: string | null;
}

export interface WorkerQuery extends Required<Pick<HistoryQuery, 'from' | 'to' | 'maxPoints'>> {
  tagId: number;
  kind: StoredKind;
  bucketMs?: number;
  agg: Aggregate;
}

/** What the worker answers a query with; the main thread turns it into a `HistoryResult`. */
export interface WorkerQueryResult {
  resolution: 'raw' | '1m' | '1h';
  bucketMs: number | null;
  ts: number[];
  values: Array<number | string | null>;
  quality: number[] | null;
}

/** One recorded correction as stored: tag id, the replaced and the new row, when it was applied. */
export interface StoredCorrection {
  tag: number;
  ts: number;
  old: Omit<StoredRow, 'ts'>;
  new: Omit<StoredRow, 'ts'>;
  at: number;
}

/** Corrections of one tag id (or all tags: null) with ts in [from, to), newest `limit`. */
export interface CorrectionFilter {
  tagId: number | null;
  from: number;
  to: number;
  limit: number;
}

/** Buckets of several numeric tags on one bucket-aligned grid, in one query. */
export interface AlignedBucketsQuery {
  tagIds: number[];
  from: number;
  to: number;
  bucketMs: number;
  agg: Aggregate;
}

/** Rows of (tag id, bucket start, value), ordered by tag and bucket. */
export interface AlignedBucketsResult {
  resolution: 'raw' | '1m' | '1h';
  tags: number[];
  ts: number[];
  values: Array<number | null>;
}

export interface TableCounts {
  corrections: number;
  rawRows: number;
  landingRows: number;
  minuteRows: number;
  hourRows: number;
}

export type Request =
  | { type: 'open' }
  | { type: 'define'; tags: Array<{ path: string; kind: StoredKind }> }
  | { type: 'flush' }
  | { type: 'query'; query: WorkerQuery }
  | { type: 'neighbours'; query: NeighbourQuery }
  | { type: 'aligned'; query: AlignedBucketsQuery }
  | { type: 'changes'; query: WorkerChangesQuery }
  | { type: 'counterSums'; query: WorkerCounterSumsQuery }
  | { type: 'corrections'; filter: CorrectionFilter }
  | { type: 'retention'; policy: RetentionPolicy; now: number; tagIds?: number[] }
  | { type: 'counts' }
  | { type: 'close' };

export type RequestMessage = Request & { id: number };

export type ToWorker = RequestMessage | { type: 'append'; writeId: number; batch: ColumnBatch };

export type FromWorker =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  /** The writes with these ids are committed; `rows` in total. */
  | { type: 'durable'; writeIds: number[]; rows: number }
  /** A commit failed: these writes are lost and must be rejected. */
  | { type: 'write-failed'; writeIds: number[]; error: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };
