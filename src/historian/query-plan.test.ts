import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_BUCKETS, bucketCount, checkInterpolation, checkQuery, chooseBucketMs } from './query-plan.js';
import { tiling } from './tiling.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('query planning', () => {
  it('counts the epoch-aligned buckets a range touches', () => {
    assert.equal(bucketCount(0, 60_000, 60_000), 1);
    assert.equal(bucketCount(30_000, 90_000, 60_000), 2);
    assert.equal(bucketCount(0, 1, 60_000), 1);
  });

  it('chooses the smallest nice bucket that fits maxPoints', () => {
    assert.equal(chooseBucketMs(0, DAY, 2_000), 60_000); // 1,440 one-minute buckets
    assert.equal(chooseBucketMs(0, 30 * DAY, 2_000), 30 * 60_000); // 1,440 half-hour buckets
    assert.equal(chooseBucketMs(0, 30 * DAY, 100), 12 * HOUR);
    assert.equal(chooseBucketMs(0, 10_000, 2_000), 1_000);
    assert.equal(chooseBucketMs(0, 6_000_000, 2_000), 5_000); // 3 s would do; 5 s is the next nice width
  });

  it('never chooses more than MAX_BUCKETS buckets, even for huge ranges', () => {
    const width = chooseBucketMs(0, 1_000 * 365 * DAY, 50_000);
    assert.ok(bucketCount(0, 1_000 * 365 * DAY, width) <= MAX_BUCKETS);
  });

  it('reads whole hours and minutes from rollups and only the minutes straddling a bucket edge raw', () => {
    const M = 60_000;
    // 90 s buckets: the edges at 90 s and 270 s fall inside minutes 1 and 4; 180 s is a whole minute.
    const odd = tiling(0, 270_000, 90_000, 270_000);
    assert.deepEqual([odd.edgeMinutes, odd.rawFrom, odd.hours], [[1, 4], 270_000, null]);
    assert.ok(odd.minutes !== null);
    // Whole minutes and hours: no raw samples, hours where they fit, minutes only in the hour the rollups end in.
    assert.deepEqual(tiling(0, 10 * M, 5 * M, 10 * M).edgeMinutes, []);
    const hours = tiling(0, 4 * HOUR, 2 * HOUR, 3 * HOUR + 30 * M);
    assert.deepEqual([hours.edgeMinutes, hours.rawFrom], [[], 3 * HOUR + 30 * M]);
    assert.match(hours.minutes!, new RegExp(`bucket >= ${3 * HOUR} AND`));
    // Narrower than a minute: all raw.
    assert.deepEqual(tiling(0, M, 7_000, M), { hours: null, minutes: null, edgeMinutes: [], rawFrom: 0 });
  });

  it('refuses reversed and empty ranges, bad buckets, too many buckets and numeric aggregates on text', () => {
    const base = { tag: 'a/b', from: 1_000, to: 2_000 };
    assert.throws(() => checkQuery({ ...base, from: 2_000, to: 1_000 }, 'number'), /reversed/);
    assert.throws(() => checkQuery({ ...base, to: 1_000 }, 'number'), /empty or reversed/);
    assert.throws(() => checkQuery({ ...base, bucketMs: 0 }, 'number'), /bucketMs must be a positive integer/);
    assert.throws(() => checkQuery({ ...base, from: 0, to: DAY, bucketMs: 1_000 }, 'number'), /86400 buckets .* exceed the limit of 10000/);
    assert.throws(() => checkQuery({ ...base, agg: 'avg' }, 'text'), /'avg' needs numbers .* use first, last or count/);
    assert.throws(() => checkQuery({ ...base, agg: 'median' as never }, 'number'), /unknown aggregate 'median'/);
    assert.deepEqual(checkQuery({ ...base, agg: 'last' }, 'text'), { from: 1_000, to: 2_000, agg: 'last', maxPoints: 2_000, boundary: false });
    assert.throws(() => checkQuery({ ...base, agg: 'stddev' }, 'text'), /'stddev' needs numbers/);
    assert.equal(checkQuery({ ...base, agg: 'stddev', boundary: true }, 'boolean').boundary, true);
  });

  it('checks interpolations: the point cap, the step, the gap limit and linear for numbers only', () => {
    const base = { tag: 'a/b', from: 0, to: 10_000, stepMs: 1_000 };
    assert.deepEqual(checkInterpolation(base, 'text'), { from: 0, to: 10_000, stepMs: 1_000, method: 'previous', maxGapMs: null });
    assert.equal(checkInterpolation({ ...base, to: 10_000_000 }, 'number').stepMs, 1_000, 'exactly 10,000 points');
    assert.throws(() => checkInterpolation({ ...base, to: 10_000_001 }, 'number'), /10001 points of 1000 ms exceed the limit of 10000/);
    assert.throws(() => checkInterpolation({ ...base, stepMs: 1.5 }, 'number'), /stepMs must be a positive integer/);
    assert.throws(() => checkInterpolation({ ...base, method: 'linear' }, 'boolean'), /'linear' needs numbers but 'a\/b' holds booleans/);
    assert.equal(checkInterpolation({ ...base, method: 'linear', maxGapMs: 0 }, 'number').maxGapMs, 0);
  });
});
