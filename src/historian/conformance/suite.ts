// One conformance suite for every historian backend (STYLE habit 4): the behaviour the `Historian`
// contract (../types.ts) and the README promise, as node:test tests. A backend's test file calls
// `historianConformance(name, make)` with a factory that opens a fresh, empty store.
//
// Expected values are computed by hand, or by the reference implementation (./reference.ts), which
// the hand-computed cases pin down first.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Quality, Sample, TagDefinition } from '../../model/index.js';
import { AGGREGATES, type Aggregate, type Historian, type HistoryResult, type WriteReport } from '../types.js';
import { assertClose, random, reference, referenceInterpolation, type RefSample } from './reference.js';
import { queryCases } from './query-cases.js';
import { reductionCases } from './reduction-cases.js';

export interface ConformanceOptions {
  /** Passed to the backend: samples accepted but not yet durable before `write` waits. */
  maxPendingSamples?: number;
}

export interface HistorianHandle {
  /** Open, empty, no tags defined yet. */
  historian: Historian;
  /** Closes every instance this handle opened and deletes the store. Must not throw when already closed. */
  cleanup(): Promise<void>;
  /** Closes the current instance (when still open) and opens a new one on the same store, without defineTags. */
  reopen?(): Promise<Historian>;
  /** Opens another instance on the same store while the first stays open (backends with a server). */
  openReader?(): Promise<Historian>;
}

export type MakeHistorian = (options?: ConformanceOptions) => Promise<HistorianHandle>;

/**
 * A handle over instances made by `make` on one store: `reopen` closes the newest first (DuckDB
 * admits one per file), `openReader` (only with `readers`, for backends with a server) keeps it
 * open; `cleanup` closes them all, then deletes the store with `drop`.
 */
export async function storeHandle<T extends Historian>(make: () => T, drop: () => Promise<void> | void, readers = false): Promise<HistorianHandle & { historian: T }> {
  const instances: T[] = [make()];
  await instances[0].open();
  const another = async (closeNewest: boolean): Promise<Historian> => {
    if (closeNewest) await instances[instances.length - 1].close();
    const next = make();
    instances.push(next);
    await next.open();
    return next;
  };
  return {
    historian: instances[0],
    reopen: () => another(true),
    ...(readers ? { openReader: () => another(false) } : {}),
    async cleanup() {
      for (const instance of instances) await instance.close().catch(() => undefined);
      await drop();
    },
  };
}

export const T0 = Date.UTC(2026, 0, 5); // hour- and day-aligned
const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const D = 24 * H;
const ASSET = 'acme/berlin/assembly/line-1/press-1';
export const TEMP = `${ASSET}/temperature`;
export const RUNNING = `${ASSET}/running`;
export const STATE = `${ASSET}/state-text`;
export const RECIPE = `${ASSET}/recipe`;
export const OTHER = 'acme/berlin/assembly/line-2/press-7/temperature';

export const TAGS: Array<TagDefinition & { id: number }> = [
  { id: 1, path: TEMP, asset: ASSET, name: 'temperature', type: 'number' },
  { id: 2, path: RUNNING, asset: ASSET, name: 'running', type: 'boolean' },
  { id: 3, path: STATE, asset: ASSET, name: 'state-text', type: 'string' },
  { id: 4, path: RECIPE, asset: ASSET, name: 'recipe', type: 'json' },
  { id: 5, path: OTHER, asset: 'acme/berlin/assembly/line-2/press-7', name: 'temperature', type: 'number' },
];

export function s(tag: string, ts: number, value: Sample['value'], quality: Quality = 'good'): Sample {
  return { tag, ts, value, quality };
}

function values(points: HistoryResult['points']): Array<[number, unknown]> {
  return points.map((p) => [p.ts - T0, p.value]);
}

/** Registers the conformance tests for one backend. */
export function historianConformance(name: string, makeHistorian: MakeHistorian): void {
  describe(`historian conformance: ${name}`, () => {
    const handles: HistorianHandle[] = [];
    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.cleanup();
    });

    async function open(options?: ConformanceOptions): Promise<{ h: Historian; handle: HistorianHandle }> {
      const handle = await makeHistorian(options);
      handles.push(handle);
      await handle.historian.defineTags(TAGS);
      return { h: handle.historian, handle };
    }

    async function expectReference(h: Historian, tag: string, truth: Iterable<RefSample>, label: string, widths: number[], from: number, to: number, aggs: readonly Aggregate[] = AGGREGATES) {
      const ref = [...truth];
      for (const width of widths) {
        for (const agg of aggs) {
          const result = await h.query({ tag, from, to, bucketMs: width, agg });
          const expected = reference(ref, width, from, to, agg);
          assert.equal(result.bucketMs, width);
          assert.equal(result.agg, agg);
          assert.deepEqual(result.points.map((p) => p.ts), [...expected.keys()], `${label} ${agg}/${width}: bucket starts`);
          for (const point of result.points) assertClose(point.value, expected.get(point.ts)!, `${label} ${agg}/${width} at +${point.ts - T0}`);
        }
      }
    }

    queryCases(open, { T0, TEMP, RUNNING, STATE, OTHER });
    reductionCases(open, { T0, TEMP, RUNNING, STATE });

    it('the reference implementation agrees with hand-computed buckets', () => {
      const samples: RefSample[] = [
        { ts: T0 - 10 * S, value: 5, good: true },
        { ts: T0 + 20 * S, value: 20, good: true },
        { ts: T0 + 40 * S, value: 100, good: false },
        { ts: T0 + 50 * S, value: 40, good: true },
      ];
      // 5 carried in for 20 s, 20 for 20 s, 20-50 s uncovered (bad), 40 for 10 s.
      assert.deepEqual([...reference(samples, M, T0, T0 + M, 'twa')], [[T0, (5 * 20 + 20 * 20 + 40 * 10) / 50]]);
      assert.deepEqual([...reference(samples, M, T0, T0 + M, 'count')], [[T0, 3]]);
      assert.deepEqual([...reference(samples, M, T0, T0 + M, 'avg')], [[T0, 30]]);
      assert.deepEqual([...reference(samples, M, T0, T0 + M, 'max')], [[T0, 40]]);
      assertClose(reference(samples, M, T0, T0 + M, 'stddev').get(T0)!, Math.sqrt(((20 - 30) ** 2 + (40 - 30) ** 2) / 1), 'stddev of 20 and 40');
      // Interpolation: 5 until 20 s, the bad 100 from 40 s; linear between 20 s and 40 s is broken by it.
      assert.deepEqual(
        [T0 - 20 * S, T0, T0 + 30 * S, T0 + 45 * S, T0 + 60 * S].map((t) => referenceInterpolation(samples, t, 'previous', 30 * S)),
        ['no-data-before', 5, 20, 'not-good', 40],
      );
      assert.deepEqual(
        [T0, T0 + 30 * S, T0 + 45 * S, T0 + 50 * S, T0 + 55 * S].map((t) => referenceInterpolation(samples, t, 'linear', 30 * S)),
        [5 + (15 * 10) / 30, 'not-good', 'not-good', 40, 'no-data-after'],
      );
      assert.equal(referenceInterpolation(samples, T0 + 10 * S, 'linear', 29 * S), 'gap');
    });

    it('round-trips samples of every type with their quality', async () => {
      const { h } = await open();
      await h.write([
        s(TEMP, T0, 20.5),
        s(TEMP, T0 + S, 21, 'uncertain'),
        s(TEMP, T0 + 2 * S, -1e-7, 'bad'),
        s(RUNNING, T0, true),
        s(RUNNING, T0 + S, false),
        s(STATE, T0, 'idle\twith tab, "quotes", back\\slash\nnewline\r\nCRLF, \\N, ü'),
        s(RECIPE, T0, '{"speed":3,"name":"ü"}'),
      ]);
      const temp = await h.query({ tag: TEMP, from: T0, to: T0 + M });
      assert.deepEqual(temp, {
        tag: TEMP,
        from: T0,
        to: T0 + M,
        resolution: 'raw',
        bucketMs: null,
        agg: null,
        points: [
          { ts: T0, value: 20.5, quality: 'good' },
          { ts: T0 + S, value: 21, quality: 'uncertain' },
          { ts: T0 + 2 * S, value: -1e-7, quality: 'bad' },
        ],
      });
      assert.deepEqual(values((await h.query({ tag: RUNNING, from: T0, to: T0 + M })).points), [[0, true], [S, false]]);
      assert.deepEqual(values((await h.query({ tag: STATE, from: T0, to: T0 + M })).points), [[0, 'idle\twith tab, "quotes", back\\slash\nnewline\r\nCRLF, \\N, ü']]);
      assert.deepEqual(values((await h.query({ tag: RECIPE, from: T0, to: T0 + M })).points), [[0, '{"speed":3,"name":"ü"}']]);
      // The range is [from, to): a sample at `to` is not returned, one at `from` is.
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0 + S, to: T0 + 2 * S })).points), [[S, 21]]);
    });

    it('is idempotent per (tag, ts): the last write wins, within and across writes, and nothing is double counted', async () => {
      const { h } = await open();
      await h.write([s(TEMP, T0, 1), s(TEMP, T0 + 10 * S, 2), s(TEMP, T0 + 20 * S, 3)]);
      await h.write([s(TEMP, T0 + 10 * S, 20), s(TEMP, T0 + 10 * S, 200)]); // same write: the later one wins
      const expected = [[0, 1], [10 * S, 200], [20 * S, 3]];
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0, to: T0 + M })).points), expected, 'before flush');
      await h.flush();
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0, to: T0 + M })).points), expected, 'after flush');
      // Re-send everything, with one correction and a quality change.
      await h.write([s(TEMP, T0, 1), s(TEMP, T0 + 10 * S, 200), s(TEMP, T0 + 20 * S, 30, 'uncertain')]);
      const corrected = [[0, 1], [10 * S, 200], [20 * S, 30]];
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0, to: T0 + M })).points), corrected, 're-sent, before flush');
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'count' })).points), [[0, 3]]);
      await h.flush();
      const raw = await h.query({ tag: TEMP, from: T0, to: T0 + M });
      assert.deepEqual(values(raw.points), corrected, 're-sent, after flush');
      assert.equal(raw.points[2].quality, 'uncertain');
      const count = await h.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: M, agg: 'count' });
      assert.equal(count.resolution, '1m');
      assert.deepEqual(values(count.points), [[0, 3]]);
      const avg = await h.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'avg' });
      assert.equal(avg.resolution, '1h');
      assert.deepEqual(values(avg.points), [[0, (1 + 200) / 2]], 'the uncertain sample is left out of avg');
      const stats = await h.stats();
      assert.equal(stats.rawRows, 3);
      assert.equal(stats.minuteRows, 1);
      assert.equal(stats.hourRows, 1);
    });

    it('computes minute aggregates by hand, and a late sample fixes its minute and the next one (twa carry-in)', async () => {
      const { h } = await open();
      await h.write([s(TEMP, T0, 10), s(TEMP, T0 + 20 * S, 20), s(TEMP, T0 + 40 * S, 40), s(TEMP, T0 + 50 * S, 100, 'bad'), s(TEMP, T0 + 90 * S, 50)]);
      await h.flush();
      const q = async (agg: Aggregate) => {
        const result = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * M, bucketMs: M, agg });
        return values(result.points);
      };
      const resolution = async () => (await h.query({ tag: TEMP, from: T0, to: T0 + 2 * M, bucketMs: M, agg: 'avg' })).resolution;
      assert.equal(await resolution(), '1m');
      assert.deepEqual(await q('count'), [[0, 4], [M, 1]]);
      assert.deepEqual(await q('min'), [[0, 10], [M, 50]]);
      assert.deepEqual(await q('max'), [[0, 40], [M, 50]]);
      assert.deepEqual(await q('first'), [[0, 10], [M, 50]]);
      assert.deepEqual(await q('last'), [[0, 40], [M, 50]]);
      assertClose((await q('avg'))[0][1], 70 / 3, 'avg of minute 0 (the bad sample is left out)');
      // Minute 0: 10 for 20 s, 20 for 20 s, 40 for 10 s; the bad sample leaves 50-60 s uncovered.
      // Minute 1: the carried-in bad sample covers nothing until 90 s, then 50 to the end.
      assert.deepEqual(await q('twa'), [[0, (10 * 20 + 20 * 20 + 40 * 10) / 50], [M, 50]]);

      // A late good sample at 55 s: minute 0 gains 5 s, and it is now minute 1's carry-in.
      await h.write([s(TEMP, T0 + 55 * S, 60)]);
      const expectedTwa = [(10 * 20 + 20 * 20 + 40 * 10 + 60 * 5) / 55, (60 * 30 + 50 * 30) / 60];
      const early = await q('twa');
      assertClose(early[0][1], expectedTwa[0], 'twa of minute 0 right after the late write');
      assertClose(early[1][1], expectedTwa[1], 'twa of minute 1 right after the late write');
      await h.flush();
      assert.equal(await resolution(), '1m');
      const twa = await q('twa');
      assertClose(twa[0][1], expectedTwa[0], 'twa of minute 0 after the late sample');
      assertClose(twa[1][1], expectedTwa[1], 'twa of minute 1 after the late sample changed its carry-in');
      assert.deepEqual(await q('count'), [[0, 5], [M, 1]]);
      assertClose((await q('avg'))[0][1], (10 + 20 + 40 + 60) / 4, 'avg after the late sample');
      // A hand-computed 30-second query from raw samples agrees with the rollups.
      const fine = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * M, bucketMs: 30 * S, agg: 'twa' });
      assert.equal(fine.resolution, 'raw');
      assertClose(fine.points[1].value, (20 * 10 + 40 * 10 + 60 * 5) / 25, 'twa of 30-60 s (20 carried in, 50-55 s uncovered)');
    });

    it('keeps hour rollups exact when late data changes an hour and the carry-in of the next hour', async () => {
      const { h } = await open();
      await h.write([s(TEMP, T0, 10), s(TEMP, T0 + 30 * M, 20), s(TEMP, T0 + H + 30 * M, 40)]);
      await h.flush();
      const hours = async (agg: Aggregate) => {
        const result = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: H, agg });
        assert.equal(result.resolution, '1h');
        return values(result.points);
      };
      assert.deepEqual(await hours('twa'), [[0, 15], [H, 30]]);
      assert.deepEqual(await hours('count'), [[0, 2], [H, 1]]);
      // Late: 100 at 0 h 45 min. Hour 0: 10 for 30 min, 20 for 15 min, 100 for 15 min. Hour 1 starts at 100.
      await h.write([s(TEMP, T0 + 45 * M, 100)]);
      await h.flush();
      const twa = await hours('twa');
      assertClose(twa[0][1], (10 * 30 + 20 * 15 + 100 * 15) / 60, 'hour 0');
      assertClose(twa[1][1], (100 * 30 + 40 * 30) / 60, 'hour 1 (carry-in from the late sample)');
      assert.deepEqual(await hours('max'), [[0, 100], [H, 40]]);
      assert.deepEqual(await hours('last'), [[0, 100], [H, 40]]);
      const two = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: 2 * H, agg: 'twa' });
      assert.equal(two.resolution, '1h');
      assertClose(two.points[0].value, (10 * 30 + 20 * 15 + 100 * 45 + 40 * 30) / 120, 'two-hour bucket');
      // A correction of the carried-in sample (same ts, new value) reaches the next hour too.
      await h.write([s(TEMP, T0 + 45 * M, 0, 'bad')]);
      await h.flush();
      const corrected = await hours('twa');
      assertClose(corrected[0][1], (10 * 30 + 20 * 15) / 45, 'hour 0 after the carry-in turned bad');
      assertClose(corrected[1][1], 40, 'hour 1: the bad carry-in covers nothing');
    });

    it('answers every aggregate at every level exactly as the reference does, with late and re-sent data', async () => {
      const { h } = await open();
      const next = random(42);
      const truth = new Map<number, RefSample>();
      const other = new Map<number, RefSample>();
      const samples: Sample[] = [];
      let ts = T0 - 7 * M; // history before the queried range, for carry-in
      while (ts < T0 + 3 * H) {
        ts += Math.floor(1 + next() * 90) * S;
        if (ts > T0 + 70 * M && ts < T0 + 95 * M) continue; // a 25-minute hole: empty minutes held by carry-in
        const good = next() > 0.1;
        samples.push(s(TEMP, ts, Math.round(next() * 10_000) / 100, good ? 'good' : next() > 0.5 ? 'bad' : 'uncertain'));
        if (next() > 0.7) samples.push(s(OTHER, ts + 500, Math.round(next() * 100))); // a second tag interleaved
      }
      for (let i = 0; i < samples.length; i += 4) samples.push(s(samples[i].tag, samples[i].ts, Math.round(next() * 10_000) / 100)); // re-sent, new values
      const firstHalf = samples.slice(0, samples.length / 2);
      const secondHalf = samples.slice(samples.length / 2).reverse(); // late and out of order
      await h.write(firstHalf);
      await h.flush();
      await h.write(secondHalf);
      for (const x of [...firstHalf, ...secondHalf]) (x.tag === TEMP ? truth : other).set(x.ts, { ts: x.ts, value: x.value as number, good: x.quality === 'good' });
      // Widths that are not whole minutes (7 s, 90 s, 43.2 min) or hours (1.5 h) read the rollups
      // inside each bucket and raw samples only in the minutes that straddle its edges.
      const odd = [7 * S, 90 * S, 2_592 * S, 90 * M];
      await expectReference(h, TEMP, truth.values(), 'unflushed', [30 * S, M, 5 * M, H, ...odd], T0, T0 + 3 * H);
      await h.flush();
      await expectReference(h, TEMP, truth.values(), 'flushed', [30 * S, M, 5 * M, H, 2 * H, ...odd], T0, T0 + 3 * H);
      await expectReference(h, TEMP, truth.values(), 'unaligned', [M, H, ...odd], T0 + 17 * M + 5 * S, T0 + 2 * H + 3 * M);
      const resolution = async (bucketMs: number) => (await h.query({ tag: TEMP, from: T0, to: T0 + 3 * H, bucketMs, agg: 'twa' })).resolution;
      assert.deepEqual(await Promise.all(odd.map(resolution)), ['raw', '1m', '1m', '1h'], 'which rollups unaligned widths read');
      await expectReference(h, OTHER, other.values(), 'other tag', [M, H], T0, T0 + 3 * H, ['count', 'twa', 'avg']);
      // The rollup answers equal the answers computed from raw samples with the same width.
      const fromMinutes = await h.query({ tag: TEMP, from: T0, to: T0 + 3 * H, bucketMs: 5 * M, agg: 'twa' });
      assert.equal(fromMinutes.resolution, '1m');
      const rawTruth = reference([...truth.values()], 5 * M, T0, T0 + 3 * H, 'twa');
      assert.equal(fromMinutes.points.length, rawTruth.size);
      assert.equal((await h.stats()).rawRows, truth.size + other.size, 'one row per (tag, ts)');
    });

    it('stays exact over many small writes of late, re-sent and out-of-order samples across hour boundaries', async () => {
      const { h } = await open();
      const next = random(7);
      const truth = new Map<number, RefSample>();
      // 30 writes, each scattering samples over 6 hours (so consecutive minutes and hours turn dirty
      // together), some re-sending stored times with new values or qualities; flush now and then.
      const times: number[] = [];
      for (let w = 0; w < 30; w++) {
        const batch: Sample[] = [];
        for (let i = 0; i < 40; i++) {
          const resend = times.length > 0 && next() < 0.2;
          const ts = resend ? times[Math.floor(next() * times.length)] : T0 + Math.floor(next() * 6 * 3_600) * S;
          if (!resend) times.push(ts);
          const quality: Quality = next() > 0.15 ? 'good' : 'bad';
          batch.push(s(TEMP, ts, Math.round(next() * 10_000) / 100, quality));
        }
        await h.write(batch);
        for (const x of batch) truth.set(x.ts, { ts: x.ts, value: x.value as number, good: x.quality === 'good' });
        if (w % 7 === 3) await h.flush();
      }
      await h.flush();
      await expectReference(h, TEMP, truth.values(), 'scattered', [M, 10 * M, H, 3 * H], T0, T0 + 6 * H, ['twa', 'count', 'avg', 'first', 'last', 'min', 'max', 'stddev']);
      assert.equal((await h.stats()).rawRows, truth.size);
    });

    it('chooses raw samples when they fit maxPoints, else nice buckets from the fitting rollup', async () => {
      const { h } = await open();
      const samples: Sample[] = [];
      for (let t = 0; t < 2 * H; t += 10 * S) samples.push(s(TEMP, T0 + t, t / S));
      await h.write(samples); // 720 samples
      await h.flush();
      const raw = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H });
      assert.equal(raw.resolution, 'raw');
      assert.equal(raw.bucketMs, null);
      assert.equal(raw.points.length, 720);
      const exact = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, maxPoints: 720 });
      assert.equal(exact.resolution, 'raw', 'exactly maxPoints samples are still raw');
      const fit = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, maxPoints: 100 });
      assert.equal(fit.bucketMs, 2 * M); // 120 one-minute buckets > 100
      assert.equal(fit.resolution, '1m');
      assert.equal(fit.agg, 'avg');
      assert.equal(fit.points.length, 60);
      const few = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, maxPoints: 2 });
      assert.equal(few.bucketMs, H);
      assert.equal(few.resolution, '1h');
      assert.deepEqual(values(few.points), [[0, 1795], [H, 5395]]);
      const fine = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: 30 * S, agg: 'max' });
      assert.equal(fine.resolution, 'raw');
      assert.equal(fine.points.length, 240);
      assert.deepEqual(fine.points[1], { ts: T0 + 30 * S, value: 50 });
      // 722 hours into at most 100 buckets: 12-hour buckets (61), read from the hour rollup.
      const long = await h.query({ tag: TEMP, from: T0 - 30 * D, to: T0 + 2 * H, maxPoints: 100 });
      assert.equal(long.bucketMs, 12 * H);
      assert.equal(long.resolution, '1h');
      assert.deepEqual(values(long.points), [[0, 3595]]);
      // A write that has resolved is in the next answer, rollup or not.
      await h.write([s(TEMP, T0 + 2 * H - S, 100_000)]);
      const merged = await h.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: H, agg: 'max' });
      assert.equal(merged.resolution, '1h');
      assert.deepEqual(values(merged.points), [[0, 3590], [H, 100_000]]);
    });

    it('aggregates boolean tags as 0/1 and keeps booleans for first, last, min and max', async () => {
      const { h } = await open();
      await h.write([s(RUNNING, T0, true), s(RUNNING, T0 + 15 * S, false), s(RUNNING, T0 + 45 * S, true)]);
      await h.flush();
      const q = async (agg: Aggregate, bucketMs = M) => values((await h.query({ tag: RUNNING, from: T0, to: T0 + M, bucketMs, agg })).points);
      assert.deepEqual(await q('twa'), [[0, 0.5]]); // true 15 s + 15 s of 60
      assertClose((await q('avg'))[0][1], 2 / 3, 'share of true samples');
      assert.deepEqual(await q('first'), [[0, true]]);
      assert.deepEqual(await q('last'), [[0, true]]);
      assert.deepEqual(await q('min'), [[0, false]]);
      assert.deepEqual(await q('max'), [[0, true]]);
      assert.deepEqual(await q('count'), [[0, 3]]);
      assertClose((await q('twa', H))[0][1], (15 + 3600 - 45) / 3600, 'the last true holds to the end of the hour');
    });

    it('answers first, last and count for text tags and refuses numeric aggregates on them', async () => {
      const { h } = await open();
      await h.write([s(STATE, T0, 'idle'), s(STATE, T0 + 10 * S, 'run'), s(STATE, T0 + 70 * S, 'fault', 'bad'), s(STATE, T0 + 80 * S, 'stop')]);
      await h.write([s(RECIPE, T0 + 5 * S, '{"a":1}'), s(RECIPE, T0 + 5 * S, '{"a":2}')]);
      const q = async (agg: Aggregate, tag = STATE) => values((await h.query({ tag, from: T0, to: T0 + 2 * M, bucketMs: M, agg })).points);
      assert.deepEqual(await q('first'), [[0, 'idle'], [M, 'stop']]);
      assert.deepEqual(await q('last'), [[0, 'run'], [M, 'stop']]);
      assert.deepEqual(await q('count'), [[0, 2], [M, 2]]);
      assert.deepEqual(await q('last', RECIPE), [[0, '{"a":2}']]);
      const byDefault = await h.query({ tag: STATE, from: T0, to: T0 + 2 * M, bucketMs: M });
      assert.equal(byDefault.agg, 'last');
      assert.equal(byDefault.resolution, 'raw');
      await h.flush();
      assert.deepEqual(await q('last'), [[0, 'run'], [M, 'stop']], 'after flush');
      for (const agg of ['twa', 'avg', 'min', 'max'] as Aggregate[]) {
        await assert.rejects(h.query({ tag: STATE, from: T0, to: T0 + M, bucketMs: M, agg }), new RegExp(`'${agg}' needs numbers but '.*state-text' holds text`));
      }
    });

    it('rejects bad queries and writes with errors that name the problem', async () => {
      const { h } = await open();
      await assert.rejects(h.query({ tag: 'acme/nowhere/x', from: T0, to: T0 + M }), /unknown tag 'acme\/nowhere\/x'/);
      await assert.rejects(h.query({ tag: TEMP, from: T0 + M, to: T0 }), /reversed/);
      await assert.rejects(h.query({ tag: TEMP, from: T0, to: T0 }), /empty/);
      await assert.rejects(h.query({ tag: TEMP, from: T0 + 0.5, to: T0 + M }), /integer ms/);
      await assert.rejects(h.query({ tag: TEMP, from: T0, to: T0 + 30 * D, bucketMs: S }), /exceed the limit of 10000/);
      await assert.rejects(h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: 0 }), /bucketMs must be a positive integer/);
      await assert.rejects(h.query({ tag: TEMP, from: T0, to: T0 + M, maxPoints: 0 }), /maxPoints must be a positive integer/);
      await assert.rejects(h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'median' as Aggregate }), /unknown aggregate 'median'/);
      await assert.rejects(h.write([s('acme/undefined/tag', T0, 1), s(TEMP, T0, 1)]), /1 sample\(s\) of undefined tags .*'acme\/undefined\/tag'/);
      // The defined sample of that write was still stored.
      assert.equal((await h.query({ tag: TEMP, from: T0, to: T0 + M })).points.length, 1);
    });

    it('keeps latest values in memory and filters them with MQTT wildcards', async () => {
      const { h } = await open();
      assert.deepEqual(h.latest(), []);
      await h.write([s(TEMP, T0 + 5 * S, 30), s(TEMP, T0, 10), s(RUNNING, T0, true), s(STATE, T0, 'run'), s(OTHER, T0, 7, 'uncertain')]);
      assert.deepEqual(h.latest(TEMP), [{ tag: TEMP, ts: T0 + 5 * S, value: 30, quality: 'good' }], 'an older sample does not replace the latest');
      assert.equal(h.latest().length, 4);
      assert.deepEqual(h.latest('acme/+/assembly/line-2/#').map((l) => l.tag), [OTHER]);
      assert.deepEqual(h.latest(`${ASSET}/+`).map((l) => l.tag).sort(), [RUNNING, STATE, TEMP].sort());
      await h.write([s(TEMP, T0 + 5 * S, 31, 'bad')]); // same ts: replaces
      assert.deepEqual(h.latest(TEMP), [{ tag: TEMP, ts: T0 + 5 * S, value: 31, quality: 'bad' }]);
    });

    it('restores latest values, tags and data on reopen; storage ids follow paths, not registry ids', async (t) => {
      const { h, handle } = await open();
      if (!handle.reopen) return t.skip('backend cannot reopen its store');
      await h.write([s(TEMP, T0 + 5 * S, 30), s(TEMP, T0, 10), s(RUNNING, T0, true), s(STATE, T0, 'run'), s(OTHER, T0, 7, 'uncertain')]);
      await h.write([s(TEMP, T0 + M, 3)]);
      const reopened = await handle.reopen();
      const byTag = (a: { tag: string }, b: { tag: string }) => (a.tag < b.tag ? -1 : 1);
      assert.deepEqual(reopened.latest().sort(byTag), [
        { tag: OTHER, ts: T0, value: 7, quality: 'uncertain' },
        { tag: RUNNING, ts: T0, value: true, quality: 'good' },
        { tag: STATE, ts: T0, value: 'run', quality: 'good' },
        { tag: TEMP, ts: T0 + M, value: 3, quality: 'good' },
      ].sort(byTag));
      // No defineTags after reopen: the store knows its tags.
      assert.deepEqual(values((await reopened.query({ tag: TEMP, from: T0, to: T0 + H })).points), [[0, 10], [5 * S, 30], [M, 3]]);
      const hour = await reopened.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'twa' });
      assert.equal(hour.resolution, '1h');
      assertClose(hour.points[0].value, (10 * 5 + 30 * 55 + 3 * 3540) / 3600, 'twa after reopen');
      // Other registry ids this time: the store keeps its own ids per path.
      await reopened.defineTags(TAGS.map((tag, i) => ({ ...tag, id: 100 - i })));
      assert.deepEqual(values((await reopened.query({ tag: OTHER, from: T0, to: T0 + M })).points), [[0, 7]]);
      assert.equal((await reopened.stats()).tags, TAGS.length);
    });

    it('close() flushes pending writes; a closed historian refuses work', async (t) => {
      const { h, handle } = await open();
      const pending = h.write([s(TEMP, T0, 1), s(TEMP, T0 + M, 3)]);
      await h.close();
      await pending;
      await assert.rejects(h.write([s(TEMP, T0, 1)]), /closed/);
      if (!handle.reopen) return t.skip('backend cannot reopen its store');
      const reopened = await handle.reopen();
      const hour = await reopened.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'twa' });
      assert.equal(hour.resolution, '1h');
      assertClose(hour.points[0].value, (1 * 1 + 3 * 59) / 60, 'twa after reopen');
    });

    it('resolves write() only once the samples are durable, reporting each commit to onWrite', async () => {
      const { h, handle } = await open();
      const reports: WriteReport[] = [];
      h.onWrite((report) => reports.push(report));
      const batch: Sample[] = [];
      for (let i = 0; i < 3_000; i++) batch.push(s(TEMP, T0 + i * S, i));
      const writes = [h.write(batch.slice(0, 1_000)), h.write(batch.slice(1_000, 2_000)), h.write(batch.slice(2_000))];
      // When a write resolves, commits holding at least as many rows as all resolved writes were reported.
      let resolvedRows = 0;
      let early = 0;
      for (const write of writes) {
        void write.then(() => {
          resolvedRows += 1_000;
          if (reports.reduce((n, r) => n + r.rows, 0) < resolvedRows) early++;
        });
      }
      await Promise.all(writes);
      assert.equal(early, 0, 'a write resolved before its commit was reported');
      assert.equal(reports.reduce((sum, r) => sum + r.rows, 0), 3_000);
      assert.ok(reports.every((r) => r.rows > 0 && r.latencyMs >= 0 && r.latencyMs < 30_000));
      const stats = await h.stats();
      assert.equal(stats.pendingSamples, 0);
      assert.equal(stats.samplesWritten, 3_000);
      if (handle.openReader) {
        // Another connection sees every resolved write at once: it was committed.
        const reader = await handle.openReader();
        assert.equal((await reader.query({ tag: TEMP, from: T0, to: T0 + H, maxPoints: 5_000 })).points.length, 3_000);
        assert.deepEqual(values((await reader.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'count' })).points), [[0, 3_000]]);
      }
    });

    it('bounds pending samples: writers wait for room instead of queueing without limit', async () => {
      const { h } = await open({ maxPendingSamples: 1_000 });
      const writes: Array<Promise<void>> = [];
      let maxPending = 0;
      for (let w = 0; w < 10; w++) {
        const batch: Sample[] = [];
        for (let i = 0; i < 600; i++) batch.push(s(TEMP, T0 + (w * 600 + i) * S, i));
        writes.push(h.write(batch));
        maxPending = Math.max(maxPending, (await h.stats()).pendingSamples);
      }
      await Promise.all(writes);
      assert.ok(maxPending <= 1_200, `pending reached ${maxPending}`);
      assert.equal((await h.stats()).rawRows, 6_000);
    });

    it('applies retention to raw samples, minute and hour rollups separately', async () => {
      const { h } = await open();
      const samples: Sample[] = [];
      // Three days of data, one sample every 10 minutes in the last 3 hours, one per hour before.
      for (let t = -3 * D; t < -3 * H; t += H) samples.push(s(TEMP, T0 + t, 1));
      for (let t = -3 * H; t < 0; t += 10 * M) samples.push(s(TEMP, T0 + t, t / M));
      await h.write(samples); // 69 + 18 samples
      await h.flush();
      const before = await h.stats();
      assert.equal(before.rawRows, 87);
      const deleted = await h.applyRetention({ rawMs: H, minuteMs: 2 * H, hourMs: 2 * H }, T0);
      // Raw: all but the 6 samples of the last hour. Minute rows: all but the last 2 hours' 12.
      assert.deepEqual(deleted, { raw: 81, minute: 87 - 12, hour: 69 + 1 });
      const stats = await h.stats();
      assert.equal(stats.rawRows, 6);
      assert.equal(stats.minuteRows, 12);
      assert.equal(stats.hourRows, 2);
      assert.deepEqual((await h.query({ tag: TEMP, from: T0 - 4 * D, to: T0 })).points.map((p) => p.ts - T0), [-60, -50, -40, -30, -20, -10].map((m) => m * M));
      // Nothing older is left to delete; new data after retention is stored and rolled up as usual.
      assert.deepEqual(await h.applyRetention({ rawMs: H, minuteMs: 2 * H, hourMs: 2 * H }, T0), { raw: 0, minute: 0, hour: 0 });
      await h.write([s(TEMP, T0 + S, 5), s(TEMP, T0 - 3 * D, 9)]); // the second is older than the retained range
      await h.flush();
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'count' })).points), [[0, 1]]);
      assert.deepEqual(values((await h.query({ tag: TEMP, from: T0 - 3 * D, to: T0 - 3 * D + M })).points), [[-3 * D, 9]]);
    });

    it('reports stats: rows per table, bytes on disk and bytes per sample', async () => {
      const { h } = await open();
      const samples: Sample[] = [];
      for (let i = 0; i < 5_000; i++) samples.push(s(TEMP, T0 + i * S, Math.round(Math.sin(i / 100) * 1000) / 100));
      await h.write(samples);
      await h.flush();
      const stats = await h.stats();
      assert.equal(stats.tags, TAGS.length);
      assert.equal(stats.rawRows, 5_000);
      assert.equal(stats.minuteRows, Math.ceil(5_000 / 60));
      assert.equal(stats.hourRows, 2);
      assert.equal(stats.pendingSamples, 0);
      assert.equal(stats.samplesWritten, 5_000);
      assert.ok(stats.bytes > 0, 'bytes on disk');
      assert.equal(stats.bytesPerSample, stats.bytes / 5_000);
      assert.ok(stats.bytesPerSample! < 1_000, `bytes per sample ${stats.bytesPerSample}`);
    });
  });
}
