import { parseDuration, patternError } from '../model/index.js';
import { parseTimestamp } from '../ingest/index.js';
import { AGGREGATES, type Aggregate } from '../historian/types.js';
import { ApiError } from './errors.js';

/** Reads a time parameter given as ISO 8601 or ms; `fallback` when absent. */
export function timeParam(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const ms = parseTimestamp(raw);
  if (ms === undefined) throw new ApiError('LOOM_BAD_TIME', `'${name}' is '${raw}', which is not a time`);
  return ms;
}

export function rangeParams(query: { from?: string; to?: string }, defaultSpanMs: number, now = Date.now()): { from: number; to: number } {
  const to = timeParam('to', query.to, now);
  const from = timeParam('from', query.from, to - defaultSpanMs);
  if (from >= to) throw new ApiError('LOOM_BAD_RANGE', `'from' (${new Date(from).toISOString()}) is not before 'to' (${new Date(to).toISOString()})`);
  return { from, to };
}

export function bucketParam(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '' || raw === 'auto') return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : parseDuration(raw);
  if (ms === undefined || ms <= 0) throw new ApiError('LOOM_BAD_BUCKET', `bucket '${raw}' is not a duration`);
  return ms;
}

export function aggregateParam(raw: string | undefined): Aggregate {
  if (raw === undefined || raw === '') return 'avg';
  if (!(AGGREGATES as readonly string[]).includes(raw)) throw new ApiError('LOOM_BAD_AGGREGATE', `aggregate '${raw}' is not supported`);
  return raw as Aggregate;
}

export function patternParam(raw: string | undefined): string {
  const pattern = raw === undefined || raw === '' ? '#' : raw;
  const problem = patternError(pattern);
  if (problem) throw new ApiError('LOOM_BAD_PATTERN', `path pattern '${pattern}': ${problem}`);
  return pattern;
}

/** Buckets one history answer may hold: the cap that keeps a single request from stalling the server. */
export const MAX_BUCKETS = 10_000;
