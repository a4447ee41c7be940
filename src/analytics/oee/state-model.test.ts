import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, categorize, intervalsFromRunning, intervalsFromStates } from './state-model.js';
import { STATE_CODES_MAP } from './testing.js';

const MIN = 60_000;

test('state names map to categories; unknown names are offline; a custom table wins', () => {
  assert.equal(categorize('changeover'), 'setup');
  assert.equal(categorize('no_order'), 'idle');
  assert.equal(categorize('Breakdown'), 'breakdown');
  assert.equal(categorize('cleaning'), 'offline');
  assert.equal(categorize('cleaning', { cleaning: 'planned_maintenance' }), 'planned_maintenance');
});

test('intervals from a state tag: repeats merge, the state before `from` is clipped, the last runs to `to`', () => {
  const samples = [
    { ts: -5 * MIN, value: 1 },
    { ts: 0, value: 1 },
    { ts: 10 * MIN, value: 7 },
    { ts: 12 * MIN, value: 1 },
    { ts: 12 * MIN, value: 1 },
    { ts: 50 * MIN, value: 42 },
    { ts: 70 * MIN, value: 6 },
  ];
  const intervals = intervalsFromStates(samples, STATE_CODES_MAP, -MIN, 60 * MIN);
  assert.deepEqual(
    intervals.map((i) => [i.from / MIN, i.to / MIN, i.category, i.reason]),
    [
      [-1, 10, 'running', 'running'],
      [10, 12, 'minor_stop', 'minor_stop'],
      [12, 50, 'running', 'running'],
      [50, 60, 'offline', '42'],
    ],
  );
});

test('running bit: thresholds for microstops, minimum run and reduced speed are configurable', () => {
  const running = [
    { ts: 0, value: true },
    { ts: 30 * MIN, value: false },
    { ts: 36 * MIN, value: true },
    { ts: 36 * MIN + 5_000, value: false },
    { ts: 37 * MIN, value: true },
  ];
  const counts = [
    { ts: 30 * MIN, value: 30 },
    { ts: 60 * MIN, value: 22 },
  ];
  const strict = intervalsFromRunning(running, counts, 0, 60 * MIN, 60_000, { microstopMs: 10 * MIN, minRunMs: 10_000, reducedSpeedRatio: 0.9 });
  assert.deepEqual(strict.map((i) => [i.from / MIN, i.to / MIN, i.category]), [
    [0, 30, 'running'],
    [30, 37, 'minor_stop'],
    [37, 60, 'running'],
  ]);
  const loose = intervalsFromRunning(running, counts, 0, 60 * MIN, 60_000, { microstopMs: 5 * MIN, minRunMs: 1_000, reducedSpeedRatio: 0.99 });
  // 36:00-36:05 is now a run, without a unit: reduced speed; 22 units in 23 min < 0.99 x 23: reduced speed.
  assert.deepEqual(loose.map((i) => i.category), ['running', 'breakdown', 'reduced_speed', 'minor_stop', 'reduced_speed']);
});

test('an override splits the interval it covers part of and keeps the automatic reason', () => {
  const base = [
    { from: 0, to: 60, category: 'breakdown' as const, reason: 'breakdown', autoReason: 'breakdown' },
    { from: 60, to: 100, category: 'running' as const, reason: 'running', autoReason: 'running' },
  ];
  const out = applyOverrides(base, [{ asset: 'x', from: 20, to: 40, reason: 'waiting for crane' }]);
  assert.deepEqual(out.map((i) => [i.from, i.to, i.category, i.reason, i.autoReason, i.operatorReason]), [
    [0, 20, 'breakdown', 'breakdown', 'breakdown', undefined],
    [20, 40, 'breakdown', 'waiting for crane', 'breakdown', 'waiting for crane'],
    [40, 60, 'breakdown', 'breakdown', 'breakdown', undefined],
    [60, 100, 'running', 'running', 'running', undefined],
  ]);
  assert.deepEqual(base[0].reason, 'breakdown', 'input untouched');
});
