import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredRow } from './answers.js';
import { interpolatePoint, lastGridPoint, neighbourRow, valueAtResult } from './interpolation.js';

const good = (ts: number, num: number): StoredRow => ({ ts, q: 0, num, str: null });
const bad = (ts: number, num: number): StoredRow => ({ ts, q: 2, num, str: null });

describe('interpolation rules', () => {
  it('previous holds the last good sample; linear draws the line between two good ones', () => {
    const n = { t: 15, before: good(10, 1), after: good(20, 3) };
    assert.deepEqual(interpolatePoint('number', n, 'previous', null), { ts: 15, value: 1 });
    assert.deepEqual(interpolatePoint('number', n, 'linear', null), { ts: 15, value: 2 });
    assert.deepEqual(interpolatePoint('number', { ...n, t: 10 }, 'linear', null), { ts: 10, value: 1 }, 'on a sample: its value');
  });

  it('names why a point has no value', () => {
    const reason = (before: StoredRow | null, after: StoredRow | null, method: 'previous' | 'linear', maxGapMs: number | null, t = 15) =>
      interpolatePoint('number', { t, before, after }, method, maxGapMs).reason;
    assert.equal(reason(null, good(20, 1), 'previous', null), 'no-data-before');
    assert.equal(reason(good(10, 1), null, 'linear', null), 'no-data-after');
    assert.equal(reason(good(10, 1), null, 'previous', null), undefined, 'previous holds the last sample');
    assert.equal(reason(good(10, 1), null, 'previous', 4), 'gap', 'but not longer than maxGapMs');
    assert.equal(reason(good(10, 1), good(20, 2), 'linear', 9), 'gap');
    assert.equal(reason(good(10, 1), good(20, 2), 'linear', 10), undefined, 'a gap of exactly maxGapMs is bridged');
    assert.equal(reason(bad(10, 1), good(20, 2), 'previous', null), 'not-good');
    assert.equal(reason(good(10, 1), bad(20, 2), 'linear', null), 'not-good');
    assert.equal(reason(good(10, 1), bad(20, 2), 'previous', null), undefined, 'previous does not look ahead');
    assert.equal(reason(bad(15, 1), null, 'previous', 0, 15), 'not-good', 'on a bad sample');
    assert.equal(reason(good(15, 1), null, 'linear', 0, 15), undefined, 'on a good sample, even with maxGapMs 0');
  });

  it('keeps booleans and text typed, and reports the samples a value came from', () => {
    assert.equal(interpolatePoint('boolean', { t: 5, before: good(0, 1), after: null }, 'previous', null).value, true);
    const text: StoredRow = { ts: 0, q: 0, num: null, str: 'run' };
    const at = valueAtResult('a/b', 'text', { from: 5, to: 6, stepMs: 1, method: 'previous', maxGapMs: null }, { t: 5, before: text, after: null });
    assert.deepEqual(at, { tag: 'a/b', method: 'previous', ts: 5, value: 'run', before: { ts: 0, value: 'run', quality: 'good' }, after: null });
  });

  it('reads neighbour rows and lays out the grid', () => {
    assert.deepEqual(neighbourRow([15n, 10n, 0, 1.5, null, null, null, null, null]), { t: 15, before: { ts: 10, q: 0, num: 1.5, str: null }, after: null });
    assert.equal(lastGridPoint({ from: 0, to: 10, stepMs: 3 }), 9);
    assert.equal(lastGridPoint({ from: 0, to: 9, stepMs: 3 }), 6, 'to is exclusive');
  });
});
