// Property tests (fast-check): invariants of limits, capability and rules over random data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyseChart, capability, detectViolations, estimateLimits, parseRules, toSubgroups, type ChartKind } from './index.js';

const ALL_RULES = parseRules('we,nelson');
const charts: ChartKind[] = ['xbar-r', 'xbar-s', 'imr'];

/** A chart kind and data for it: integer measurements (exact arithmetic on shifts), with variation. */
const chartData = fc
  .record({
    chart: fc.constantFrom(...charts),
    n: fc.integer({ min: 2, max: 10 }),
    count: fc.integer({ min: 3, max: 30 }),
    seed: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 300, maxLength: 300 }),
  })
  .map(({ chart, n, count, seed }) => {
    const size = chart === 'imr' ? 1 : n;
    const values = seed.slice(0, size * count);
    return { chart, subgroups: chart === 'imr' ? values.map((v) => [v]) : toSubgroups(values, size) };
  })
  .filter(({ chart, subgroups }) => {
    try {
      estimateLimits(chart, subgroups);
      return true;
    } catch {
      return false; // no variation: limits cannot be estimated (tested elsewhere)
    }
  });

const close = (a: number, b: number, tolerance = 1e-9) => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));

test('limits are ordered: LCL <= CL <= UCL on both charts, dispersion LCL >= 0, sigma > 0', () => {
  fc.assert(
    fc.property(chartData, ({ chart, subgroups }) => {
      for (const constants of ['exact', 'rounded'] as const) {
        const limits = estimateLimits(chart, subgroups, { constants });
        for (const line of [limits.location, limits.dispersion]) {
          assert.ok(line.lower <= line.center && line.center <= line.upper, JSON.stringify(line));
        }
        assert.ok(limits.dispersion.lower >= 0);
        assert.ok(limits.sigmaWithin > 0 && limits.location.sigma > 0);
      }
    }),
  );
});

test('Cpk <= Cp, Ppk <= Pp, Cpm <= Pp; Cp = (Cpu + Cpl)/2', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.double({ min: 0.01, max: 10, noNaN: true }),
      fc.double({ min: 0.01, max: 10, noNaN: true }),
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.double({ min: 0.1, max: 50, noNaN: true }),
      (mean, sigmaWithin, sigmaOverall, lsl, width) => {
        const cap = capability({ mean, sigmaWithin, sigmaOverall, lsl, usl: lsl + width })!;
        assert.ok(cap.cpk! <= cap.cp! + 1e-12);
        assert.ok(cap.ppk! <= cap.pp! + 1e-12);
        assert.ok(cap.cpm! <= cap.pp! + 1e-12);
        assert.ok(close(cap.cp!, (cap.cpu! + cap.cpl!) / 2));
      },
    ),
  );
});

test('shifting all data by d leaves Cp and Pp unchanged and moves Cpk to (half width - |mean + d - mid|) / 3 sigma', () => {
  fc.assert(
    fc.property(chartData, fc.integer({ min: -30, max: 30 }), ({ chart, subgroups }, d) => {
      const spec = { lsl: -60, usl: 60 };
      const before = analyseChart({ chart, subgroups, spec }).capability!;
      const shifted = subgroups.map((g) => g.map((v) => v + d));
      const after = analyseChart({ chart, subgroups: shifted, spec }).capability!;
      assert.ok(close(after.cp!, before.cp!));
      assert.ok(close(after.pp!, before.pp!));
      assert.ok(close(after.mean, before.mean + d));
      const expected = (60 - Math.abs(before.mean + d)) / (3 * before.sigmaWithin);
      assert.ok(close(after.cpk!, expected, 1e-8), `${after.cpk} vs ${expected}`);
    }),
  );
});

test('moving data and specification together (shift and positive scale) leaves every index unchanged', () => {
  fc.assert(
    fc.property(chartData, fc.constantFrom(0.001, 0.5, 3, 1000), fc.integer({ min: -1000, max: 1000 }), ({ chart, subgroups }, a, b) => {
      const before = analyseChart({ chart, subgroups, spec: { lsl: -70, usl: 60, target: 5 } }).capability!;
      const moved = subgroups.map((g) => g.map((v) => a * v + b));
      const after = analyseChart({ chart, subgroups: moved, spec: { lsl: a * -70 + b, usl: a * 60 + b, target: a * 5 + b } }).capability!;
      for (const key of ['cp', 'cpk', 'pp', 'ppk', 'cpm'] as const) assert.ok(close(after[key]!, before[key]!, 1e-7), `${key}: ${after[key]} vs ${before[key]}`);
    }),
  );
});

test('rules are invariant to affine transforms with positive scale (data and zones, or re-estimated limits)', () => {
  fc.assert(
    fc.property(chartData, fc.constantFrom(0.01, 0.5, 2, 7, 1e4), fc.integer({ min: -1e5, max: 1e5 }), ({ chart, subgroups }, a, b) => {
      const before = analyseChart({ chart, subgroups, rules: ALL_RULES });
      // Skip data with a point within rounding distance of a zone boundary: there the float error decides.
      const z = before.points.map((p) => (p.location - before.limits.location.center) / before.limits.location.sigma);
      fc.pre(z.every((v) => [0, 1, 2, 3].every((k) => Math.abs(Math.abs(v) - k) > 1e-6)));
      const disp = before.points.map((p) => p.dispersion ?? 0);
      const { lower, upper } = before.limits.dispersion;
      fc.pre(disp.every((v) => Math.abs(v - upper) > 1e-6 * Math.max(1, upper) && Math.abs(v - lower) > 1e-6 * Math.max(1, upper)));
      const after = analyseChart({ chart, subgroups: subgroups.map((g) => g.map((v) => a * v + b)), rules: ALL_RULES });
      const key = (r: typeof before) => r.violations.map((v) => `${v.chart}:${v.rule}@${v.index}:${v.points.join('.')}`);
      assert.deepEqual(key(after), key(before));
      // The same through detectViolations with transformed zones.
      const locations = before.points.map((p) => p.location);
      const { center, sigma } = before.limits.location;
      assert.deepEqual(
        detectViolations(locations.map((v) => a * v + b), { center: a * center + b, sigma: a * sigma }, ALL_RULES).map((v) => `${v.rule}@${v.index}`),
        detectViolations(locations, { center, sigma }, ALL_RULES).map((v) => `${v.rule}@${v.index}`),
      );
    }),
  );
});

test('phase II against frozen limits finds the same violations as one analysis with phase I chosen', () => {
  fc.assert(
    fc.property(chartData, fc.integer({ min: 2, max: 30 }), ({ chart, subgroups }, k) => {
      const phaseI = Math.min(k, subgroups.length);
      let limits;
      try {
        limits = estimateLimits(chart, subgroups, { phaseI });
      } catch {
        fc.pre(false);
        return;
      }
      const together = analyseChart({ chart, subgroups, phaseI, rules: ALL_RULES });
      const frozen = analyseChart({ chart, subgroups, limits, rules: ALL_RULES });
      assert.deepEqual(frozen.limits, together.limits);
      assert.deepEqual(frozen.violations, together.violations);
      assert.equal(together.points.filter((p) => p.phaseI).length, phaseI);
      assert.ok(frozen.points.every((p) => !p.phaseI));
    }),
  );
});
