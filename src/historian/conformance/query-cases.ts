// Conformance cases for the query kinds beyond buckets (README "Queries"): standard deviation,
// interpolated values, value at a time, the boundary point before a trend, several tags aligned on
// the same buckets, corrections, and the limits that keep a bad query from stalling the server.
// Registered by `historianConformance` (./suite.ts), so they run against every backend.
//
// Expected values are computed by hand here, and by the reference implementation (./reference.ts)
// for the larger random cases.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Quality, Sample } from '../../model/index.js';
import { MAX_ALIGNED_TAGS, queryAlignedByTag } from '../aligned.js';
import type { Historian, InterpolatedPoint, InterpolationMethod } from '../types.js';
import { assertClose, random, reference, referenceInterpolation, sampleStddev, type RefSample } from './reference.js';

const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const D = 24 * H;

export interface QueryCaseTags {
  T0: number;
  TEMP: string;
  RUNNING: string;
  STATE: string;
  OTHER: string;
}

function s(tag: string, ts: number, value: Sample['value'], quality: Quality = 'good'): Sample {
  return { tag, ts, value, quality };
}

/** Value or reason per point, relative times: what the hand-computed expectations are written as. */
function outcomes(points: readonly InterpolatedPoint[], t0: number): Array<[number, unknown]> {
  return points.map((p) => [(p.ts - t0) / S, p.value ?? p.reason]);
}

export function queryCases(open: () => Promise<{ h: Historian }>, { T0, TEMP, RUNNING, STATE, OTHER }: QueryCaseTags): void {
  // 10 s: 10, 20 s: 20, 30 s: 100 (bad), 40 s: 40, then nothing until 100 s: 50.
  const SPARSE: Array<[number, number, Quality]> = [
    [10, 10, 'good'],
    [20, 20, 'good'],
    [30, 100, 'bad'],
    [40, 40, 'good'],
    [100, 50, 'good'],
  ];
  const sparse = () => SPARSE.map(([sec, v, q]) => s(TEMP, T0 + sec * S, v, q));
  const sparseRef: RefSample[] = SPARSE.map(([sec, v, q]) => ({ ts: T0 + sec * S, value: v, good: q === 'good' }));

  it('stddev is the sample standard deviation of good values, exact from samples and from rollups', async () => {
    const { h } = await open();
    await h.write([s(TEMP, T0, 10), s(TEMP, T0 + 20 * S, 20), s(TEMP, T0 + 40 * S, 40), s(TEMP, T0 + 50 * S, 100, 'bad'), s(TEMP, T0 + 90 * S, 50)]);
    const minute = async () => (await h.query({ tag: TEMP, from: T0, to: T0 + 2 * M, bucketMs: M, agg: 'stddev' })).points;
    // Minute 0: 10, 20, 40 (the bad 100 is left out): mean 70/3, squared deviations sum to 1400/3, / (3 - 1).
    // Minute 1: one good value, so no sample standard deviation.
    const expected = [Math.sqrt(700 / 3), null];
    const check = async (label: string) => {
      const points = await minute();
      assert.deepEqual(points.map((p) => p.ts - T0), [0, M], label);
      points.forEach((p, i) => assertClose(p.value, expected[i], `${label}, minute ${i}`));
    };
    await check('from samples');
    await h.flush();
    assert.equal((await h.query({ tag: TEMP, from: T0, to: T0 + 2 * M, bucketMs: M, agg: 'stddev' })).resolution, '1m');
    await check('from the minute rollup');
    const hour = await h.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'stddev' });
    assert.equal(hour.resolution, '1h');
    assertClose(hour.points[0].value, sampleStddev([10, 20, 40, 50]), 'from the hour rollup');
    // A late sample and a correction: the rollups keep the sum of squares exact.
    await h.write([s(TEMP, T0 + 30 * S, 25), s(TEMP, T0 + 40 * S, 35)]);
    await h.flush();
    const after = await h.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'stddev' });
    assertClose(after.points[0].value, sampleStddev([10, 20, 25, 35, 50]), 'after a late sample and a correction');
    // A constant signal has stddev 0, never NaN from rounding.
    await h.write([0, 1, 2, 3, 4].map((i) => s(OTHER, T0 + i * S, 0.1)));
    await h.flush();
    assert.deepEqual((await h.query({ tag: OTHER, from: T0, to: T0 + H, bucketMs: H, agg: 'stddev' })).points.map((p) => p.value), [0]);
  });

  it('stddev matches the reference at every level for random late and re-sent data', async () => {
    const { h } = await open();
    const next = random(99);
    const truth = new Map<number, RefSample>();
    const batch: Sample[] = [];
    for (let i = 0; i < 1_500; i++) {
      const ts = T0 + Math.floor(next() * 3 * 3_600) * S;
      const good = next() > 0.1;
      batch.push(s(TEMP, ts, Math.round(next() * 10_000) / 100, good ? 'good' : 'bad'));
    }
    const late = batch.slice(700).reverse(); // out of order; of two samples at one time, the later write wins
    await h.write(batch.slice(0, 700));
    await h.flush();
    await h.write(late);
    for (const x of [...batch.slice(0, 700), ...late]) truth.set(x.ts, { ts: x.ts, value: x.value as number, good: x.quality === 'good' });
    await h.flush();
    for (const width of [30 * S, M, 15 * M, H]) {
      const result = await h.query({ tag: TEMP, from: T0, to: T0 + 3 * H, bucketMs: width, agg: 'stddev' });
      const expected = reference([...truth.values()], width, T0, T0 + 3 * H, 'stddev');
      assert.deepEqual(result.points.map((p) => p.ts), [...expected.keys()], `bucket starts of ${width}`);
      for (const p of result.points) assertClose(p.value, expected.get(p.ts)!, `stddev/${width} at +${p.ts - T0}`);
    }
  });

  it('interpolates at fixed intervals, previous and linear, naming why a point has no value', async () => {
    const { h } = await open();
    await h.write(sparse());
    const grid = { tag: TEMP, from: T0, to: T0 + 120 * S, stepMs: 5 * S, maxGapMs: 30 * S };
    const gap = Array.from({ length: 11 }, (_, i): [number, unknown] => [45 + 5 * i, 'gap']);
    const expectPrevious = [[0, 'no-data-before'], [5, 'no-data-before'], [10, 10], [15, 10], [20, 20], [25, 20], [30, 'not-good'], [35, 'not-good'], [40, 40], ...gap, [100, 50], [105, 50], [110, 50], [115, 50]];
    const expectLinear = [[0, 'no-data-before'], [5, 'no-data-before'], [10, 10], [15, 15], [20, 20], [25, 'not-good'], [30, 'not-good'], [35, 'not-good'], [40, 40], ...gap, [100, 50], [105, 'no-data-after'], [110, 'no-data-after'], [115, 'no-data-after']];
    // The reference implementation agrees with the hand-computed points.
    const byReference = (method: InterpolationMethod) => expectPrevious.map(([sec]) => [sec, referenceInterpolation(sparseRef, T0 + (sec as number) * S, method, 30 * S)]);
    assert.deepEqual(byReference('previous'), expectPrevious);
    assert.deepEqual(byReference('linear'), expectLinear);
    for (const stage of ['before flush', 'after flush']) {
      if (stage === 'after flush') await h.flush();
      const previous = await h.interpolate({ ...grid, method: 'previous' });
      assert.equal(previous.points.length, 24);
      assert.deepEqual(outcomes(previous.points, T0), expectPrevious, `previous, ${stage}`);
      assert.deepEqual({ ...previous, points: [] }, { tag: TEMP, from: T0, to: T0 + 120 * S, stepMs: 5 * S, method: 'previous', maxGapMs: 30 * S, points: [] });
      assert.deepEqual(outcomes((await h.interpolate({ ...grid, method: 'linear' })).points, T0), expectLinear, `linear, ${stage}`);
    }
    // Without a gap limit, the 60 s between 40 s and 100 s are bridged; the default method is previous.
    const bridged = await h.interpolate({ tag: TEMP, from: T0 + 70 * S, to: T0 + 71 * S, stepMs: S, method: 'linear' });
    assert.deepEqual(outcomes(bridged.points, T0), [[70, 45]]);
    assert.deepEqual(outcomes((await h.interpolate({ tag: TEMP, from: T0 + 70 * S, to: T0 + 71 * S, stepMs: S })).points, T0), [[70, 40]]);
    // Samples long before the range still hold: the one before the first point is found without a range.
    await h.write([s(OTHER, T0 - 20 * D, 7)]);
    assert.deepEqual(outcomes((await h.interpolate({ tag: OTHER, from: T0, to: T0 + 2 * S, stepMs: S })).points, T0), [[0, 7], [1, 7]]);
  });

  it('interpolation agrees with the reference on random data, for both methods and a gap limit', async () => {
    const { h } = await open();
    const next = random(5);
    const truth: RefSample[] = [];
    let ts = T0 - 30 * S;
    while (ts < T0 + 20 * M) {
      ts += Math.floor(1 + next() * (next() > 0.9 ? 200 : 20)) * S + Math.floor(next() * 1_000);
      truth.push({ ts, value: Math.round(next() * 10_000) / 100, good: next() > 0.1 });
    }
    await h.write(truth.map((x) => s(TEMP, x.ts, x.value, x.good ? 'good' : 'uncertain')));
    await h.flush();
    for (const method of ['previous', 'linear'] as InterpolationMethod[]) {
      for (const maxGapMs of [undefined, 60 * S]) {
        const result = await h.interpolate({ tag: TEMP, from: T0 - M, to: T0 + 21 * M, stepMs: 7_300, method, maxGapMs });
        for (const p of result.points) {
          const expected = referenceInterpolation(truth, p.ts, method, maxGapMs);
          const label = `${method}/${maxGapMs} at +${p.ts - T0}`;
          if (typeof expected === 'string') assert.deepEqual([p.value, p.reason], [null, expected], label);
          else assertClose(p.value, expected, label);
        }
      }
    }
  });

  it('interpolates sparse grids over dense data exactly, around its ends and across a hole', async () => {
    const { h } = await open();
    const next = random(23);
    const truth: RefSample[] = [];
    for (let ts = T0 + 3 * S; ts < T0 + 2 * H; ts += 10 * S) {
      if (ts > T0 + 50 * M && ts < T0 + 80 * M) continue; // a 30-minute hole
      truth.push({ ts, value: Math.round(next() * 10_000) / 100, good: next() > 0.05 });
    }
    await h.write(truth.slice(0, 400).map((x) => s(TEMP, x.ts, x.value, x.good ? 'good' : 'bad')));
    await h.flush();
    await h.write(truth.slice(400).map((x) => s(TEMP, x.ts, x.value, x.good ? 'good' : 'bad'))); // partly unflushed
    const grids = [
      { from: T0 + 5 * M, to: T0 + 45 * M }, // inside the data: every neighbour is near its point
      { from: T0 - 20 * M, to: T0 + 30 * M }, // starts before the first sample
      { from: T0 + 90 * M, to: T0 + 3 * H }, // runs past the last sample
      { from: T0 + 10 * M, to: T0 + 110 * M }, // across the hole
    ];
    for (const grid of grids) {
      for (const method of ['previous', 'linear'] as InterpolationMethod[]) {
        for (const maxGapMs of [undefined, 5 * M]) {
          const result = await h.interpolate({ tag: TEMP, ...grid, stepMs: 5 * M + 7 * S, method, maxGapMs });
          assert.equal(result.points.length, Math.ceil((grid.to - grid.from) / (5 * M + 7 * S)));
          for (const p of result.points) {
            const expected = referenceInterpolation(truth, p.ts, method, maxGapMs);
            const label = `${method}/${maxGapMs} at +${(p.ts - T0) / S} s`;
            if (typeof expected === 'string') assert.deepEqual([p.value, p.reason], [null, expected], label);
            else assertClose(p.value, expected, label);
          }
        }
      }
    }
  });

  it('finds neighbours a second, an hour, days and months away, stored or still unflushed', async () => {
    const { h } = await open();
    // Gaps of every size around the probe windows (a minute, an hour, a day, 30 days and beyond).
    const offsets = [-75 * D, -40 * D, -2 * D, -3 * H, -90 * S, 0, 30 * S, 2 * H, 20 * D, 70 * D];
    const truth: RefSample[] = offsets.map((o, i) => ({ ts: T0 + o, value: i * 10, good: i !== 4 }));
    await h.write(truth.map((x) => s(TEMP, x.ts, x.value, x.good ? 'good' : 'bad')));
    await h.flush();
    // A replacement still unflushed wins over the stored sample; a new far sample is unflushed too.
    truth[7] = { ...truth[7], value: 777 };
    truth.push({ ts: T0 + 100 * D, value: 1_000, good: true });
    await h.write([s(TEMP, truth[7].ts, 777), s(TEMP, T0 + 100 * D, 1_000)]);
    const times = [T0 - 80 * D, T0 - 50 * D, T0 - 10 * D, T0 - H, T0 - S, T0, T0 + M, T0 + 10 * D, T0 + 50 * D, T0 + 90 * D, T0 + 200 * D];
    for (const method of ['previous', 'linear'] as InterpolationMethod[]) {
      for (const ts of times) {
        const expected = referenceInterpolation(truth, ts, method);
        const got = await h.valueAt({ tag: TEMP, ts, method });
        const label = `${method} at ${(ts - T0) / S} s`;
        if (typeof expected === 'string') assert.deepEqual([got.value, got.reason], [null, expected], label);
        else assertClose(got.value, expected, label);
      }
      // A grid too big for a probe per point, over all of it.
      const grid = await h.interpolate({ tag: TEMP, from: T0 - 80 * D, to: T0 + 200 * D, stepMs: 7 * H + 13 * S, method });
      for (const p of grid.points) {
        const expected = referenceInterpolation(truth, p.ts, method);
        if (typeof expected === 'string') assert.deepEqual([p.value, p.reason], [null, expected], `grid ${method} at ${p.ts}`);
        else assertClose(p.value, expected, `grid ${method} at ${p.ts}`);
      }
    }
  });

  it('gives the value at a time with the samples it came from, and keeps booleans and text typed', async () => {
    const { h } = await open();
    await h.write([...sparse(), s(RUNNING, T0, true), s(RUNNING, T0 + M, false), s(STATE, T0 + 5 * S, 'run')]);
    assert.deepEqual(await h.valueAt({ tag: TEMP, ts: T0 + 15 * S, method: 'linear' }), {
      tag: TEMP,
      method: 'linear',
      ts: T0 + 15 * S,
      value: 15,
      before: { ts: T0 + 10 * S, value: 10, quality: 'good' },
      after: { ts: T0 + 20 * S, value: 20, quality: 'good' },
    });
    assert.deepEqual(await h.valueAt({ tag: TEMP, ts: T0 + 33 * S }), {
      tag: TEMP,
      method: 'previous',
      ts: T0 + 33 * S,
      value: null,
      reason: 'not-good',
      before: { ts: T0 + 30 * S, value: 100, quality: 'bad' },
      after: { ts: T0 + 40 * S, value: 40, quality: 'good' },
    });
    await h.flush();
    const last = await h.valueAt({ tag: TEMP, ts: T0 + D });
    assert.deepEqual([last.value, last.before, last.after], [50, { ts: T0 + 100 * S, value: 50, quality: 'good' }, null], 'the last sample holds without a gap limit');
    assert.equal((await h.valueAt({ tag: TEMP, ts: T0 + D, maxGapMs: H })).reason, 'gap');
    assert.deepEqual((await h.valueAt({ tag: TEMP, ts: T0 })).before, null);
    assert.equal((await h.valueAt({ tag: RUNNING, ts: T0 + 30 * S })).value, true);
    assert.equal((await h.valueAt({ tag: RUNNING, ts: T0 + M })).value, false);
    assert.equal((await h.valueAt({ tag: STATE, ts: T0 + H })).value, 'run');
    assert.deepEqual(outcomes((await h.interpolate({ tag: STATE, from: T0, to: T0 + 10 * S, stepMs: 5 * S })).points, T0), [[0, 'no-data-before'], [5, 'run']]);
    await assert.rejects(h.valueAt({ tag: STATE, ts: T0, method: 'linear' }), /'linear' needs numbers but '.*state-text' holds text; use previous/);
    await assert.rejects(h.interpolate({ tag: RUNNING, from: T0, to: T0 + M, stepMs: S, method: 'linear' }), /'linear' needs numbers but '.*running' holds booleans/);
  });

  it('returns the last sample before a trend as its boundary point, raw or bucketed', async () => {
    const { h } = await open();
    await h.write(sparse());
    for (const stage of ['before flush', 'after flush']) {
      if (stage === 'after flush') await h.flush();
      const raw = await h.query({ tag: TEMP, from: T0 + 12 * S, to: T0 + M, boundary: true });
      assert.deepEqual(raw.before, { ts: T0 + 10 * S, value: 10, quality: 'good' }, stage);
      assert.deepEqual(raw.points.map((p) => p.ts - T0), [20 * S, 30 * S, 40 * S]);
      // The boundary is the sample before `from` itself, even when bucketing widens the range.
      const bucketed = await h.query({ tag: TEMP, from: T0 + 35 * S, to: T0 + 2 * M, bucketMs: M, agg: 'avg', boundary: true });
      assert.deepEqual(bucketed.before, { ts: T0 + 30 * S, value: 100, quality: 'bad' }, `a bad boundary keeps its quality, ${stage}`);
      assert.equal((await h.query({ tag: TEMP, from: T0 + 10 * S, to: T0 + M, boundary: true })).before, null, 'a sample at from is not before it');
      assert.equal('before' in (await h.query({ tag: TEMP, from: T0 + 12 * S, to: T0 + M })), false, 'only when asked for');
    }
  });

  it('answers several tags on the same buckets, null where a tag has no sample', async () => {
    const { h } = await open();
    await h.write([...sparse(), s(OTHER, T0 + 150 * S, 7), s(RUNNING, T0 + 5 * S, true)]);
    const query = { tags: [TEMP, OTHER, RUNNING], from: T0, to: T0 + 3 * M, bucketMs: M, agg: 'last' as const };
    for (const stage of ['before flush', 'after flush']) {
      if (stage === 'after flush') await h.flush();
      const result = await h.queryAligned(query);
      assert.deepEqual(result.buckets, [T0, T0 + M, T0 + 2 * M]);
      assert.equal(result.bucketMs, M);
      assert.deepEqual(result.series.map((x) => [x.tag, x.agg, x.values]), [
        [TEMP, 'last', [40, 50, null]],
        [OTHER, 'last', [null, null, 7]],
        [RUNNING, 'last', [true, null, null]],
      ], stage);
    }
    // Without a width: the nice width that fits maxPoints, the same for every tag.
    const auto = await h.queryAligned({ tags: [TEMP, OTHER], from: T0, to: T0 + 3 * M, maxPoints: 3, agg: 'max' });
    assert.equal(auto.bucketMs, M);
    assert.deepEqual(auto.series.map((x) => x.values), [[40, 50, null], [null, null, 7]]);
    // The default aggregate is per tag: avg for numbers, last for text.
    await h.write([s(STATE, T0 + 5 * S, 'run')]);
    const mixed = await h.queryAligned({ tags: [TEMP, STATE], from: T0, to: T0 + M, bucketMs: M });
    assert.deepEqual(mixed.series.map((x) => [x.agg, x.values]), [['avg', [(10 + 20 + 40) / 3]], ['last', ['run']]]);
  });

  it('answers aligned tags exactly as one query per tag does, with samples still unflushed and late', async () => {
    const { h } = await open();
    const next = random(11);
    const batch: Sample[] = [];
    for (let i = 0; i < 900; i++) {
      const ts = T0 - 10 * M + Math.floor(next() * 3 * 3_600) * S;
      const quality: Quality = next() > 0.1 ? 'good' : 'bad';
      batch.push(s(TEMP, ts, Math.round(next() * 10_000) / 100, quality));
      if (next() > 0.5) batch.push(s(OTHER, ts + 300, Math.round(next() * 100)));
      if (next() > 0.8) batch.push(s(RUNNING, ts + 700, next() > 0.5));
    }
    await h.write(batch.slice(0, 600));
    await h.flush();
    await h.write(batch.slice(600).reverse()); // in landing (DuckDB) or merged late (PostgreSQL)
    const tags = [TEMP, OTHER, RUNNING];
    for (const stage of ['unflushed', 'flushed']) {
      if (stage === 'flushed') await h.flush();
      for (const bucketMs of [30 * S, M, 15 * M, H]) {
        for (const agg of ['twa', 'avg', 'stddev', 'count', 'max', 'last'] as const) {
          const query = { tags, from: T0 + 7 * M, to: T0 + 2 * H + 3 * M, bucketMs, agg };
          const label = `${stage} ${agg}/${bucketMs}`;
          const aligned = await h.queryAligned(query);
          const byTag = await queryAlignedByTag(h, query);
          assert.deepEqual(aligned.buckets, byTag.buckets, label);
          aligned.series.forEach((x, i) => {
            assert.equal(x.resolution, byTag.series[i].resolution, `${label} ${x.tag}: resolution`);
            x.values.forEach((v, j) => {
              const expected = byTag.series[i].values[j];
              if (typeof expected === 'number') assertClose(v, expected, `${label} ${x.tag} bucket ${j}`);
              else assert.equal(v, expected, `${label} ${x.tag} bucket ${j}`);
            });
          });
        }
      }
    }
  });

  it('records a write that replaces a stored value by a different one as a correction, old and new', async () => {
    const { h } = await open();
    await h.write([s(TEMP, T0, 1), s(TEMP, T0 + S, 2), s(STATE, T0, 'idle')]);
    await h.flush();
    assert.equal((await h.stats()).corrections, 0);
    // Same value again: no correction. New value, new quality, a new sample corrected in the same write, text.
    await h.write([s(TEMP, T0, 1), s(TEMP, T0 + S, 3), s(TEMP, T0 + 2 * S, 5), s(TEMP, T0 + 2 * S, 6), s(STATE, T0, 'run')]);
    await h.write([s(TEMP, T0, 1, 'bad')]);
    await h.flush();
    const all = await h.corrections({ from: T0 - H, to: T0 + H });
    const byTs = all.map(({ at, ...rest }) => {
      assert.ok(Math.abs(at - Date.now()) < 60_000, `applied at ${at}`);
      return rest;
    });
    byTs.sort((a, b) => a.tag.localeCompare(b.tag) || a.ts - b.ts);
    assert.deepEqual(byTs, [
      { tag: STATE, ts: T0, old: { value: 'idle', quality: 'good' }, new: { value: 'run', quality: 'good' } },
      { tag: TEMP, ts: T0, old: { value: 1, quality: 'good' }, new: { value: 1, quality: 'bad' } },
      { tag: TEMP, ts: T0 + S, old: { value: 2, quality: 'good' }, new: { value: 3, quality: 'good' } },
      { tag: TEMP, ts: T0 + 2 * S, old: { value: 5, quality: 'good' }, new: { value: 6, quality: 'good' } },
    ].sort((a, b) => a.tag.localeCompare(b.tag) || a.ts - b.ts));
    assert.equal((await h.stats()).corrections, 4);
    assert.deepEqual((await h.corrections({ tag: TEMP, from: T0 + S, to: T0 + 2 * S })).map((c) => c.new.value), [3], 'filtered by tag and ts');
    assert.equal((await h.corrections({ tag: TEMP, from: T0, to: T0 + H, limit: 2 })).length, 2);
    // The corrected values are what queries answer; the count is still one row per (tag, ts).
    assert.deepEqual((await h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'count' })).points.map((p) => p.value), [3]);
    assert.deepEqual((await h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'max' })).points.map((p) => p.value), [6]);
    await assert.rejects(h.corrections({ tag: 'acme/nowhere', from: T0, to: T0 + H }), /unknown tag 'acme\/nowhere'/);
    // Retention deletes corrections with the raw samples they explain, per class too.
    await h.applyRetention({ rawMs: H, minuteMs: D, hourMs: D }, T0 + H + S + 1, [STATE]);
    assert.deepEqual((await h.corrections({ from: T0 - H, to: T0 + H })).map((c) => c.tag).sort(), [TEMP, TEMP, TEMP]);
    await h.applyRetention({ rawMs: H, minuteMs: D, hourMs: D }, T0 + H + S + 1);
    assert.deepEqual((await h.corrections({ from: T0 - H, to: T0 + H })).map((c) => c.ts - T0), [2 * S], 'kept: the one at or after the cut');
    assert.equal((await h.stats()).corrections, 1);
    await assert.rejects(h.corrections({ from: T0 + H, to: T0 }), /reversed/);
  });

  it('refuses interpolations and aligned queries that are reversed, too big or name unknown tags', async () => {
    const { h } = await open();
    await assert.rejects(h.interpolate({ tag: TEMP, from: T0 + M, to: T0, stepMs: S }), /reversed/);
    await assert.rejects(h.interpolate({ tag: TEMP, from: T0, to: T0 + 30 * D, stepMs: S }), /2592000 points of 1000 ms exceed the limit of 10000/);
    await assert.rejects(h.interpolate({ tag: TEMP, from: T0, to: T0 + M, stepMs: 0 }), /stepMs must be a positive integer/);
    await assert.rejects(h.interpolate({ tag: TEMP, from: T0, to: T0 + M, stepMs: S, maxGapMs: -1 }), /maxGapMs must be a non-negative integer/);
    await assert.rejects(h.interpolate({ tag: TEMP, from: T0, to: T0 + M, stepMs: S, method: 'spline' as InterpolationMethod }), /unknown method 'spline'/);
    await assert.rejects(h.interpolate({ tag: 'acme/nowhere', from: T0, to: T0 + M, stepMs: S }), /unknown tag 'acme\/nowhere'/);
    await assert.rejects(h.valueAt({ tag: 'acme/nowhere', ts: T0 }), /unknown tag 'acme\/nowhere'/);
    await assert.rejects(h.query({ tag: STATE, from: T0, to: T0 + M, bucketMs: M, agg: 'stddev' }), /'stddev' needs numbers but '.*state-text' holds text/);
    const tags = Array.from({ length: MAX_ALIGNED_TAGS + 1 }, (_, i) => `${TEMP}-${i}`);
    await assert.rejects(h.queryAligned({ tags, from: T0, to: T0 + M }), /51 tags exceed the limit of 50/);
    await assert.rejects(h.queryAligned({ tags: [TEMP, 'acme/nowhere'], from: T0, to: T0 + M, bucketMs: M }), /unknown tag 'acme\/nowhere'/);
    await assert.rejects(h.queryAligned({ tags: [TEMP, TEMP], from: T0, to: T0 + M }), /given twice/);
    await assert.rejects(h.queryAligned({ tags: [TEMP], from: T0 + M, to: T0 }), /reversed/);
    await assert.rejects(h.queryAligned({ tags: [TEMP], from: T0, to: T0 + 30 * D, bucketMs: S }), /exceed the limit of 10000/);
    await assert.rejects(h.queryAligned({ tags: tags.slice(0, 30), from: T0, to: T0 + 10_000 * M, bucketMs: M }), /30 tags x 10000 buckets exceed the limit of 200000 values/);
  });
}
