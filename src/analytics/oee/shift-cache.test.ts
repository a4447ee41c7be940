// ShiftCellCache: closed shifts come from the cache and equal a direct computation; late samples,
// open shifts, cut-off range ends and other variants are recomputed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import type { Sample } from '../../model/index.js';
import { Bus } from '../../bus/index.js';
import { computeOeeFromHistory } from './history.js';
import { groupCells } from './aggregate.js';
import { shiftPlan } from './plan-calendar.js';
import { ShiftCellCache, shiftWindows } from './shift-cache.js';
import { FakeHistorian, simulatedLine } from './testing.js';
import type { Cell } from './types.js';

const HOUR = 3_600_000;
const FROM = Date.parse('2026-11-23T05:00:00Z'); // 06:00 in Berlin: a shift boundary
const TO = FROM + 2 * 24 * HOUR;
const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'));
const { tags, samples: baseSamples } = simulatedLine(['press'], 3, FROM - HOUR, TO);
const MACHINE = 'test/site/area/line/m-1';
const assetOf = (tag: string) => tags.find((t) => t.path === tag)?.asset;

/** A historian over a sample list that can grow, counting queries. */
function source(samples: Sample[]) {
  const state = { queries: 0, historian: new FakeHistorian(samples) };
  const compute = async (f: number, t: number): Promise<Cell[]> => {
    const before = state.historian.queries.length;
    const cells = (await computeOeeFromHistory(state.historian, MACHINE, tags, f, t, { plan, lookBackMs: HOUR })).cells;
    state.queries += state.historian.queries.length - before;
    return cells;
  };
  return { state, compute, reset: (next: Sample[]) => (state.historian = new FakeHistorian(next)) };
}

const byShift = (cells: Cell[]) => groupCells(cells, 'shift').map((g) => [g.key, g.totals]);

test('shiftWindows tiles a range into shift windows and marks cut-off ends incomplete', () => {
  const windows = shiftWindows(plan, FROM + HOUR, FROM + 17 * HOUR);
  assert.deepEqual(
    windows.map((w) => [w.shift, (w.start - FROM) / HOUR, (w.end - FROM) / HOUR, w.complete]),
    [['early', 1, 8, false], ['late', 8, 16, true], ['night', 16, 17, false]],
  );
  assert.equal(shiftWindows(plan, FROM, TO).filter((w) => w.complete).length, 6);
});

test('shiftWindows remembers slots: windows asked in any order equal those of a fresh calendar', () => {
  const memoised = shiftPlan(new ShiftCalendar('Europe/Berlin', { breakMinutes: 45 }));
  const ranges: Array<[number, number]> = [[FROM + 5 * HOUR, FROM + 30 * HOUR], [FROM - 50 * HOUR, FROM + 90 * HOUR], [FROM + 7 * HOUR + 123, FROM + 8 * HOUR + 1]];
  for (const [from, to] of [...ranges, ...ranges.reverse()]) {
    const fresh = shiftWindows(shiftPlan(new ShiftCalendar('Europe/Berlin', { breakMinutes: 45 })), from, to);
    assert.deepEqual(shiftWindows(memoised, from, to), fresh);
  }
});

test('a second report reads closed shifts from the cache, with no historian query, and equals the direct computation', async () => {
  const { state, compute } = source(baseSamples);
  const expected = byShift(await compute(FROM, TO));
  const cache = new ShiftCellCache({ now: () => TO + HOUR });
  assert.deepEqual(byShift(await cache.cells(MACHINE, FROM, TO, plan, '', compute)), expected);
  assert.equal(cache.shifts, 6);
  state.queries = 0;
  assert.deepEqual(byShift(await cache.cells(MACHINE, FROM, TO, plan, '', compute)), expected);
  assert.equal(state.queries, 0, 'no historian query for cached shifts');
  assert.equal(cache.stats.hits, 6);
});

test('range ends inside a shift are computed every time; the closed shifts between come from the cache', async () => {
  const { state, compute } = source(baseSamples);
  const from = FROM + 3 * HOUR;
  const to = TO - 2 * HOUR;
  const expected = byShift(await compute(from, to));
  const cache = new ShiftCellCache({ now: () => TO + HOUR });
  await cache.cells(MACHINE, from, to, plan, '', compute);
  assert.equal(cache.shifts, 4, 'the two cut-off shifts are not kept');
  state.queries = 0;
  assert.deepEqual(byShift(await cache.cells(MACHINE, from, to, plan, '', compute)), expected);
  assert.ok(state.queries > 0, 'the cut-off ends were read again');
});

test('shifts that ended less than settleMs ago are not kept', async () => {
  const { compute } = source(baseSamples);
  const cache = new ShiftCellCache({ now: () => TO - 8 * HOUR + 30_000, settleMs: 60_000 });
  await cache.cells(MACHINE, FROM, TO, plan, '', compute);
  assert.equal(cache.shifts, 4, 'the shift that just ended and the open one are not kept');
});

test('a late sample on the bus drops the shifts it may change; the next report includes it', async () => {
  const { compute, reset } = source(baseSamples);
  const cache = new ShiftCellCache({ now: () => TO + HOUR, settleMs: 0 });
  const bus = new Bus<Sample>();
  cache.attach(bus, assetOf);
  const before = byShift(await cache.cells(MACHINE, FROM, TO, plan, '', compute));
  // A breakdown reported late, in the middle of the second day's late shift.
  const late: Sample = { tag: `${MACHINE}/state`, ts: FROM + 24 * HOUR + 12 * HOUR, value: 6, quality: 'good', historical: true };
  const updated = [...baseSamples, late];
  reset(updated);
  bus.publish(late.tag, late);
  await bus.idle();
  assert.equal(cache.stats.lateSamples, 1);
  assert.equal(cache.shifts, 4, 'the late and night shifts of day 2 are dropped, earlier ones kept');
  const after = byShift(await cache.cells(MACHINE, FROM, TO, plan, '', compute));
  assert.deepEqual(after, byShift(await compute(FROM, TO)));
  assert.notDeepEqual(after, before, 'the late breakdown shows');
  // Samples after the cached shifts (live data) invalidate nothing.
  bus.publish(late.tag, { ...late, ts: TO + 1, historical: false });
  await bus.idle();
  assert.equal(cache.stats.lateSamples, 1);
});

test('another variant (e.g. operator reasons) is recomputed, not served from the cache', async () => {
  const { state, compute } = source(baseSamples);
  const cache = new ShiftCellCache({ now: () => TO + HOUR });
  await cache.cells(MACHINE, FROM, TO, plan, 'a', compute);
  state.queries = 0;
  await cache.cells(MACHINE, FROM, TO, plan, 'b', compute);
  assert.ok(state.queries > 0);
});

test('cached cells are frozen: a caller cannot change what later requests get', async () => {
  const { compute } = source(baseSamples);
  const cache = new ShiftCellCache({ now: () => TO + HOUR });
  await cache.cells(MACHINE, FROM, TO, plan, '', compute);
  const [cell] = await cache.cells(MACHINE, FROM, TO, plan, '', compute);
  assert.throws(() => {
    cell.totals.good += 1;
  }, TypeError);
  assert.throws(() => {
    cell.totals.stateMs.running = 0;
  }, TypeError);
});

test('a snapshot through JSON restores the closed shifts: a restarted cache answers without a historian query, and late data still drops them', async () => {
  const { state, compute } = source(baseSamples);
  const expected = byShift(await compute(FROM, TO));
  const first = new ShiftCellCache({ now: () => TO + HOUR });
  await first.cells(MACHINE, FROM, TO, plan, 'v1', compute);
  const snapshot = JSON.parse(JSON.stringify(first.snapshot()));

  const restarted = new ShiftCellCache({ now: () => TO + HOUR });
  assert.equal(restarted.restore(snapshot), 6);
  const before = state.queries;
  assert.deepEqual(byShift(await restarted.cells(MACHINE, FROM, TO, plan, 'v1', compute)), expected);
  assert.equal(state.queries, before, 'no historian query after the restore');

  // Another variant (other tags, plans or options) recomputes; a late sample drops the restored shifts after it.
  await restarted.cells(MACHINE, FROM, TO, plan, 'v2', compute);
  assert.ok(state.queries > before);
  const fresh = new ShiftCellCache({ now: () => TO + HOUR });
  fresh.restore(snapshot);
  fresh.observe([{ tag: `${MACHINE}/state`, ts: FROM + 30 * HOUR, value: 1, quality: 'good' }], assetOf);
  assert.equal(fresh.shifts, 3, 'the three shifts ending before the late sample stay');

  assert.equal(new ShiftCellCache().restore({ version: 99, assets: snapshot.assets }), 0, 'another version is ignored');
  assert.equal(new ShiftCellCache().restore(JSON.parse('{"version":1,"assets":{"x":[{"start":"a"}]}}')), 0, 'malformed shifts are skipped');
});
