// How far stored points stray from the samples they stand for: the measure the compression tests and
// the conformance suite use. Linear interpolation between the stored points around each sample.

export interface TimedValue {
  ts: number;
  value: unknown;
  quality?: string;
}

export interface Deviation {
  /** Largest |sample - interpolation| over the good numeric samples. */
  max: number;
  /** The sample where it occurred (undefined without samples). */
  at: TimedValue | undefined;
  /** Good numeric samples with no stored good point at or before and at or after them. */
  uncovered: number;
}

/**
 * Compares each good numeric sample of `original` with the straight line between the stored points
 * around it (the stored point at its time, if any, counts exactly). Both lists in time order.
 */
export function deviation(original: readonly TimedValue[], stored: readonly TimedValue[]): Deviation {
  let max = 0;
  let at: TimedValue | undefined;
  let uncovered = 0;
  let j = 0; // first stored point with ts >= sample.ts
  for (const sample of original) {
    if (sample.quality !== undefined && sample.quality !== 'good') continue;
    if (typeof sample.value !== 'number' || !Number.isFinite(sample.value)) continue;
    while (j < stored.length && stored[j].ts < sample.ts) j++;
    const after = stored[j];
    const before = after !== undefined && after.ts === sample.ts ? after : stored[j - 1];
    if (!isGoodNumber(before) || !isGoodNumber(after)) {
      uncovered++;
      continue;
    }
    const line =
      after.ts === before.ts ? (after.value as number) : (before.value as number) + (((after.value as number) - (before.value as number)) * (sample.ts - before.ts)) / (after.ts - before.ts);
    const error = Math.abs(sample.value - line);
    if (at === undefined || error > max) {
      max = error;
      at = sample;
    }
  }
  return { max, at, uncovered };
}

function isGoodNumber(point: TimedValue | undefined): point is TimedValue {
  return point !== undefined && (point.quality === undefined || point.quality === 'good') && typeof point.value === 'number' && Number.isFinite(point.value);
}
