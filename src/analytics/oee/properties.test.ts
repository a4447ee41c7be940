// Property tests (fast-check) of the identities that must hold for any state and count stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { computeOeeFromHistory } from './history.js';
import { oeeReport } from './kpis.js';
import { groupCells, sumCells } from './aggregate.js';
import { shiftPlan } from './plan-calendar.js';
import { FakeHistorian, machineTags, Script } from './testing.js';
import { STATE_CATEGORIES, type StateCategory } from './types.js';

const M = 'acme/berlin/machining/line-1/m1';
const START = Date.parse('2026-11-26T04:00:00Z');
const PLANS = [
  shiftPlan(new ShiftCalendar('UTC')),
  shiftPlan(new ShiftCalendar('UTC', { breakMinutes: 0 }), [{ start: Date.parse('2026-11-26T13:40:00Z'), end: Date.parse('2026-11-26T14:25:00Z') }]),
  shiftPlan(new ShiftCalendar('UTC', { shiftStarts: ['07:00', '19:00'], breakMinutes: 45 })),
];
const PRODUCING = new Set<StateCategory>(['running', 'reduced_speed']);

const segment = fc.record({
  category: fc.constantFrom(...STATE_CATEGORIES),
  minutes: fc.integer({ min: 1, max: 120 }),
  /** Share of the ideal output actually made while producing. */
  rate: fc.double({ min: 0, max: 1, noNaN: true }),
  scrapShare: fc.double({ min: 0, max: 1, noNaN: true }),
});

const stream = fc.record({
  segments: fc.array(segment, { minLength: 1, maxLength: 25 }),
  priSeconds: fc.constantFrom(20, 30, 60, 90),
  plan: fc.integer({ min: 0, max: PLANS.length - 1 }),
});

type Stream = typeof stream extends fc.Arbitrary<infer T> ? T : never;

/** Builds the samples: a state per segment, cumulative counts at the end of producing segments (never above the ideal rate). */
function build(s: Stream): { script: Script; from: number; to: number } {
  const script = new Script(M).product(START - 1, 'p', s.priSeconds).counts(START, 0, 0);
  let t = START;
  let good = 0;
  let scrap = 0;
  for (const seg of s.segments) {
    script.state(t, seg.category);
    const ms = seg.minutes * 60_000;
    t += ms;
    if (PRODUCING.has(seg.category)) {
      const units = Math.floor((seg.rate * ms) / (s.priSeconds * 1000));
      const bad = Math.floor(units * seg.scrapShare);
      good += units - bad;
      scrap += bad;
      script.counts(t, good, scrap);
    }
  }
  return { script, from: START, to: t };
}

async function reportOf(s: Stream) {
  const { script, from, to } = build(s);
  const result = await computeOeeFromHistory(new FakeHistorian(script.samples), M, machineTags(M), from, to, { plan: PLANS[s.plan] });
  return { result, report: oeeReport(sumCells(result.cells)) };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

test('ISO OEE = PRI x GQ / PBT, and Nakajima OEE equals ISO OEE (loading time = PBT)', async () => {
  await fc.assert(
    fc.asyncProperty(stream, async (s) => {
      const { report } = await reportOf(s);
      const e = report.timeElements;
      if (report.iso.oee === null) {
        // Undefined only without planned busy time, production time or units.
        assert.ok(e.PBT === 0 || e.APT === 0 || report.quantities.PQ === 0);
        return;
      }
      assert.ok(close(report.iso.oee, (s.priSeconds * 1000 * report.quantities.GQ) / e.PBT), 'ISO OEE = PRI x GQ / PBT');
      assert.ok(report.nakajima.oee !== null && close(report.nakajima.oee, report.iso.oee), 'Nakajima = ISO');
      assert.ok(close(report.iso.availability! * report.iso.effectiveness!, (s.priSeconds * 1000 * report.quantities.PQ) / e.PBT), 'A x E = PRI x PQ / PBT');
    }),
    { numRuns: 150 },
  );
});

test('components are in [0, 1] (effectiveness excepted), in both conventions', async () => {
  await fc.assert(
    fc.asyncProperty(stream, async (s) => {
      const { report } = await reportOf(s);
      const inUnit = (v: number | null, what: string) => assert.ok(v === null || (v >= -1e-12 && v <= 1 + 1e-12), `${what} = ${v}`);
      inUnit(report.iso.availability, 'ISO availability');
      inUnit(report.iso.qualityRatio, 'quality ratio');
      inUnit(report.iso.oee, 'ISO OEE');
      inUnit(report.iso.nee, 'NEE');
      inUnit(report.nakajima.availability, 'Nakajima availability');
      inUnit(report.nakajima.performance, 'Nakajima performance');
      inUnit(report.nakajima.oee, 'Nakajima OEE');
      inUnit(report.teep, 'TEEP');
    }),
    { numRuns: 150 },
  );
});

test('time elements nest and the loss waterfall sums to planned operation time', async () => {
  await fc.assert(
    fc.asyncProperty(stream, async (s) => {
      const { report, result } = await reportOf(s);
      const e = report.timeElements;
      assert.equal(e.PBT, e.ADOT + e.ADET + e.ASUT + e.APT, 'PBT = ADOT + ADET + ASUT + APT');
      assert.equal(e.AUBT, e.AUPT + e.ADET, 'AUBT = AUPT + ADET');
      assert.equal(e.POT, e.PBT + e.PDT, 'POT = PBT + PDT');
      assert.equal(e.calendar, build(s).to - START, 'calendar time is the range');
      const sum = report.waterfall.steps.reduce((a, step) => a + step.ms, 0) + report.waterfall.goodMs;
      assert.ok(close(sum, e.POT), `waterfall ${sum} vs POT ${e.POT}`);
      // Grouping by shift and summing back changes nothing.
      const parts = groupCells(result.cells, 'shift').map((g) => oeeReport(g.totals).timeElements);
      assert.equal(parts.reduce((a, p) => a + p.PBT, 0), e.PBT);
      assert.equal(parts.reduce((a, p) => a + p.APT, 0), e.APT);
    }),
    { numRuns: 150 },
  );
});
