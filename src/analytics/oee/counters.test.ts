import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CounterTracker, counterDeltas } from './counters.js';

test('the first reading is the baseline; rises count', () => {
  const c = new CounterTracker();
  assert.equal(c.next(500), 0);
  assert.equal(c.next(512), 12);
  assert.equal(c.next(512), 0);
});

test('wrap at an explicit modulus', () => {
  const c = new CounterTracker({ modulus: 65_536 });
  c.next(65_530);
  assert.equal(c.next(4), 10);
  assert.deepEqual(c.stats, { wraps: 1, resets: 0, glitches: 0 });
});

test('modulus inferred from the tag max (packer counter 0..99999)', () => {
  const c = new CounterTracker({ tagMax: 99_999 });
  c.next(99_990);
  assert.equal(c.next(15), 25);
  assert.equal(c.stats.wraps, 1);
});

test('a drop to near zero that a wrap cannot explain is a reset: the new reading counts', () => {
  const c = new CounterTracker({ modulus: 65_536 });
  c.next(1_000);
  assert.equal(c.next(3), 3, '1000 -> 3 would be a 64539-unit wrap: more than half the modulus');
  assert.deepEqual(c.stats, { wraps: 0, resets: 1, glitches: 0 });
  const free = new CounterTracker();
  free.next(70_000);
  assert.equal(free.next(0), 0);
  assert.equal(free.stats.resets, 1);
});

test('a drop that is neither a wrap nor a reset is a glitch: ignored, re-baselined', () => {
  const c = new CounterTracker({ resetBelow: 5 });
  c.next(1_000);
  assert.equal(c.next(600), 0);
  assert.equal(c.next(610), 10);
  assert.equal(c.stats.glitches, 1);
  assert.equal(c.next(Number.NaN), 0);
});

test('counterDeltas over a series with a wrap and a reset', () => {
  const deltas = counterDeltas(
    [
      { ts: 1, value: 65_000 },
      { ts: 2, value: 65_500 },
      { ts: 3, value: 100 },
      { ts: 4, value: 2 },
      { ts: 5, value: 50 },
    ],
    { modulus: 65_536 },
  );
  assert.deepEqual(deltas, [
    { ts: 2, value: 500 },
    { ts: 3, value: 136 },
    { ts: 4, value: 2 },
    { ts: 5, value: 48 },
  ]);
});
