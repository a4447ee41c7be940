// Hand-computed scenarios: every one is checked in both conventions (ISO 22400-2 and Nakajima),
// components and product. Times are UTC on Thursday 2026-11-26; shifts 06-14, 14-22, 22-06 with a
// 30-minute break in the middle (09:45, 17:45, 01:45) unless a scenario says otherwise. PRI in s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { computeOeeFromHistory, type HistoryOptions } from './history.js';
import { oeeReport, type OeeReport } from './kpis.js';
import { groupCells, sumCells } from './aggregate.js';
import { continuousPlan, shiftPlan, type PlanCalendar } from './plan-calendar.js';
import { FakeHistorian, machineTags, Script } from './testing.js';
import type { TagDefinition } from '../../model/index.js';

const LINE = 'acme/berlin/machining/line-1';
const M1 = `${LINE}/m1`;
const M2 = `${LINE}/m2`;
const MIN = 60_000;
const STANDARD = shiftPlan(new ShiftCalendar('UTC'));
const NO_BREAKS = shiftPlan(new ShiftCalendar('UTC', { breakMinutes: 0 }));

interface Run {
  report: OeeReport;
  result: Awaited<ReturnType<typeof computeOeeFromHistory>>;
}

async function run(script: Script, from: string, to: string, options: Partial<HistoryOptions> & { plan?: PlanCalendar; tags?: TagDefinition[] } = {}): Promise<Run> {
  const historian = new FakeHistorian(script.samples);
  const result = await computeOeeFromHistory(historian, script.asset, options.tags ?? machineTags(script.asset), script.t(from), script.t(to), { plan: STANDARD, ...options });
  return { result, report: oeeReport(sumCells(result.cells)) };
}

function near(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) return assert.equal(actual, null, what);
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

interface Expected {
  /** Minutes. */
  PBT: number;
  APT: number;
  iso: [availability: number, effectiveness: number, quality: number];
  nakajima: [availability: number, performance: number, quality: number];
  oee: number;
}

/** Checks components and product in both conventions. */
function expectBoth(report: OeeReport, e: Expected): void {
  near(report.timeElements.PBT, e.PBT * MIN, 'PBT');
  near(report.timeElements.APT, e.APT * MIN, 'APT');
  near(report.iso.availability, e.iso[0], 'ISO availability');
  near(report.iso.effectiveness, e.iso[1], 'ISO effectiveness');
  near(report.iso.qualityRatio, e.iso[2], 'ISO quality ratio');
  near(report.iso.oee, e.oee, 'ISO OEE');
  near(report.nakajima.availability, e.nakajima[0], 'Nakajima availability');
  near(report.nakajima.performance, e.nakajima[1], 'Nakajima performance');
  near(report.nakajima.quality, e.nakajima[2], 'Nakajima quality');
  near(report.nakajima.oee, e.oee, 'Nakajima OEE');
}

function losses(report: OeeReport): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(report.waterfall.steps.map((s) => [s.loss, s.ms / MIN]));
  out.good = report.waterfall.goodMs / MIN;
  return out;
}

const kpi = (report: OeeReport, id: string) => report.kpis.find((k) => k.id === id)?.value;

/** S1: minor stop and breakdown in the early shift; the state tag reports the planned break. */
function s1(): Script {
  return new Script(M1)
    .product('05:00', 'p60', 60)
    .order('05:00', 'JO-1')
    .counts('05:00', 1000, 50)
    .state('06:00', 'running')
    .state('09:00', 'minor_stop')
    .counts('09:00', 1170, 55)
    .state('09:10', 'running')
    .state('09:45', 'planned_break')
    .state('10:15', 'running')
    .state('12:00', 'breakdown')
    .counts('12:00', 1300, 58)
    .state('13:00', 'running')
    .counts('14:00', 1360, 60);
}

test('S1 microstop and breakdown: minor stop in ADET (ISO availability) but in Nakajima performance', async () => {
  const { report } = await run(s1(), '06:00', '14:00');
  // POT 480, break 30 -> PBT 450; APT 180 + 35 + 105 + 60 = 380; ADET = 10 minor + 60 breakdown.
  near(report.timeElements.POT, 480 * MIN, 'POT');
  near(report.timeElements.PDT, 30 * MIN, 'PDT');
  near(report.timeElements.ADET, 70 * MIN, 'ADET');
  assert.deepEqual([report.quantities.GQ, report.quantities.SQ, report.quantities.PQ], [360, 10, 370]);
  expectBoth(report, { PBT: 450, APT: 380, iso: [380 / 450, 370 / 380, 360 / 370], nakajima: [390 / 450, 370 / 390, 360 / 370], oee: 360 / 450 });
  assert.deepEqual(losses(report), {
    planned_downtime: 30, no_order: 0, breakdowns: 60, setup_adjustment: 0, minor_stops: 10, reduced_speed: 10, startup_rejects: 0, production_rejects: 10, good: 360,
  });
  near(report.teep, (360 / 450) * (450 / 480), 'TEEP');
  assert.equal(report.quantities.failures, 1);
  near(kpi(report, 'mtbf') ?? null, 380 / 60, 'MTBF h');
  near(kpi(report, 'mttr') ?? null, 1, 'MTTR h');
  near(kpi(report, 'technical_efficiency') ?? null, 380 / 450, 'technical efficiency');
  near(kpi(report, 'corrective_maintenance_ratio') ?? null, 1, 'corrective maintenance ratio');
});

test('S2 a planned break crossing a shift boundary (13:45-14:15) is split between the shifts', async () => {
  const script = new Script(M1)
    .product('11:00', 'p60', 60)
    .order('11:00', 'JO-2')
    .counts('11:00', 0, 0)
    .state('12:00', 'running')
    .state('13:45', 'planned_break')
    .counts('13:45', 100, 0)
    .state('14:15', 'running')
    .counts('16:00', 200, 0);
  const plan = shiftPlan(new ShiftCalendar('UTC', { breakMinutes: 0 }), [{ start: script.t('13:45'), end: script.t('14:15') }]);
  const { report, result } = await run(script, '12:00', '16:00', { plan });
  expectBoth(report, { PBT: 210, APT: 210, iso: [1, 200 / 210, 1], nakajima: [1, 200 / 210, 1], oee: 200 / 210 });
  const byShift = groupCells(result.cells, 'shift').map((g) => ({ key: g.key, r: oeeReport(g.totals) }));
  assert.deepEqual(byShift.map((g) => g.key), ['2026-11-26 early', '2026-11-26 late']);
  for (const { r } of byShift) {
    near(r.timeElements.POT, 120 * MIN, 'POT per shift');
    near(r.timeElements.PDT, 15 * MIN, 'break half per shift');
    expectBoth(r, { PBT: 105, APT: 105, iso: [1, 100 / 105, 1], nakajima: [1, 100 / 105, 1], oee: 100 / 105 });
  }
});

test('S3 speed loss: reduced speed is production time (APT); the loss shows in effectiveness / performance', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .counts('05:00', 0, 0)
    .state('06:00', 'running')
    .state('09:45', 'planned_break')
    .state('10:15', 'running')
    .state('12:00', 'reduced_speed')
    .counts('14:00', 300, 0);
  const { report } = await run(script, '06:00', '14:00');
  expectBoth(report, { PBT: 450, APT: 450, iso: [1, 300 / 450, 1], nakajima: [1, 300 / 450, 1], oee: 300 / 450 });
  assert.equal(losses(report).reduced_speed, 150);
  near(report.iso.nee, 300 / 450, 'NEE = AUPT/PBT x E x Q');
});

test('S4 setup with a product change mid-shift and start-up scrap (late shift)', async () => {
  const script = new Script(M1)
    .product('13:00', 'A', 60)
    .counts('13:00', 0, 0)
    .order('14:00', 'JO-4')
    .state('14:00', 'running')
    .counts('16:00', 110, 0)
    .product('16:00', 'B', 30)
    .order('16:00', 'JO-5')
    .state('16:00', 'setup')
    .state('16:30', 'running')
    .counts('16:40', 110, 10)
    .state('17:45', 'planned_break')
    .counts('17:45', 240, 10)
    .state('18:15', 'running')
    .counts('22:00', 670, 15);
  const { report, result } = await run(script, '14:00', '22:00');
  // Ideal time: A 110 x 1 min + B 575 x 0.5 min = 397.5 min.
  near(report.timeElements.ASUT, 30 * MIN, 'ASUT');
  near(report.quantities.idealMs, 397.5 * MIN, 'PRI x PQ');
  assert.equal(report.quantities.startupSQ, 10);
  const oee = (397.5 / 450) * (670 / 685);
  expectBoth(report, { PBT: 450, APT: 420, iso: [420 / 450, 397.5 / 420, 670 / 685], nakajima: [420 / 450, 397.5 / 420, 670 / 685], oee });
  near(kpi(report, 'setup_rate') ?? null, 30 / 450, 'setup rate');
  assert.deepEqual(losses(report), {
    planned_downtime: 30, no_order: 0, breakdowns: 0, setup_adjustment: 30, minor_stops: 0, reduced_speed: 22.5, startup_rejects: 5, production_rejects: 2.5, good: 390,
  });
  const byProduct = Object.fromEntries(groupCells(result.cells, 'product').map((g) => [g.key, oeeReport(g.totals)]));
  assert.deepEqual(Object.keys(byProduct), ['A', 'B']);
  expectBoth(byProduct.A, { PBT: 120, APT: 120, iso: [1, 110 / 120, 1], nakajima: [1, 110 / 120, 1], oee: 110 / 120 });
  expectBoth(byProduct.B, {
    PBT: 330, APT: 300, iso: [300 / 330, 287.5 / 300, 560 / 575], nakajima: [300 / 330, 287.5 / 300, 560 / 575], oee: (287.5 / 330) * (560 / 575),
  });
  const byOrder = groupCells(result.cells, 'order').map((g) => g.key);
  assert.deepEqual(byOrder, ['JO-4', 'JO-5']);
});

test('S5 scrap and rework: PQ = GQ + SQ + RQ; quality, scrap, rework ratios, first pass yield, energy per unit', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .counts('05:00', 0, 0)
    .rework('05:00', 0)
    .energy('05:00', 100)
    .state('06:00', 'running')
    .state('09:45', 'planned_break')
    .state('10:15', 'running')
    .counts('14:00', 400, 20)
    .rework('14:00', 30)
    .energy('14:00', 145);
  const { report } = await run(script, '06:00', '14:00', { tags: machineTags(M1, { rework: true, energy: true }) });
  assert.deepEqual([report.quantities.PQ, report.quantities.GQ, report.quantities.SQ, report.quantities.RQ], [450, 400, 20, 30]);
  expectBoth(report, { PBT: 450, APT: 450, iso: [1, 1, 400 / 450], nakajima: [1, 1, 400 / 450], oee: 400 / 450 });
  near(kpi(report, 'scrap_ratio') ?? null, 20 / 450, 'scrap ratio');
  near(kpi(report, 'rework_ratio') ?? null, 30 / 450, 'rework ratio');
  near(kpi(report, 'first_pass_yield') ?? null, 400 / 450, 'first pass yield');
  near(kpi(report, 'comprehensive_energy_consumption') ?? null, 45 / 450, 'kWh per unit');
  assert.equal(losses(report).production_rejects, 50);
  assert.ok(!report.missing.some((m) => m.id === 'rework_ratio' || m.id === 'comprehensive_energy_consumption'));
});

test('S6 counter rollover: a 16-bit counter (tag max 65535) wraps between two readings', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .state('06:00', 'running')
    .counts('06:00', 65_500, 0)
    .counts('07:00', 24, 2)
    .counts('08:00', 84, 5)
    .counts('09:00', 134, 10);
  const { report, result } = await run(script, '06:00', '09:00', { tags: machineTags(M1, { counterMax: 65_535 }) });
  assert.deepEqual([report.quantities.GQ, report.quantities.SQ], [170, 10]);
  assert.equal(result.counterStats.good_count.wraps, 1);
  expectBoth(report, { PBT: 180, APT: 180, iso: [1, 1, 170 / 180], nakajima: [1, 1, 170 / 180], oee: 170 / 180 });
});

test('S7 counter reset: a drop to near zero counts the new reading, not a wrap', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .state('06:00', 'running')
    .counts('06:00', 5000, 0)
    .counts('07:00', 5060, 0)
    .counts('07:30', 3, 0)
    .counts('09:00', 93, 0);
  const { report, result } = await run(script, '06:00', '09:00', { tags: machineTags(M1, { counterMax: 65_535 }) });
  assert.equal(report.quantities.GQ, 60 + 3 + 90);
  assert.equal(result.counterStats.good_count.resets, 1);
  assert.equal(result.counterStats.good_count.wraps, 0);
  expectBoth(report, { PBT: 180, APT: 180, iso: [1, 153 / 180, 1], nakajima: [1, 153 / 180, 1], oee: 153 / 180 });
});

test('S8 an order spanning two shifts, then idle without an order (ADOT)', async () => {
  const script = new Script(M1)
    .product('11:00', 'p60', 60)
    .counts('11:00', 0, 0)
    .order('12:00', 'JO-8')
    .state('12:00', 'running')
    .counts('14:00', 120, 0)
    .counts('16:00', 240, 0)
    .state('16:00', 'idle')
    .order('16:00', '');
  const { report, result } = await run(script, '12:00', '17:00', { plan: NO_BREAKS });
  near(report.timeElements.ADOT, 60 * MIN, 'ADOT');
  near(report.timeElements.AUBT, 240 * MIN, 'AUBT');
  expectBoth(report, { PBT: 300, APT: 240, iso: [0.8, 1, 1], nakajima: [0.8, 1, 1], oee: 0.8 });
  near(kpi(report, 'allocation_efficiency') ?? null, 0.8, 'allocation efficiency');
  const order = oeeReport(groupCells(result.cells, 'order').find((g) => g.key === 'JO-8')!.totals);
  near(order.timeElements.AOET, 240 * MIN, 'AOET of the order across both shifts');
  near(kpi(order, 'throughput_rate') ?? null, 60, 'units per hour');
  near(kpi(order, 'allocation_ratio') ?? null, 1, 'AUBT / AOET');
  expectBoth(order, { PBT: 240, APT: 240, iso: [1, 1, 1], nakajima: [1, 1, 1], oee: 1 });
  const shifts = groupCells(result.cells, 'shift').map((g) => ({ key: g.key, r: oeeReport(g.totals) }));
  assert.deepEqual(shifts.map((s) => s.key), ['2026-11-26 early', '2026-11-26 late']);
  expectBoth(shifts[0].r, { PBT: 120, APT: 120, iso: [1, 1, 1], nakajima: [1, 1, 1], oee: 1 });
  expectBoth(shifts[1].r, { PBT: 180, APT: 120, iso: [120 / 180, 1, 1], nakajima: [120 / 180, 1, 1], oee: 120 / 180 });
});

test('S9 an asset offline for an hour in planned time: unplanned delay (ADET), a breakdown-type loss', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .counts('06:00', 0, 0)
    .state('06:00', 'running')
    .counts('07:00', 60, 0)
    .state('07:00', 'offline')
    .state('08:00', 'running')
    .counts('09:00', 120, 0);
  const { report } = await run(script, '06:00', '09:00');
  near(report.timeElements.ADET, 60 * MIN, 'ADET');
  expectBoth(report, { PBT: 180, APT: 120, iso: [2 / 3, 1, 1], nakajima: [2 / 3, 1, 1], oee: 2 / 3 });
  assert.equal(losses(report).breakdowns, 60);
});

test('S9b a silent asset is offline all along; on an off day nothing is planned', async () => {
  const silent = (await run(new Script(M1), '06:00', '09:00')).report;
  near(silent.timeElements.PBT, 180 * MIN, 'PBT');
  near(silent.timeElements.ADET, 180 * MIN, 'offline is unplanned delay');
  near(silent.iso.availability, 0, 'ISO availability');
  near(silent.nakajima.availability, 0, 'Nakajima availability');
  for (const v of [silent.iso.effectiveness, silent.iso.qualityRatio, silent.iso.oee, silent.nakajima.performance, silent.nakajima.oee]) assert.equal(v, null);
  assert.ok(silent.missing.some((m) => m.id === 'effectiveness'), 'no PRI: effectiveness listed as missing');

  // 2026-11-26 is a Thursday (weekday 4): an off day. The machine runs anyway: outside the plan.
  const script = new Script(M1).product('05:00', 'p60', 60).counts('06:00', 0, 0).state('06:00', 'running').counts('09:00', 180, 0);
  const offDay = (await run(script, '06:00', '09:00', { plan: shiftPlan(new ShiftCalendar('UTC', { offDays: [4] })) })).report;
  near(offDay.timeElements.POT, 0, 'POT');
  near(offDay.timeElements.outsidePlan, 180 * MIN, 'worked outside the plan');
  assert.equal(offDay.iso.oee, null);
  assert.equal(offDay.nakajima.oee, null);
  assert.equal(offDay.teep, null);
});

test('S10 a line of two machines: sums first, ratios after (not the mean of the machines)', async () => {
  const m1 = new Script(M1).product('05:00', 'p60', 60).counts('06:00', 0, 0).state('06:00', 'running').counts('09:00', 180, 0);
  const m2 = new Script(M2).product('05:00', 'p30', 30).counts('06:00', 0, 0).state('06:00', 'running').state('08:00', 'starved').counts('08:00', 180, 20);
  const historian = new FakeHistorian([...m1.samples, ...m2.samples]);
  const tags = [...machineTags(M1), ...machineTags(M2)];
  const cells = [];
  const perMachine: OeeReport[] = [];
  for (const m of [M1, M2]) {
    const r = await computeOeeFromHistory(historian, m, tags, m1.t('06:00'), m1.t('09:00'), { plan: STANDARD });
    cells.push(...r.cells);
    perMachine.push(oeeReport(sumCells(r.cells)));
  }
  expectBoth(perMachine[0], { PBT: 180, APT: 180, iso: [1, 1, 1], nakajima: [1, 1, 1], oee: 1 });
  expectBoth(perMachine[1], { PBT: 180, APT: 120, iso: [120 / 180, 100 / 120, 0.9], nakajima: [1, 100 / 180, 0.9], oee: 0.5 });
  const line = groupCells(cells, 'line');
  assert.deepEqual(line.map((g) => g.key), [LINE]);
  const report = oeeReport(line[0].totals);
  expectBoth(report, { PBT: 360, APT: 300, iso: [300 / 360, 280 / 300, 360 / 380], nakajima: [1, 280 / 360, 360 / 380], oee: 280 / 380 });
  assert.notEqual(report.iso.oee, (1 + 0.5) / 2);
});

test('S11 the night shift crosses midnight, with a planned break across midnight (23:45-00:15)', async () => {
  const script = new Script(M1)
    .product('21:00', 'p60', 60)
    .counts('21:00', 0, 0)
    .state('22:00', 'running')
    .state('23:45', 'planned_break')
    .counts('2026-11-27 00:00', 100, 0)
    .state('2026-11-27 00:15', 'running')
    .state('2026-11-27 03:00', 'breakdown')
    .state('2026-11-27 03:30', 'running')
    .counts('2026-11-27 06:00', 400, 0);
  const plan = shiftPlan(new ShiftCalendar('UTC', { breakMinutes: 0 }), [{ start: script.t('23:45'), end: script.t('2026-11-27 00:15') }]);
  const { report, result } = await run(script, '22:00', '2026-11-27 06:00', { plan });
  near(report.timeElements.PDT, 30 * MIN, 'PDT');
  expectBoth(report, { PBT: 450, APT: 420, iso: [420 / 450, 400 / 420, 1], nakajima: [420 / 450, 400 / 420, 1], oee: 400 / 450 });
  assert.deepEqual(groupCells(result.cells, 'day').map((g) => g.key), ['2026-11-26'], 'a night shift belongs to the day it starts');
  assert.deepEqual(groupCells(result.cells, 'shift').map((g) => g.key), ['2026-11-26 night']);
  assert.deepEqual(groupCells(result.cells, 'week').map((g) => g.key), ['2026-W48']);
});

test('S12 running through the calendar break counts as production; a breakdown inside it is planned downtime', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .counts('06:00', 0, 0)
    .state('06:00', 'running')
    .state('10:00', 'breakdown')
    .state('10:30', 'running')
    .counts('14:00', 450, 0);
  const { report } = await run(script, '06:00', '14:00');
  near(report.timeElements.PDT, 15 * MIN, 'PDT (10:00-10:15)');
  near(report.timeElements.ADET, 15 * MIN, 'ADET (10:15-10:30)');
  expectBoth(report, { PBT: 465, APT: 450, iso: [450 / 465, 1, 1], nakajima: [450 / 465, 1, 1], oee: 450 / 465 });
  near(kpi(report, 'mttr') ?? null, 0.25, 'MTTR counts the breakdown inside planned busy time');
});

test('S13 an operator reason overrides the automatic one: a breakdown re-booked as changeover', async () => {
  const script = s1();
  const overrides = [{ asset: M1, from: script.t('12:00'), to: script.t('13:00'), reason: 'changeover', category: 'setup' as const }];
  const { report, result } = await run(script, '06:00', '14:00', { overrides });
  near(report.timeElements.ASUT, 60 * MIN, 'ASUT');
  near(report.timeElements.ADET, 10 * MIN, 'ADET');
  assert.equal(report.quantities.failures, 0);
  expectBoth(report, { PBT: 450, APT: 380, iso: [380 / 450, 370 / 380, 360 / 370], nakajima: [390 / 450, 370 / 390, 360 / 370], oee: 360 / 450 });
  const overridden = result.intervals.find((i) => i.operatorReason !== undefined)!;
  assert.deepEqual(overridden, { from: script.t('12:00'), to: script.t('13:00'), category: 'setup', reason: 'changeover', autoReason: 'breakdown', operatorReason: 'changeover' });
  // Overrides of other assets do nothing.
  const other = await run(s1(), '06:00', '14:00', { overrides: [{ ...overrides[0], asset: M2 }] });
  near(other.report.timeElements.ASUT, 0, 'ASUT untouched');
});

test('S14 running bit and count rate (no state tag): microstop, breakdown, reduced speed derived', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .counts('05:00', 0, 0)
    .running('06:00', true)
    .running('08:00', false)
    .counts('08:00', 120, 0)
    .running('08:02', true)
    .running('09:00', false)
    .counts('09:00', 178, 0)
    .running('09:30', true)
    .counts('11:00', 223, 0);
  const { report, result } = await run(script, '06:00', '11:00', { plan: continuousPlan(), tags: machineTags(M1, { stateTag: false }) });
  assert.equal(result.stateSource, 'running');
  assert.deepEqual(result.intervals.map((i) => [i.category, (i.to - i.from) / MIN]), [
    ['running', 120], ['minor_stop', 2], ['running', 58], ['breakdown', 30], ['reduced_speed', 90],
  ]);
  expectBoth(report, { PBT: 300, APT: 268, iso: [268 / 300, 223 / 268, 1], nakajima: [270 / 300, 223 / 270, 1], oee: 223 / 300 });
});

test('S5b energy read per minute from a rollup gives the same energy per unit as raw readings', async () => {
  const script = new Script(M1).product('05:00', 'p60', 60).counts('06:00', 0, 0).state('06:00', 'running').counts('09:00', 180, 0);
  for (let m = 0; m <= 180; m++) script.energy(script.t('06:00') + m * MIN - 7_000, 100 + m * 0.5);
  const tags = machineTags(M1, { energy: true });
  const raw = await run(script, '06:00', '09:00', { tags });
  const rolled = await run(script, '06:00', '09:00', { tags, energyBucketMs: MIN });
  near(raw.report.quantities.energy, 90, 'raw kWh');
  near(rolled.report.quantities.energy, 90, 'rollup kWh');
  near(kpi(rolled.report, 'comprehensive_energy_consumption') ?? null, 0.5, 'kWh per unit');
});

test('S15 planned maintenance is planned downtime (PMT); the corrective maintenance ratio weighs it against breakdowns', async () => {
  const script = new Script(M1)
    .product('05:00', 'p60', 60)
    .counts('06:00', 0, 0)
    .state('06:00', 'running')
    .counts('07:00', 60, 0)
    .state('07:00', 'planned_maintenance')
    .state('09:00', 'running')
    .counts('09:45', 105, 0)
    .state('09:45', 'planned_break')
    .state('10:15', 'running')
    .counts('12:00', 210, 0)
    .state('12:00', 'breakdown')
    .state('12:30', 'running')
    .counts('14:00', 300, 0);
  const { report } = await run(script, '06:00', '14:00');
  near(report.timeElements.PDT, 150 * MIN, 'PDT = maintenance 120 + break 30');
  near(report.timeElements.PMT, 120 * MIN, 'PMT');
  near(report.timeElements.CMT, 30 * MIN, 'CMT');
  expectBoth(report, { PBT: 330, APT: 300, iso: [300 / 330, 1, 1], nakajima: [300 / 330, 1, 1], oee: 300 / 330 });
  near(kpi(report, 'corrective_maintenance_ratio') ?? null, 0.2, 'CMT / (CMT + PMT)');
  near(report.teep, 300 / 480, 'TEEP = OEE x PBT / calendar');
  near(kpi(report, 'equipment_load_ratio') ?? null, 300 / 480, 'PRI x PQ / POT');
});

test('a running bit is not read when the machine has a state tag (it would not be used)', async () => {
  const historian = new FakeHistorian(s1().samples);
  await computeOeeFromHistory(historian, M1, machineTags(M1), s1().t('06:00'), s1().t('14:00'), { plan: STANDARD });
  const read = historian.queries.map((q) => q.tag.split('/').pop());
  assert.ok(read.includes('state'));
  assert.ok(!read.includes('running'), `read ${read.join(', ')}`);
  const bitOnly = new FakeHistorian([]);
  await computeOeeFromHistory(bitOnly, M1, machineTags(M1, { stateTag: false }), s1().t('06:00'), s1().t('14:00'), { plan: STANDARD });
  assert.ok(bitOnly.queries.some((q) => q.tag.endsWith('/running')));
});
