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
} from './types.js';
export { AGGREGATES } from './types.js';
export { DuckDbHistorian, type DuckDbHistorianOptions, type HistorianLogger } from './duckdb-historian.js';
export { DEFAULT_MAX_POINTS, MAX_BUCKETS } from './query-plan.js';
export { PostgresHistorian, type PostgresHistorianOptions } from './postgres/postgres-historian.js';
