import type { Quality, Sample, SampleValue, TagDefinition } from '../model/index.js';
import type { AlignedQuery, AlignedResult } from './aligned.js';
import type { CounterSumsQuery, CounterSumsResult, ValueChangesQuery } from './reductions.js';

/**
 * Aggregates a bucketed history query can ask for. `twa` is the time-weighted average; `stddev` the
 * sample standard deviation (n - 1) of the good values, not weighted by time.
 */
export type Aggregate = 'avg' | 'min' | 'max' | 'first' | 'last' | 'count' | 'twa' | 'stddev';
export const AGGREGATES: readonly Aggregate[] = ['avg', 'min', 'max', 'first', 'last', 'count', 'twa', 'stddev'];

/** Where an answer was read from. Rollups make long-range trends instant. */
export type Resolution = 'raw' | '1m' | '1h';

export interface HistoryQuery {
  tag: string;
  /** Inclusive start, ms UTC. */
  from: number;
  /** Exclusive end, ms UTC. */
  to: number;
  /** Bucket width in ms. Omitted: raw samples when they fit in `maxPoints`, else buckets sized to fit. */
  bucketMs?: number;
  /** Default `avg`. Ignored for raw answers. */
  agg?: Aggregate;
  /** Cap on returned points (default 2,000); bigger answers are bucketed. */
  maxPoints?: number;
  /** Also return `before`: the last sample before `from`, so a trend can start with the value it had. */
  boundary?: boolean;
}

export interface HistoryPoint {
  /** Sample time, or bucket start for bucketed answers. */
  ts: number;
  value: SampleValue | null;
  quality?: Quality;
}

export interface HistoryResult {
  tag: string;
  from: number;
  to: number;
  /** Which store answered: raw samples, the 1-minute or the 1-hour rollup. */
  resolution: Resolution;
  /** Null for raw answers. */
  bucketMs: number | null;
  agg: Aggregate | null;
  points: HistoryPoint[];
  /** With `boundary`: the last sample before `from` (any quality), or null when there is none. */
  before?: HistoryPoint | null;
}

/** `previous`: the last sample holds until the next one (step). `linear`: a straight line between two samples. */
export type InterpolationMethod = 'previous' | 'linear';

/** Why an interpolated point has no value. */
export type GapReason = 'no-data-before' | 'no-data-after' | 'gap' | 'not-good';

export interface InterpolatedQuery {
  tag: string;
  /** First point, ms UTC. */
  from: number;
  /** Exclusive end: points at from, from + stepMs, ... before `to`. */
  to: number;
  stepMs: number;
  /** Default `previous`; `linear` needs a numeric tag. */
  method?: InterpolationMethod;
  /** Samples further apart than this do not bridge the time between them (default: no limit). */
  maxGapMs?: number;
}

export interface InterpolatedPoint {
  ts: number;
  value: SampleValue | null;
  /** Set exactly when `value` is null. */
  reason?: GapReason;
}

export interface InterpolatedResult {
  tag: string;
  from: number;
  to: number;
  stepMs: number;
  method: InterpolationMethod;
  maxGapMs: number | null;
  points: InterpolatedPoint[];
}

/** A stored sample as a query names it (the source of an interpolated value). */
export interface StoredSample {
  ts: number;
  value: SampleValue;
  quality: Quality;
}

export interface ValueAtQuery {
  tag: string;
  ts: number;
  method?: InterpolationMethod;
  maxGapMs?: number;
}

export interface ValueAtResult extends InterpolatedPoint {
  tag: string;
  method: InterpolationMethod;
  /** The last sample at or before `ts` (the one a `previous` value comes from), or null. */
  before: StoredSample | null;
  /** The first sample after `ts` (the other end of a `linear` value), or null. */
  after: StoredSample | null;
}

/** A write that replaced a stored (tag, ts) with a different value or quality. */
export interface Correction {
  tag: string;
  ts: number;
  old: { value: SampleValue | null; quality: Quality };
  new: { value: SampleValue | null; quality: Quality };
  /** When the store applied it, ms UTC. */
  at: number;
}

export interface CorrectionQuery {
  /** One tag, or all tags when absent. */
  tag?: string;
  /** Range of the corrected samples' ts, [from, to). */
  from: number;
  to: number;
  /** Newest `limit` corrections (default 1,000). */
  limit?: number;
}

export interface LatestValue {
  tag: string;
  ts: number;
  value: SampleValue;
  quality: Quality;
}

export interface RetentionPolicy {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export interface HistorianStats {
  tags: number;
  rawRows: number;
  minuteRows: number;
  hourRows: number;
  /** Size of the database on disk (0 in memory). */
  bytes: number;
  /** bytes / rawRows, or null without rows. */
  bytesPerSample: number | null;
  /** Samples accepted but not yet durably written. */
  pendingSamples: number;
  samplesWritten: number;
  /** Stored samples replaced by a different value or quality (see `corrections`). */
  corrections: number;
  /** Present when the historian compresses (see compression/README.md). */
  compression?: CompressionStats;
}

/** Figures of the compression stage since the historian was opened. */
export interface CompressionStats {
  /** Samples handed to `write`. */
  samplesReceived: number;
  /** Of those, samples passed on to the backend (the rest lay within their tag's error bound). */
  samplesStored: number;
  /** received / stored, or null before the first sample. */
  ratio: number | null;
  /** Numeric tags compressed. */
  compressedTags: number;
  /** Numeric tags left uncompressed because their settings could not be resolved, with the reason. */
  unresolvedTags: Array<{ tag: string; reason: string }>;
}

/** One durable write, reported for metrics. */
export interface WriteReport {
  rows: number;
  latencyMs: number;
}

/**
 * A time-series store for samples. Backends: embedded DuckDB (default); PostgreSQL comes later and
 * must pass the same conformance suite.
 *
 * Contract:
 * - Writes are idempotent per (tag, ts): writing the same tag and ts again replaces the value. A
 *   replacement by a different value or quality is recorded as a correction (same value: nothing).
 * - `write` resolves only after the samples are durable (acknowledge after flush).
 * - Rollups (1 minute, 1 hour: min, max, avg, first, last, count, twa, stddev) stay exact when samples arrive
 *   late or are re-sent.
 * - Queries pick the resolution from the range unless told otherwise.
 */
export interface Historian {
  open(): Promise<void>;
  /** Flushes what is pending and closes. */
  close(): Promise<void>;
  /** Makes tags known to the store (their ids and types). Idempotent. */
  defineTags(tags: ReadonlyArray<TagDefinition & { id: number }>): Promise<void>;
  /** Stores samples of defined tags; resolves once they are durable. */
  write(samples: readonly Sample[]): Promise<void>;
  /** Resolves once everything written so far is durable and rollups are up to date. */
  flush(): Promise<void>;
  query(query: HistoryQuery): Promise<HistoryResult>;
  /** Several tags on one bucket grid (see `aligned.ts`). */
  queryAligned(query: AlignedQuery): Promise<AlignedResult>;
  /** Values at fixed intervals, interpolated from the samples around each point. */
  interpolate(query: InterpolatedQuery): Promise<InterpolatedResult>;
  /** The value at one time, with the samples it came from. */
  valueAt(query: ValueAtQuery): Promise<ValueAtResult>;
  /** Recorded corrections, newest first. */
  corrections(query: CorrectionQuery): Promise<Correction[]>;
  /** Good and uncertain samples in [from, to) whose value differs from the previous such sample (see reductions.ts). */
  valueChanges(query: ValueChangesQuery): Promise<HistoryPoint[]>;
  /** A cumulative counter's increments (wraps, resets, glitches) summed between cut points, in the store (see reductions.ts). */
  counterSums(query: CounterSumsQuery): Promise<CounterSumsResult>;
  /** Latest value per tag, from memory. Optional pattern with MQTT wildcards. */
  latest(pattern?: string): LatestValue[];
  /** Deletes data older than each policy's age, relative to `now`; with `tags` (paths), of those tags only. */
  applyRetention(policy: RetentionPolicy, now?: number, tags?: readonly string[]): Promise<{ raw: number; minute: number; hour: number }>;
  stats(): Promise<HistorianStats>;
  /** Called after each durable write, for metrics. */
  onWrite(listener: (report: WriteReport) => void): void;
}
