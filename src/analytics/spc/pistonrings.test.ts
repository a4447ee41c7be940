// Check case of REFERENCE.md section 5: Montgomery's piston-ring diameters, 40 samples of 5,
// samples 1-25 phase I. The fixture is a copy of the shared data set (public textbook data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyseChart, type SpcAnalysis } from './index.js';

function loadPistonrings(): { subgroups: number[][]; phaseI: number[] } {
  const text = readFileSync(new URL('./fixtures/pistonrings.csv', import.meta.url), 'utf8');
  const subgroups: number[][] = [];
  const phaseI = new Set<number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith('sample') || line.trim() === '') continue;
    const [sample, diameter, phase1] = line.split(',');
    const index = Number(sample) - 1;
    (subgroups[index] ??= []).push(Number(diameter));
    if (phase1.trim() === 'true') phaseI.add(index);
  }
  return { subgroups, phaseI: [...phaseI].sort((a, b) => a - b) };
}

const data = loadPistonrings();
const spec = { lsl: 73.95, usl: 74.05 };
const fixed = (value: number | null | undefined, decimals: number) => (value ?? NaN).toFixed(decimals);
/** 1-based sample numbers of phase II points above the X-bar UCL. */
const aboveUcl = (result: SpcAnalysis) =>
  result.violations.filter((v) => v.chart === 'location' && v.rule === 'nelson-1' && v.value > result.limits.location.upper).map((v) => v.index + 1);

test('the fixture holds 40 samples of 5 and marks samples 1-25 as phase I', () => {
  assert.equal(data.subgroups.length, 40);
  assert.ok(data.subgroups.every((g) => g.length === 5));
  assert.deepEqual(data.phaseI, Array.from({ length: 25 }, (_, i) => i));
});

test('rounded (textbook) constants reproduce every figure of REFERENCE.md section 5', () => {
  const result = analyseChart({ chart: 'xbar-r', subgroups: data.subgroups, phaseI: data.phaseI, spec, constants: 'rounded', rules: ['nelson-1'] });
  const { location, dispersion, sigmaWithin } = result.limits;
  assert.equal(fixed(location.center, 6), '74.001176');
  assert.equal(fixed(dispersion.center, 5), '0.02276');
  assert.equal(fixed(sigmaWithin, 6), '0.009785');
  assert.equal(fixed(location.lower, 5), '73.98804');
  assert.equal(fixed(location.upper, 5), '74.01431');
  assert.equal(fixed(dispersion.upper, 5), '0.04811');
  assert.equal(dispersion.lower, 0);
  assert.deepEqual(aboveUcl(result), [37, 38, 39]);
  assert.ok(result.violations.every((v) => v.index >= 25), 'phase I is in control');
  const cap = result.capability!;
  assert.equal(fixed(cap.cp, 3), '1.703');
  assert.equal(fixed(cap.cpk, 3), '1.663');
  assert.equal(fixed(cap.pp, 3), '1.655');
  assert.equal(fixed(cap.ppk, 3), '1.616');
});

test('Pp and Ppk of REFERENCE.md come from the 125 phase I values, not all 200', () => {
  const all = analyseChart({ chart: 'xbar-r', subgroups: data.subgroups, spec, constants: 'rounded' });
  assert.equal(fixed(all.capability!.pp, 3), '1.460');
  assert.equal(fixed(all.capability!.ppk, 3), '1.355');
});

test('exact constants agree except in the 5th decimal of the limits (the reference used A2 = 0.577, D4 = 2.114)', () => {
  const result = analyseChart({ chart: 'xbar-r', subgroups: data.subgroups, phaseI: 25, spec, rules: ['nelson-1'] });
  const { location, dispersion, sigmaWithin } = result.limits;
  assert.equal(fixed(location.center, 6), '74.001176');
  assert.equal(fixed(sigmaWithin, 6), '0.009785');
  // Exact A2 = 0.576829 gives 73.98805 / 74.01430; R UCL with D4 = 2.11450 is 0.04813.
  assert.equal(fixed(location.lower, 5), '73.98805');
  assert.equal(fixed(location.upper, 5), '74.01430');
  assert.equal(fixed(dispersion.upper, 5), '0.04813');
  assert.deepEqual(aboveUcl(result), [37, 38, 39]);
  const cap = result.capability!;
  assert.deepEqual([fixed(cap.cp, 3), fixed(cap.cpk, 3), fixed(cap.pp, 3), fixed(cap.ppk, 3)], ['1.703', '1.663', '1.655', '1.616']);
});

test('X-bar/s and Cpm on the same data give consistent figures', () => {
  const result = analyseChart({ chart: 'xbar-s', subgroups: data.subgroups, phaseI: 25, spec });
  assert.equal(fixed(result.limits.location.center, 6), '74.001176');
  // sbar/c4 and Rbar/d2 estimate the same sigma: within 5 % here.
  assert.ok(Math.abs(result.limits.sigmaWithin / 0.009785 - 1) < 0.05, String(result.limits.sigmaWithin));
  assert.deepEqual(aboveUcl(result), [37, 38, 39]);
  const cap = result.capability!;
  // Target 74 (mid-spec): Cpm = 0.1 / (6 √(s² + (mean - 74)²)), slightly below Pp.
  assert.equal(fixed(cap.target, 3), '74.000');
  assert.ok(cap.cpm! < cap.pp! && cap.cpm! > 1.6, String(cap.cpm));
});
