// Which stored rows make up buckets of any width, so that a width that is not whole minutes still
// reads mostly rollups. Every sample of [from, to) is counted exactly once, by one of:
// - the 1-hour row of its hour, when the whole hour lies inside one bucket (and before `rollupEnd`);
// - else the 1-minute row of its minute, when the whole minute lies inside one bucket;
// - else the raw sample itself: its minute straddles a bucket edge (at most one minute per edge),
//   lies partly outside [from, rollupEnd), or the bucket is narrower than a minute.
// None of these rows straddles a bucket, so `combineSql` adds them up exactly, twa included: a row's
// integral covers its own span up to its end, and the time between rows is held by the earlier row's
// tail, whatever the widths of the two rows.
//
// `from` is a bucket start; `rollupEnd` (<= to) is where the rollups stop being complete: the minute
// of the oldest sample not compacted yet, or `to`. Conditions compare a row's offset in its bucket,
// (start - from) % width, which needs no division and reads the same in DuckDB and PostgreSQL.

import { HOUR_MS, MINUTE_MS } from './schema.js';

export interface Tiling {
  /** Condition on a `rollup_1h` row's `bucket` column, or null when no hour fits in a bucket. */
  hours: string | null;
  /** Condition on a `rollup_1m` row's `bucket` column, or null when no minute fits in a bucket. */
  minutes: string | null;
  /**
   * Raw samples to read: those of [from, to) whose minute number (ts // 60,000) is in `edgeMinutes`,
   * and all of [rawFrom, to). Minute numbers are sorted; rawFrom is `to` when only edges are raw.
   */
  edgeMinutes: number[];
  rawFrom: number;
}

export function tiling(from: number, to: number, width: number, rollupEnd: number, col = 'bucket'): Tiling {
  const fits = (size: number) => `${col} >= ${from} AND ${col} + ${size} <= ${rollupEnd} AND (${col} - ${from}) % ${width} <= ${width - size}`;
  // Before 1970 SQL's truncating division would put a sample in the wrong minute: read raw.
  if (width < MINUTE_MS || rollupEnd - from < MINUTE_MS || from < 0) return { hours: null, minutes: null, edgeMinutes: [], rawFrom: from };
  const useHours = width >= HOUR_MS && rollupEnd - from >= HOUR_MS;
  let minutes = fits(MINUTE_MS);
  if (useHours) {
    const hourOf = `(${col} - ${col} % ${HOUR_MS})`;
    const hourFits = `${hourOf} >= ${from} AND ${hourOf} + ${HOUR_MS} <= ${rollupEnd} AND (${hourOf} - ${from}) % ${width} <= ${width - HOUR_MS}`;
    // Whole hours per bucket: only the hour the rollups end in needs minute rows.
    const lo = width % HOUR_MS === 0 ? Math.max(from, rollupEnd - (rollupEnd % HOUR_MS)) : from;
    minutes = `${col} >= ${lo} AND ${minutes} AND NOT (${hourFits})`;
  }
  // The minutes holding a bucket edge (or the end of the rollups) strictly inside.
  const edgeMinutes: number[] = [];
  for (let edge = from; edge < rollupEnd + width; edge += width) {
    const at = Math.min(edge, rollupEnd);
    const minute = Math.floor(at / MINUTE_MS);
    if (at % MINUTE_MS !== 0 && minute !== edgeMinutes[edgeMinutes.length - 1]) edgeMinutes.push(minute);
    if (edge >= rollupEnd) break;
  }
  return { hours: useHours ? fits(HOUR_MS) : null, minutes, edgeMinutes, rawFrom: rollupEnd };
}
