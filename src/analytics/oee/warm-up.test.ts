// ShiftWarmUp: a pass computes every closed shift of the recent past into the cache (then a report
// over it reads nothing), yields to the event loop between steps, and a later pass adds the shifts
// that closed since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import { groupCells } from './aggregate.js';
import { shiftPlan } from './plan-calendar.js';
import { machineCellsFor } from './routes.js';
import { ShiftCellCache, shiftWindows } from './shift-cache.js';
import { FakeHistorian, machineTags, Script } from './testing.js';
import type { Cell } from './types.js';
import { ShiftWarmUp } from './warm-up.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MACHINES = ['test/site/area/line/m-1', 'test/site/area/line/m-2'];
const plan = shiftPlan(new ShiftCalendar('UTC'));
const tags = MACHINES.flatMap((m) => machineTags(m));

/** Three days of two machines: running with an hourly breakdown of 10 min, counting every minute. */
function history(): FakeHistorian {
  const samples = MACHINES.flatMap((machine, k) => {
    const script = new Script(machine, '2026-11-23');
    for (let minute = 0; minute < 3 * 24 * 60; minute++) {
      const ts = script.t('00:00') + minute * 60_000;
      // Product and order are re-sent hourly, as machines do: a shift computed alone finds them in its look-back.
      if (minute % 60 === 0) script.product(ts, 'p60', 60).order(ts, 'JO-1');
      if (minute % 60 === 20 + k) script.state(ts, 'breakdown');
      else if (minute % 60 === 30 + k || minute === 0) script.state(ts, 'running');
      script.counts(ts, minute % 60 >= 20 + k && minute % 60 < 30 + k ? 0 : minute * (k + 1), 0);
    }
    return script.sorted();
  });
  return new FakeHistorian(samples);
}

const deps = (historian: FakeHistorian, cache: ShiftCellCache) => ({ historian, registry: { all: () => tags }, plant: onePlant('UTC', ['press', 'press']), planFor: () => plan, cache });
const byShift = (cells: Cell[]) => groupCells(cells, 'shift').map((g) => [g.key, g.totals]);

test('a warm-up pass computes every closed shift of the last days; a report over them then reads nothing', async () => {
  let now = Date.parse('2026-11-25T12:00:00Z');
  const historian = history();
  const cache = new ShiftCellCache({ now: () => now });
  const warmUp = new ShiftWarmUp(deps(historian, cache), { days: 2, now: () => now });
  await warmUp.pass();
  const closed = shiftWindows(plan, now - 2 * DAY, now - cache.settleMs).filter((w) => w.complete);
  assert.equal(closed.length, 5, 'late, night, early, late, night');
  assert.equal(cache.shifts, closed.length * MACHINES.length);

  const from = closed[0].start;
  const to = closed[closed.length - 1].end;
  const reads = historian.queries.length;
  const cached = machineCellsFor(deps(historian, cache));
  const cells = (await Promise.all(MACHINES.map((m) => cached(m, from, to, 2 * DAY)))).flat();
  assert.equal(historian.queries.length, reads, 'all from the cache');
  const direct = machineCellsFor({ ...deps(historian, cache), cache: undefined });
  const expected = (await Promise.all(MACHINES.map((m) => direct(m, from, to, 2 * DAY)))).flat();
  assert.deepEqual(byShift(cells), byShift(expected));
  assert.ok(cells.some((c) => c.totals.good > 0 && c.totals.stateMs.breakdown > 0));

  // Eight hours later the early shift of the 25th has closed: the next pass computes just it.
  now += 8 * HOUR;
  const before = historian.queries.length;
  await warmUp.pass();
  assert.equal(cache.shifts, (closed.length + 1) * MACHINES.length);
  assert.equal(historian.queries.length - before, MACHINES.length * 6, 'one computation per machine (state, product, order, cycle time changes; good and scrap sums)');
});

test('a warm-up pass yields to the event loop between steps, and stop() ends it early', async () => {
  const now = Date.parse('2026-11-26T00:30:00Z');
  const cache = new ShiftCellCache({ now: () => now });
  const warmUp = new ShiftWarmUp(deps(history(), cache), { days: 3, shiftsPerStep: 1, now: () => now });
  let ticks = 0;
  let ticking = true;
  const tick = () => {
    ticks++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  await warmUp.pass();
  ticking = false;
  assert.ok(warmUp.stats.steps >= 8, `${warmUp.stats.steps} steps`);
  assert.ok(ticks >= warmUp.stats.steps - 1, `other work ran between steps: ${ticks} ticks for ${warmUp.stats.steps} steps`);

  // A historian held at its first read: stop() while that step runs ends the pass after it.
  const held = history();
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached = () => undefined as void;
  const firstRead = new Promise<void>((resolve) => (reached = resolve));
  const valueChanges = held.valueChanges.bind(held);
  held.valueChanges = async (q) => {
    reached();
    await gate;
    return valueChanges(q);
  };
  const stopping = new ShiftWarmUp(deps(held, new ShiftCellCache({ now: () => now })), { days: 3, shiftsPerStep: 1, now: () => now, intervalMs: 3_600_000, startDelayMs: 0 });
  const keepAlive = setTimeout(() => undefined, 10_000); // the warm-up's timers do not hold the process
  stopping.start();
  await firstRead;
  clearTimeout(keepAlive);
  const stopped = stopping.stop();
  release();
  await stopped;
  assert.equal(stopping.stats.steps, 1, 'the step under way finished, no other started');
});
