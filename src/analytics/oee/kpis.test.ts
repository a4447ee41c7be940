import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oeeReport } from './kpis.js';
import { groupCells, isoWeek, sumCells } from './aggregate.js';
import { OeeAccumulator } from './accumulator.js';
import { continuousPlan, shiftPlan } from './plan-calendar.js';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { emptyTotals, type Cell } from './types.js';

const MIN = 60_000;

test('effectiveness may exceed 1 (faster than the ideal cycle); the speed step of the waterfall turns negative', () => {
  const acc = new OeeAccumulator({ asset: 'a/s/ar/l/m', start: 0, plan: continuousPlan() });
  acc.setIdealCycle(0, 60);
  acc.setState(0, 'running');
  acc.addUnits(60 * MIN, 66, 0, 0);
  acc.advanceTo(60 * MIN);
  const r = oeeReport(sumCells(acc.snapshot()));
  assert.ok(Math.abs(r.iso.effectiveness! - 1.1) < 1e-12);
  assert.ok(Math.abs(r.nakajima.performance! - 1.1) < 1e-12);
  assert.equal(r.waterfall.steps.find((s) => s.loss === 'reduced_speed')!.ms, -6 * MIN);
  assert.ok(Math.abs(r.iso.oee! - 1.1) < 1e-12, 'OEE = PRI x GQ / PBT, not capped');
});

test('units before the start only set baselines; units are booked under the product of the tick that made them', () => {
  const acc = new OeeAccumulator({ asset: 'm', start: 10 * MIN, plan: continuousPlan(), productPri: { a: 60, b: 30 } });
  acc.setProduct(0, 'a');
  acc.setState(0, 'running');
  acc.addUnits(5 * MIN, 5, 0, 0);
  acc.addUnits(20 * MIN, 10, 0, 0);
  acc.setProduct(20 * MIN, 'b');
  acc.addUnits(30 * MIN, 20, 0, 0);
  acc.advanceTo(30 * MIN);
  const byProduct = Object.fromEntries(groupCells(acc.snapshot(), 'product').map((g) => [g.key, g.totals]));
  assert.equal(byProduct.a.good, 10);
  assert.equal(byProduct.a.idealMs, 10 * MIN);
  assert.equal(byProduct.b.good, 20);
  assert.equal(byProduct.b.idealMs, 10 * MIN);
  assert.equal(byProduct.a.calendarMs + byProduct.b.calendarMs, 20 * MIN);
});

test('ISO weeks, including the turn of the year', () => {
  assert.equal(isoWeek('2026-11-26'), '2026-W48');
  assert.equal(isoWeek('2027-01-01'), '2026-W53');
  assert.equal(isoWeek('2025-12-29'), '2026-W01');
  assert.equal(isoWeek('2026-01-04'), '2026-W01');
  assert.equal(isoWeek('2026-01-05'), '2026-W02');
});

test('grouping by site, area, line and asset cuts the asset path; ratios come from sums', () => {
  const cell = (asset: string, apt: number, pbt: number): Cell => {
    const totals = emptyTotals();
    totals.potMs = pbt;
    totals.stateMs.running = apt;
    totals.stateMs.breakdown = pbt - apt;
    return { key: { asset, day: '2026-11-26', shift: 'early', order: '', product: '' }, totals };
  };
  const cells = [cell('e/s/a1/l1/m1', 10, 100), cell('e/s/a1/l1/m2', 90, 100), cell('e/s/a1/l2/m1', 50, 50), cell('e/s/a2/l1/m1', 0, 10)];
  assert.deepEqual(groupCells(cells, 'line').map((g) => g.key), ['e/s/a1/l1', 'e/s/a1/l2', 'e/s/a2/l1']);
  assert.deepEqual(groupCells(cells, 'area').map((g) => g.key), ['e/s/a1', 'e/s/a2']);
  assert.deepEqual(groupCells(cells, 'site').map((g) => g.key), ['e/s']);
  const line = oeeReport(groupCells(cells, 'line')[0].totals);
  assert.equal(line.iso.availability, 0.5);
  const site = oeeReport(groupCells(cells, 'site')[0].totals);
  assert.equal(site.iso.availability, 150 / 260, 'not the mean of 0.1, 0.9, 1 and 0');
});

test('an asset with a rework counter reports the rework ratio even at 0, without empty cells', () => {
  const acc = new OeeAccumulator({ asset: 'm', start: 0, plan: continuousPlan(), rework: true });
  acc.setOrder(0, 'JO-1');
  acc.setState(0, 'running');
  acc.advanceTo(MIN);
  const cells = acc.snapshot();
  assert.deepEqual(cells.map((c) => c.key.order), ['JO-1']);
  assert.equal(oeeReport(sumCells(cells)).missing.some((m) => m.id === 'rework_ratio'), false);
  const without = new OeeAccumulator({ asset: 'm', start: 0, plan: continuousPlan() });
  without.advanceTo(MIN);
  assert.equal(oeeReport(sumCells(without.snapshot())).missing.some((m) => m.id === 'rework_ratio'), true);
});

test('daylight saving: the night shift of 29 March 2026 in Berlin is 7 h of planned operation', () => {
  const acc = new OeeAccumulator({ asset: 'm', start: Date.parse('2026-03-28T21:00:00Z'), plan: shiftPlan(new ShiftCalendar('Europe/Berlin')) });
  acc.setState(Date.parse('2026-03-28T21:00:00Z'), 'running');
  acc.advanceTo(Date.parse('2026-03-29T04:00:00Z')); // 22:00 CET to 06:00 CEST
  const shifts = groupCells(acc.snapshot(), 'shift');
  assert.deepEqual(shifts.map((g) => g.key), ['2026-03-28 night']);
  const r = oeeReport(shifts[0].totals);
  assert.equal(r.timeElements.POT, 7 * 60 * MIN);
  assert.equal(r.timeElements.APT, 7 * 60 * MIN, 'running through the break is production');
});
