import { test } from 'node:test';
import assert from 'node:assert/strict';
import { c4, chartConstants, normalCdf, rangeMoments, type ChartConstants } from './index.js';

// REFERENCE.md section 5, n = 2..10, as printed (3 decimals, c4 4 decimals).
const REFERENCE: Record<number, [number, number, number, number, number, number, number, number]> = {
  2: [1.88, 1.128, 0, 3.267, 2.659, 0.7979, 0, 3.267],
  3: [1.023, 1.693, 0, 2.574, 1.954, 0.8862, 0, 2.568],
  4: [0.729, 2.059, 0, 2.282, 1.628, 0.9213, 0, 2.266],
  5: [0.577, 2.326, 0, 2.114, 1.427, 0.94, 0, 2.089],
  6: [0.483, 2.534, 0, 2.004, 1.287, 0.9515, 0.03, 1.97],
  7: [0.419, 2.704, 0.076, 1.924, 1.182, 0.9594, 0.118, 1.882],
  8: [0.373, 2.847, 0.136, 1.864, 1.099, 0.965, 0.185, 1.815],
  9: [0.337, 2.97, 0.184, 1.816, 1.032, 0.9693, 0.239, 1.761],
  10: [0.308, 3.078, 0.223, 1.777, 0.975, 0.9727, 0.284, 1.716],
};
const NAMES = ['A2', 'd2', 'D3', 'D4', 'A3', 'c4', 'B3', 'B4'] as const;
const decimals = (name: string) => (name === 'c4' ? 4 : 3);

test('exact constants agree with REFERENCE.md to its printed precision (half a unit of the last digit)', () => {
  for (let n = 2; n <= 10; n++) {
    const k = chartConstants(n);
    NAMES.forEach((name, j) => {
      const printed = REFERENCE[n][j];
      const tolerance = 0.5 * 10 ** -decimals(name) + 1e-12;
      // The one exception: D4(3) is printed 2.574 in Montgomery's table and REFERENCE.md, but
      // 1 + 3 d3/d2 = 1 + 3 (0.888368 / 1.692569) = 2.57459; 2.574 comes from 1 + 3 (0.888/1.693).
      if (n === 3 && name === 'D4') {
        assert.equal(k.D4.toFixed(5), '2.57459');
        assert.equal((1 + (3 * 0.888) / 1.693).toFixed(3), '2.574');
        return;
      }
      assert.ok(Math.abs(k[name] - printed) <= tolerance, `n=${n} ${name}: ${k[name]} vs ${printed}`);
    });
  }
});

test('rounded constants equal the printed table for n = 2..10, except D4(3) (2.575 rounded vs 2.574 printed)', () => {
  for (let n = 2; n <= 10; n++) {
    const k = chartConstants(n, 'rounded');
    NAMES.forEach((name, j) => {
      if (n === 3 && name === 'D4') return assert.equal(k.D4, 2.575);
      assert.equal(k[name], REFERENCE[n][j], `n=${n} ${name}`);
    });
  }
  assert.equal(chartConstants(2, 'rounded').E2, 2.66);
  assert.equal(chartConstants(2).E2.toFixed(4), '2.6587');
});

test('the d2/d3 table equals a fresh numerical integration for every n = 2..25', () => {
  for (let n = 2; n <= 25; n++) {
    const { d2, d3 } = rangeMoments(n);
    const k = chartConstants(n);
    assert.ok(Math.abs(k.d2 - d2) < 1e-6, `d2(${n}) ${k.d2} vs ${d2}`);
    assert.ok(Math.abs(k.d3 - d3) < 1e-6, `d3(${n}) ${k.d3} vs ${d3}`);
  }
});

test('closed forms for n = 2 and n = 3 check the integration', () => {
  // W = |X1 - X2| ~ √2 |Z|: d2 = 2/√π, d3 = √(2 - 4/π). For n = 3, d2 = 3/√π.
  const two = rangeMoments(2);
  assert.ok(Math.abs(two.d2 - 2 / Math.sqrt(Math.PI)) < 1e-9);
  assert.ok(Math.abs(two.d3 - Math.sqrt(2 - 4 / Math.PI)) < 1e-7);
  assert.ok(Math.abs(rangeMoments(3).d2 - 3 / Math.sqrt(Math.PI)) < 1e-9);
});

test('normalCdf matches known values', () => {
  assert.equal(normalCdf(0), 0.5);
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-14);
  assert.ok(Math.abs(normalCdf(-3) - 0.0013498980316301) < 1e-15);
  assert.ok(Math.abs(normalCdf(-6) - 9.865876450377e-10) < 1e-20);
});

test('c4 is exact: c4(2) = √(2/π), c4 → 1, and the table goes to n = 25 with n = 25 values as published', () => {
  assert.ok(Math.abs(c4(2) - Math.sqrt(2 / Math.PI)) < 1e-15);
  assert.ok(Math.abs(c4(3) - Math.sqrt(Math.PI) / 2) < 1e-15);
  const k: ChartConstants = chartConstants(25, 'rounded');
  // Montgomery, Appendix VI, n = 25.
  assert.deepEqual([k.A2, k.d2, k.D3, k.D4, k.A3, k.c4, k.B3, k.B4], [0.153, 3.931, 0.459, 1.541, 0.606, 0.9896, 0.565, 1.435]);
  for (let n = 3; n <= 25; n++) assert.ok(c4(n) > c4(n - 1) && c4(n) < 1);
});

test('sizes outside 2..25 are refused with a reason', () => {
  assert.throws(() => chartConstants(1), /from 2 to 25/);
  assert.throws(() => chartConstants(26), /from 2 to 25/);
  assert.throws(() => chartConstants(2.5), /integer/);
  assert.throws(() => rangeMoments(1), />= 2/);
});
