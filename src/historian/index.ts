export type {
  Aggregate,
  Resolution,
  HistoryQuery,
  HistoryPoint,
  HistoryResult,
  LatestValue,
  RetentionPolicy,
  HistorianStats,
  WriteReport,
  Historian,
  InterpolationMethod,
  GapReason,
  InterpolatedQuery,
  InterpolatedPoint,
  InterpolatedResult,
  StoredSample,
  ValueAtQuery,
  ValueAtResult,
  Correction,
  CorrectionQuery,
} from './types.js';
export { AGGREGATES } from './types.js';
export { DuckDbHistorian, type DuckDbHistorianOptions, type HistorianLogger } from './duckdb-historian.js';
export { DEFAULT_MAX_POINTS, MAX_BUCKETS } from './query-plan.js';
export { PostgresHistorian, type PostgresHistorianOptions } from './postgres/postgres-historian.js';
export { queryAlignedByTag, MAX_ALIGNED_TAGS, MAX_ALIGNED_VALUES, type AlignedQuery, type AlignedResult, type AlignedSeries } from './aligned.js';
export { DEFAULT_CORRECTIONS_LIMIT, MAX_CORRECTIONS_LIMIT } from './corrections.js';
