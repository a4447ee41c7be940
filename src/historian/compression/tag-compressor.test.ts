// The compression stages as a specification: hand-made cases first, then properties on random walks
// (every good sample lies within the error bound of the line between the stored points around it).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Quality, Sample } from '../../model/index.js';
import { deviation } from './check.js';
import { ExceptionFilter, type Point } from './deadband.js';
import { SwingingDoor } from './swinging-door.js';
import { errorBound, TagCompressor, type CompressionSettings } from './tag-compressor.js';

const TAG = 'acme/berlin/assembly/line-1/press-1/temperature';
const NEVER = Number.MAX_SAFE_INTEGER;
const s = (ts: number, value: Sample['value'], quality: Quality = 'good'): Sample => ({ tag: TAG, ts, value, quality });
const p = (ts: number, value: number): Point => ({ ts, value });

function run(settings: Partial<CompressionSettings>, samples: Sample[], drain = true): Sample[] {
  const compressor = new TagCompressor({ excDev: 0, excMax: NEVER, compDev: 0, compMax: NEVER, ...settings });
  const out: Sample[] = [];
  for (const sample of samples) compressor.offer(sample, out);
  if (drain) compressor.drain(out);
  return out;
}
const times = (samples: Sample[]) => samples.map((x) => x.ts);

describe('exception deadband', () => {
  it('drops values within the band and passes the last dropped one with the value that leaves it', () => {
    const filter = new ExceptionFilter<Point>(0.5, NEVER);
    const out: Point[] = [];
    for (const point of [p(0, 10), p(1, 10.2), p(2, 9.6), p(3, 10.4), p(4, 12), p(5, 12.1)]) filter.offer(point, out);
    assert.deepEqual(out, [p(0, 10), p(3, 10.4), p(4, 12)]);
    filter.drain(out);
    assert.deepEqual(out.at(-1), p(5, 12.1), 'drain passes the newest value');
  });

  it('passes a sample excMax after the last passed one even when it did not move', () => {
    const filter = new ExceptionFilter<Point>(1, 10);
    const out: Point[] = [];
    for (let t = 0; t <= 25; t++) filter.offer(p(t, 5), out);
    assert.deepEqual(
      out.map((x) => x.ts),
      [0, 9, 10, 19, 20],
    );
  });
});

describe('swinging door', () => {
  it('keeps only the ends of a straight line', () => {
    const door = new SwingingDoor<Point>(0.01, NEVER);
    const out: Point[] = [];
    for (let t = 0; t <= 100; t++) door.offer(p(t, 3 + 0.5 * t), out);
    assert.deepEqual(out, [p(0, 3)]);
    door.drain(out);
    assert.deepEqual(out, [p(0, 3), p(100, 53)]);
  });

  it('archives the corner of a ramp that turns flat', () => {
    const door = new SwingingDoor<Point>(0.1, NEVER);
    const out: Point[] = [];
    for (let t = 0; t <= 20; t++) door.offer(p(t, t <= 10 ? t : 10), out);
    door.drain(out);
    assert.deepEqual(out, [p(0, 0), p(10, 10), p(20, 10)]);
  });

  it('archives the held point where the classic test would let a point drift past compDev', () => {
    // Classic SDT keeps (1,1) out and holds (10,-0.5): the line (0,0)-(10,-0.5) passes 1.05 from (1,1).
    const door = new SwingingDoor<Point>(1, NEVER);
    const out: Point[] = [];
    for (const point of [p(0, 0), p(1, 1), p(10, -0.5)]) door.offer(point, out);
    door.drain(out);
    assert.deepEqual(out, [p(0, 0), p(1, 1), p(10, -0.5)]);
  });

  it('archives at least every compMax while samples keep coming', () => {
    const door = new SwingingDoor<Point>(1, 10);
    const out: Point[] = [];
    for (let t = 0; t <= 30; t++) door.offer(p(t, 7), out);
    assert.deepEqual(
      out.map((x) => x.ts),
      [0, 10, 20],
    );
  });
});

describe('TagCompressor', () => {
  it('stores the first sample, then only what the line needs, and the newest value on drain', () => {
    const samples = [s(0, 1), s(1, 1), s(2, 1), s(3, 1), s(4, 5)];
    assert.deepEqual(times(run({ compDev: 0.1 }, samples, false)), [0, 3], 'the jump to 5 closes the door: 3 is archived, 4 held');
    assert.deepEqual(times(run({ compDev: 0.1 }, samples)), [0, 3, 4]);
  });

  it('stores every sample that is not good, with the held point before it and the next good one after it', () => {
    const samples = [s(0, 1), s(1, 1), s(2, 1), s(3, 9, 'bad'), s(4, 9, 'uncertain'), s(5, 1), s(6, 1), s(7, 1)];
    assert.deepEqual(times(run({ compDev: 0.5 }, samples)), [0, 2, 3, 4, 5, 7]);
  });

  it('stores values that are not finite numbers and starts over after them', () => {
    const samples = [s(0, 1), s(1, 1), s(2, Number.NaN), s(3, 1), s(4, 1), s(5, 1)];
    assert.deepEqual(times(run({ compDev: 0.5 }, samples)), [0, 1, 2, 3, 5]);
  });

  it('stores late and re-sent samples as they are, after the held ones', () => {
    const out = run({ compDev: 0.5 }, [s(0, 1), s(10, 1), s(20, 1), s(15, 4), s(20, 2), s(30, 2), s(40, 2)]);
    assert.deepEqual(
      out.map((x) => [x.ts, x.value]),
      [
        [0, 1],
        [20, 1],
        [15, 4],
        [20, 2],
        [30, 2],
        [40, 2],
      ],
    );
  });

  it('reports the newest sample received, stored or not', () => {
    const compressor = new TagCompressor({ excDev: 0, excMax: NEVER, compDev: 1, compMax: NEVER });
    const out: Sample[] = [];
    for (const sample of [s(0, 1), s(1, 1.1), s(2, 1.2)]) compressor.offer(sample, out);
    compressor.offer(s(1, 3), out); // late: does not move the newest
    assert.deepEqual(compressor.lastReceived, s(2, 1.2));
  });

  it('goes on compressing after a drain, from the drained point', () => {
    const compressor = new TagCompressor({ excDev: 0, excMax: NEVER, compDev: 0.5, compMax: NEVER });
    const out: Sample[] = [];
    for (let t = 0; t < 5; t++) compressor.offer(s(t, 1), out);
    compressor.drain(out);
    for (let t = 5; t < 10; t++) compressor.offer(s(t, 1), out);
    compressor.drain(out);
    assert.deepEqual(times(out), [0, 4, 9]);
  });
});

// ---- properties on random walks ----

const settingsArb = fc.record({
  excDev: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true })),
  excMax: fc.oneof(fc.constant(NEVER), fc.integer({ min: 1_000, max: 600_000 })),
  compDev: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true })),
  compMax: fc.oneof(fc.constant(NEVER), fc.integer({ min: 1_000, max: 3_600_000 })),
});

/** A random walk: steps of random size and sign, some flat stretches, irregular sampling times. */
const walkArb = fc
  .record({
    start: fc.double({ min: -1_000, max: 1_000, noNaN: true }),
    steps: fc.array(
      fc.record({
        dt: fc.integer({ min: 1, max: 60_000 }),
        dv: fc.oneof(fc.constant(0), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })),
        quality: fc.constantFrom<Quality>('good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'uncertain', 'bad'),
      }),
      { minLength: 1, maxLength: 400 },
    ),
  })
  .map(({ start, steps }) => {
    let ts = Date.UTC(2026, 0, 5);
    let value = start;
    return steps.map(({ dt, dv, quality }) => {
      ts += dt;
      value += dv;
      return s(ts, value, quality);
    });
  });

describe('TagCompressor properties (random walks)', () => {
  it('every good sample lies within compDev + 2 x excDev of the line between the stored points around it', () => {
    fc.assert(
      fc.property(settingsArb, walkArb, (settings, walk) => {
        const stored = run(settings, walk);
        const found = deviation(walk, stored);
        const bound = errorBound(settings);
        assert.equal(found.uncovered, 0);
        assert.ok(found.max <= bound + 1e-9 * (1 + bound), `deviation ${found.max} > bound ${bound} at ${JSON.stringify(found.at)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('stores a subset of the samples, in time order, every sample that is not good, and the newest', () => {
    fc.assert(
      fc.property(settingsArb, walkArb, (settings, walk) => {
        const stored = run(settings, walk);
        const offered = new Set(walk);
        for (const sample of stored) assert.ok(offered.has(sample), 'only samples that were offered');
        for (let i = 1; i < stored.length; i++) assert.ok(stored[i].ts > stored[i - 1].ts, 'time order, no repeats');
        const kept = new Set(stored);
        for (const sample of walk) if (sample.quality !== 'good') assert.ok(kept.has(sample), 'a sample that is not good is stored');
        assert.equal(stored.at(-1), walk.at(-1), 'the newest sample is stored after a drain');
      }),
      { numRuns: 300 },
    );
  });
});
