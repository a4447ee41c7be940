// Charts and capability on small hand-computed examples.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseChart, capability, estimateLimits, toSubgroups } from './index.js';

const near = (actual: number, expected: number, tolerance = 5e-6) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);

describe('individuals / moving range', () => {
  const values = [10, 12, 11, 13, 12].map((v) => [v]);

  test('X̄ ± 3 MR̄/d2(2), MR up to D4(2) MR̄, σw = MR̄/1.128', () => {
    const limits = estimateLimits('imr', values); // mean 11.6, MR 2, 1, 2, 1: MR̄ 1.5
    near(limits.location.center, 11.6);
    near(limits.location.upper, 11.6 + 2.658681 * 1.5);
    near(limits.location.lower, 11.6 - 2.658681 * 1.5);
    near(limits.location.sigma, 1.5 / 1.1283792);
    near(limits.sigmaWithin, 1.5 / 1.1283792);
    near(limits.dispersion.center, 1.5);
    near(limits.dispersion.upper, 3.266531 * 1.5);
    assert.equal(limits.dispersion.lower, 0);
  });

  test('rounded constants use 2.660 and 3.267, as REFERENCE.md writes them', () => {
    const limits = estimateLimits('imr', values, { constants: 'rounded' });
    near(limits.location.upper, 11.6 + 2.66 * 1.5, 1e-12);
    near(limits.dispersion.upper, 3.267 * 1.5, 1e-12);
    near(limits.sigmaWithin, 1.5 / 1.128, 1e-12);
  });

  test('only moving ranges between two consecutive phase I values count', () => {
    // Phase I = values 0, 1 and 3: the moving ranges 0-1 (2) only; value 3's neighbour 2 is not phase I.
    const limits = estimateLimits('imr', values, { phaseI: [0, 1, 3] });
    near(limits.dispersion.center, 2);
    near(limits.location.center, (10 + 12 + 13) / 3);
    assert.equal(limits.phaseISize, 3);
  });

  test('points carry the moving range from the previous value, null for the first', () => {
    const result = analyseChart({ chart: 'imr', subgroups: values, timestamps: [1, 2, 3, 4, 5] });
    assert.deepEqual(result.points.map((p) => p.dispersion), [null, 2, 1, 2, 1]);
    assert.deepEqual(result.points.map((p) => p.ts), [1, 2, 3, 4, 5]);
  });
});

describe('X-bar/R and X-bar/s', () => {
  test('X-bar/s: X̿ ± A3 s̄, s from B3 s̄ to B4 s̄, σw = s̄/c4', () => {
    const limits = estimateLimits('xbar-s', [
      [1, 2, 3],
      [2, 4, 6],
    ]); // means 2, 4; s 1, 2: s̄ 1.5
    near(limits.location.center, 3);
    near(limits.location.upper, 3 + 1.95441 * 1.5);
    near(limits.dispersion.center, 1.5);
    near(limits.dispersion.upper, 2.568170 * 1.5);
    assert.equal(limits.dispersion.lower, 0);
    near(limits.sigmaWithin, 1.5 / 0.8862269);
  });

  test('X-bar/R with n = 10 has a positive R LCL (D3 > 0), and a range below it signals', () => {
    const groups = Array.from({ length: 20 }, (_, g) => Array.from({ length: 10 }, (_, i) => ((i * 7 + g * 3) % 10) + (g % 2)));
    groups.push([5, 5, 5, 5, 5, 5, 5, 5, 5, 5.5]);
    const result = analyseChart({ chart: 'xbar-r', subgroups: groups, phaseI: 20, rules: ['nelson-1'] });
    near(result.limits.dispersion.lower, 0.223 * result.limits.dispersion.center, 0.0005 * result.limits.dispersion.center);
    assert.deepEqual(result.violations.map((v) => `${v.chart}@${v.index}`), ['dispersion@20']);
  });

  test('violations of both charts are reported in point order, location first', () => {
    const groups = [...Array.from({ length: 10 }, (_, g) => [g % 3, (g + 1) % 3, 2]), [9, 30, 20]];
    const result = analyseChart({ chart: 'xbar-r', subgroups: groups, phaseI: 10, rules: ['we-1'] });
    assert.deepEqual(result.violations.map((v) => `${v.chart}:${v.rule}@${v.index}`), ['location:we-1@10', 'dispersion:we-1@10']);
    // Without a rule 1, the dispersion chart is not checked.
    assert.deepEqual(analyseChart({ chart: 'xbar-r', subgroups: groups, phaseI: 10, rules: ['we-2'] }).violations.filter((v) => v.chart === 'dispersion'), []);
  });

  test('toSubgroups drops an incomplete last subgroup', () => {
    assert.deepEqual(toSubgroups([1, 2, 3, 4, 5], 2), [
      [1, 2],
      [3, 4],
    ]);
  });
});

describe('input checks', () => {
  test('refuses unusable data with the reason', () => {
    assert.throws(() => estimateLimits('xbar-r', []), /no data/);
    assert.throws(() => estimateLimits('xbar-r', [[1, 2], [1]]), /equal size/);
    assert.throws(() => estimateLimits('xbar-r', [[1], [2]]), /from 2 to 25/);
    assert.throws(() => estimateLimits('imr', [[1, 2]]), /single values/);
    assert.throws(() => estimateLimits('imr', [[1], [NaN]]), /finite/);
    assert.throws(() => estimateLimits('imr', [[1], [2], [3]], { phaseI: 1 }), /at least 2/);
    assert.throws(() => estimateLimits('imr', [[1], [2], [3]], { phaseI: 4 }), /1 to 3/);
    assert.throws(() => estimateLimits('imr', [[1], [2], [3]], { phaseI: [0, 5] }), /outside/);
    assert.throws(() => estimateLimits('imr', [[1], [2], [3]], { phaseI: [0, 2] }), /consecutive/);
    assert.throws(() => estimateLimits('xbar-r', [[1, 1], [2, 2]]), /no variation/);
    assert.throws(() => analyseChart({ chart: 'imr', subgroups: [[1], [2]], timestamps: [1] }), /one timestamp/);
  });
});

describe('capability', () => {
  test('hand-computed indices, centred and off-centre', () => {
    const centred = capability({ mean: 10, sigmaWithin: 1, sigmaOverall: 2, lsl: 4, usl: 16 })!;
    assert.deepEqual([centred.cp, centred.cpk, centred.pp, centred.ppk, centred.cpm, centred.target], [2, 2, 1, 1, 1, 10]);
    const off = capability({ mean: 12, sigmaWithin: 1, sigmaOverall: 2, lsl: 4, usl: 16 })!;
    near(off.cpk!, 4 / 3);
    near(off.cpu!, 4 / 3);
    near(off.cpl!, 8 / 3);
    near(off.ppk!, 4 / 6);
    near(off.cpm!, 12 / (6 * Math.sqrt(4 + 4)));
    const targeted = capability({ mean: 12, sigmaWithin: 1, sigmaOverall: 2, lsl: 4, usl: 16, target: 12 })!;
    near(targeted.cpm!, 1);
  });

  test('one-sided specifications give only the one-sided indices', () => {
    const upper = capability({ mean: 12, sigmaWithin: 1, sigmaOverall: 2, usl: 16 })!;
    assert.deepEqual([upper.cp, upper.pp, upper.cpm, upper.cpl, upper.lsl], [null, null, null, null, null]);
    near(upper.cpk!, 4 / 3);
    near(upper.ppk!, 4 / 6);
    const lower = capability({ mean: 12, sigmaWithin: 1, sigmaOverall: 2, lsl: 9 })!;
    near(lower.cpk!, 1);
    assert.equal(capability({ mean: 1, sigmaWithin: 1, sigmaOverall: 1 }), null);
    assert.throws(() => capability({ mean: 1, sigmaWithin: 1, sigmaOverall: 1, lsl: 2, usl: 2 }), /greater than/);
  });

  test('with frozen limits, capability uses all given subgroups and the frozen sigma', () => {
    const limits = estimateLimits('imr', [[10], [12], [11], [13], [12]]);
    const result = analyseChart({ chart: 'imr', subgroups: [[20], [22]], limits, spec: { lsl: 0, usl: 40 } });
    near(result.capability!.mean, 21);
    near(result.capability!.sigmaWithin, limits.sigmaWithin);
    near(result.capability!.sigmaOverall, Math.SQRT2);
  });
});
