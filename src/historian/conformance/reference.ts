// A small reference implementation of the historian's bucket semantics (README "Semantics"): step
// interpolation, numeric aggregates over good samples only, count over every sample, a bucket starts
// with the last sample before it, time held by a non-good sample is uncovered. Written for clarity,
// not speed; the conformance suite pins it down with hand-computed cases before trusting it.

import assert from 'node:assert/strict';
import type { Aggregate, GapReason } from '../types.js';

export interface RefSample {
  ts: number;
  value: number;
  good: boolean;
}

/** Expected value per bucket start (only buckets holding a sample) of `agg` over [from, to) widened to whole buckets. */
export function reference(samples: readonly RefSample[], width: number, from: number, to: number, agg: Aggregate): Map<number, number | null> {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const out = new Map<number, number | null>();
  for (let bucket = Math.floor(from / width) * width; bucket < Math.ceil(to / width) * width; bucket += width) {
    const inside = sorted.filter((x) => x.ts >= bucket && x.ts < bucket + width);
    if (inside.length === 0) continue;
    const good = inside.filter((x) => x.good).map((x) => x.value);
    let current = [...sorted].reverse().find((x) => x.ts < bucket);
    let cursor = bucket;
    let sum = 0;
    let covered = 0;
    for (const x of [...inside, { ts: bucket + width, value: 0, good: false }]) {
      if (current?.good) {
        sum += current.value * (x.ts - cursor);
        covered += x.ts - cursor;
      }
      cursor = x.ts;
      current = x;
    }
    const result: Record<Aggregate, number | null> = {
      count: inside.length,
      min: good.length ? Math.min(...good) : null,
      max: good.length ? Math.max(...good) : null,
      avg: good.length ? good.reduce((a, b) => a + b, 0) / good.length : null,
      first: good.length ? good[0] : null,
      last: good.length ? good[good.length - 1] : null,
      twa: covered > 0 ? sum / covered : null,
      stddev: good.length > 1 ? sampleStddev(good) : null,
    };
    out.set(bucket, result[agg]);
  }
  return out;
}

/** Sample standard deviation (n - 1), two-pass. */
export function sampleStddev(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
}

/**
 * Expected interpolated value at `t` (README "Interpolation"), straight from the rules: find the
 * samples around `t` by scanning, then apply them. Returns the value or the reason it has none.
 */
export function referenceInterpolation(
  samples: readonly RefSample[],
  t: number,
  method: 'previous' | 'linear',
  maxGapMs = Number.POSITIVE_INFINITY,
): number | GapReason {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const before = [...sorted].reverse().find((x) => x.ts <= t);
  const after = sorted.find((x) => x.ts > t);
  if (!before) return 'no-data-before';
  if (before.ts === t) return before.good ? before.value : 'not-good';
  if (method === 'previous') {
    if ((after ? after.ts : t) - before.ts > maxGapMs) return 'gap';
    return before.good ? before.value : 'not-good';
  }
  if (!after) return 'no-data-after';
  if (after.ts - before.ts > maxGapMs) return 'gap';
  if (!before.good || !after.good) return 'not-good';
  return before.value + ((after.value - before.value) * (t - before.ts)) / (after.ts - before.ts);
}

/** A deterministic pseudo-random generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Equal within 1e-9 relative (sums of doubles differ in the last bits between engines), or both null. */
export function assertClose(actual: unknown, expected: number | null, message: string): void {
  if (expected === null) return assert.equal(actual, null, message);
  assert.equal(typeof actual, 'number', `${message}: got ${String(actual)}`);
  const diff = Math.abs((actual as number) - expected);
  assert.ok(diff <= 1e-9 * Math.max(1, Math.abs(expected)), `${message}: expected ${expected}, got ${String(actual)}`);
}
