// Conformance cases for the reducing reads (../reductions.ts): value changes and counter sums between
// cut points. Registered by `historianConformance` (./suite.ts), so they run against every backend.
// Hand-computed first; then a random counter with wraps, resets, glitches, bad samples and re-sent
// values, checked against the reference implementation.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Quality, Sample } from '../../model/index.js';
import { referenceCounterSums, type CounterSumsResult } from '../reductions.js';
import type { Historian } from '../types.js';
import { random } from './reference.js';

const S = 1_000;

export interface ReductionCaseTags {
  T0: number;
  /** A number tag (used as a counter). */
  TEMP: string;
  /** A boolean tag. */
  RUNNING: string;
  /** A string tag. */
  STATE: string;
}

function s(tag: string, ts: number, value: Sample['value'], quality: Quality = 'good'): Sample {
  return { tag, ts, value, quality };
}

/** Sums relative to t0 in seconds, with the counts. */
function sums(r: CounterSumsResult, t0: number) {
  return { at: r.ends.map((e) => (e - t0) / S), sums: r.sums, wraps: r.wraps, resets: r.resets, glitches: r.glitches };
}

export function reductionCases(open: () => Promise<{ h: Historian }>, { T0, TEMP, RUNNING, STATE }: ReductionCaseTags): void {
  it('valueChanges: the first sample of the range, then only changes; bad samples skipped, uncertain ones kept', async () => {
    const { h } = await open();
    const states: Array<[number, string, Quality?]> = [[0, 'run'], [1, 'run'], [2, 'stop', 'bad'], [3, 'run'], [4, 'stop', 'uncertain'], [5, 'stop'], [6, 'run']];
    await h.write([
      ...states.map(([t, v, q]) => s(STATE, T0 + t * S, v, q)),
      ...[1, 1, 2, 2, 3].map((v, i) => s(TEMP, T0 + i * S, v)),
      ...[true, true, false, false].map((v, i) => s(RUNNING, T0 + i * S, v)),
    ]);
    const changes = async (tag: string, from: number, to: number) =>
      (await h.valueChanges({ tag, from: T0 + from * S, to: T0 + to * S })).map((p) => [(p.ts - T0) / S, p.value, p.quality]);
    assert.deepEqual(await changes(STATE, 0, 10), [[0, 'run', 'good'], [4, 'stop', 'uncertain'], [6, 'run', 'good']]);
    assert.deepEqual(await changes(TEMP, 1, 4), [[1, 1, 'good'], [2, 2, 'good']], 'from 1 s: the first sample counts even though the value before is the same');
    assert.deepEqual(await changes(RUNNING, 0, 10), [[0, true, 'good'], [2, false, 'good']], 'booleans stay booleans');
    await h.flush();
    assert.deepEqual(await changes(STATE, 0, 10), [[0, 'run', 'good'], [4, 'stop', 'uncertain'], [6, 'run', 'good']], 'the same once compacted');
    await assert.rejects(h.valueChanges({ tag: STATE, from: T0, to: T0 }), /from must be before to/);
  });

  it('counterSums: increments summed between cut points, a reading at a cut belongs to the interval that ends there', async () => {
    const { h } = await open();
    // s: value (increment with modulus 100, resetBelow 10)
    const readings: Array<[number, number, Quality?]> = [
      [-10, 1000], // before the range: not read at all
      [0, 50], // baseline (before the first cut)
      [10, 60], // +10
      [20, 70], // +10, at the cut of 20 s
      [25, 99], // +29
      [30, 3], // wrap: 3 + 100 - 99 = 4 < 50, +4
      [32, 500, 'bad'], // skipped
      [35, 8], // +5
      [45, 2], // reset: no wrap (94), at most 10, +2
      [50, 40], // +38
      [55, 30], // glitch: no wrap (90), above 10, +0, baseline 30
      [58, 35, 'uncertain'], // +5
      [70, 45], // +10 after the last cut: not summed
    ];
    await h.write(readings.map(([t, v, q]) => s(TEMP, T0 + t * S, v, q)));
    const cuts = [5, 20, 40, 60].map((t) => T0 + t * S);
    const ask = (modulus?: number) => h.counterSums({ tag: TEMP, from: T0, to: T0 + 100 * S, cuts, modulus, resetBelow: 10 });
    assert.deepEqual(sums(await ask(100), T0), { at: [20, 40, 60], sums: [20, 38, 45], wraps: 1, resets: 1, glitches: 1 });
    // Without a modulus the drop to 3 is a reset: +3 instead of +4.
    assert.deepEqual(sums(await ask(), T0), { at: [20, 40, 60], sums: [20, 37, 45], wraps: 0, resets: 2, glitches: 1 });
    await h.flush();
    assert.deepEqual(sums(await ask(100), T0), { at: [20, 40, 60], sums: [20, 38, 45], wraps: 1, resets: 1, glitches: 1 }, 'the same once compacted');
    await assert.rejects(h.counterSums({ tag: TEMP, from: T0, to: T0 + S, cuts: [T0 + 2, T0 + 1] }), /cut points must ascend/);
    await assert.rejects(h.counterSums({ tag: STATE, from: T0, to: T0 + S, cuts: [] }), /text tag is no counter/);
  });

  it('counterSums equals the reference on a random counter with wraps, resets, glitches, bad and re-sent readings', async () => {
    const { h } = await open();
    const rnd = random(7);
    const truth = new Map<number, Sample>();
    const batch = (from: number, n: number) => {
      const out: Sample[] = [];
      let value = Math.floor(rnd() * 1000);
      for (let i = 0; i < n; i++) {
        const r = rnd();
        if (r < 0.02) value = Math.floor(rnd() * 8); // reset
        else if (r < 0.04) value = Math.floor(rnd() * 900); // maybe a glitch
        else value = (value + Math.floor(rnd() * 40)) % 1000; // up, wrapping at 1000
        const ts = T0 + (from + i) * S;
        out.push(s(TEMP, ts, value, rnd() < 0.03 ? 'bad' : rnd() < 0.05 ? 'uncertain' : 'good'));
      }
      return out;
    };
    const write = async (samples: Sample[]) => {
      await h.write(samples);
      for (const x of samples) truth.set(x.ts, x);
    };
    await write(batch(0, 1500));
    await h.flush();
    await write(batch(1500, 1500));
    await write(batch(700, 300)); // re-sent with other values, over compacted rows
    const cuts = [...new Set(Array.from({ length: 60 }, () => T0 + Math.floor(rnd() * 3200) * S))].sort((a, b) => a - b);
    const query = { tag: TEMP, from: T0 + 100 * S, to: T0 + 2900 * S, cuts, modulus: 1000, resetBelow: 10 };
    const expected = referenceCounterSums([...truth.values()].sort((a, b) => a.ts - b.ts), query);
    assert.ok(expected.wraps > 10 && expected.resets > 10 && expected.glitches > 5, `the data has wraps, resets and glitches: ${JSON.stringify({ ...expected, ends: [], sums: [] })}`);
    assert.deepEqual(await h.counterSums(query), expected, 'before compaction');
    await h.flush();
    assert.deepEqual(await h.counterSums(query), expected, 'after compaction');
  });
}
