import type { Quality, Sample, SampleValue, TagDefinition } from '../model/index.js';

/** Aggregates a bucketed history query can ask for. `twa` is the time-weighted average. */
export type Aggregate = 'avg' | 'min' | 'max' | 'first' | 'last' | 'count' | 'twa';
export const AGGREGATES: readonly Aggregate[] = ['avg', 'min', 'max', 'first', 'last', 'count', 'twa'];

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
 * - Writes are idempotent per (tag, ts): writing the same tag and ts again replaces the value.
 * - `write` resolves only after the samples are durable (acknowledge after flush).
 * - Rollups (1 minute, 1 hour: min, max, avg, first, last, count, twa) stay exact when samples arrive
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
  /** Latest value per tag, from memory. Optional pattern with MQTT wildcards. */
  latest(pattern?: string): LatestValue[];
  /** Deletes data older than each policy's age, relative to `now`. */
  applyRetention(policy: RetentionPolicy, now?: number): Promise<{ raw: number; minute: number; hour: number }>;
  stats(): Promise<HistorianStats>;
  /** Called after each durable write, for metrics. */
  onWrite(listener: (report: WriteReport) => void): void;
}
