import { chartConstants, MAX_SUBGROUP, type ConstantsMode } from './constants.js';
import { mean, movingRanges, range, sampleSd } from './stats.js';
import type { ChartKind, ChartLimits, ChartPoint, LineLimits } from './types.js';

/** Which subgroups estimate the limits: the first k, or a list of 0-based indices. Default: all. */
export type PhaseISelection = number | readonly number[];

/** Subgroup data of a chart: for `imr` every subgroup holds one value. */
export type Subgroups = ReadonlyArray<readonly number[]>;

/**
 * Splits consecutive values into subgroups of n, dropping an incomplete last one.
 * @example toSubgroups([1, 2, 3, 4, 5], 2) // [[1, 2], [3, 4]]
 */
export function toSubgroups(values: readonly number[], n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + n <= values.length; i += n) out.push(values.slice(i, i + n));
  return out;
}

/** Checks subgroup shape for a chart and returns the subgroup size. Throws RangeError with a reason. */
export function subgroupSize(chart: ChartKind, subgroups: Subgroups): number {
  if (subgroups.length === 0) throw new RangeError('no data');
  const n = subgroups[0].length;
  for (let i = 0; i < subgroups.length; i++) {
    const group = subgroups[i];
    if (group.length !== n) throw new RangeError(`subgroup ${i + 1} has ${group.length} values, the first has ${n}: subgroups must be of equal size`);
    for (const v of group) if (!Number.isFinite(v)) throw new RangeError(`subgroup ${i + 1} holds a value that is not a finite number`);
  }
  if (chart === 'imr' && n !== 1) throw new RangeError(`an individuals chart takes single values, got subgroups of ${n}`);
  if (chart !== 'imr' && (n < 2 || n > MAX_SUBGROUP)) throw new RangeError(`subgroup size must be from 2 to ${MAX_SUBGROUP} for ${chart}, got ${n}`);
  return n;
}

/** Resolves a phase I selection to sorted, distinct, in-range indices. */
export function phaseIIndices(selection: PhaseISelection | undefined, count: number): number[] {
  if (selection === undefined) return Array.from({ length: count }, (_, i) => i);
  if (typeof selection === 'number') {
    if (!Number.isInteger(selection) || selection < 1 || selection > count) throw new RangeError(`phase I must be 1 to ${count} subgroups, got ${selection}`);
    return Array.from({ length: selection }, (_, i) => i);
  }
  const sorted = [...new Set(selection)].sort((a, b) => a - b);
  for (const i of sorted) if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`phase I index ${i} is outside 0..${count - 1}`);
  return sorted;
}

const line = (center: number, lower: number, upper: number, sigma: number): LineLimits => ({ center, lower, upper, sigma });

/**
 * Phase I: estimates the limits of a chart pair from the chosen subgroups.
 * X-bar/R: X̿ ± A2 R̄, R from D3 R̄ to D4 R̄, σw = R̄/d2. X-bar/s: X̿ ± A3 s̄, s from B3 s̄ to B4 s̄,
 * σw = s̄/c4. Individuals: X̄ ± E2 MR̄ (E2 = 3/d2(2)), MR up to D4(2) MR̄, σw = MR̄/d2(2); only moving
 * ranges between two consecutive phase I values count.
 */
export function estimateLimits(chart: ChartKind, subgroups: Subgroups, options: { phaseI?: PhaseISelection; constants?: ConstantsMode } = {}): ChartLimits {
  const mode = options.constants ?? 'exact';
  const n = subgroupSize(chart, subgroups);
  const chosen = phaseIIndices(options.phaseI, subgroups.length);
  if (chosen.length < 2) throw new RangeError('phase I needs at least 2 subgroups (or values)');
  let limits: Omit<ChartLimits, 'chart' | 'n' | 'constants' | 'phaseISize'>;
  if (chart === 'imr') {
    const k = chartConstants(2, mode);
    const values = chosen.map((i) => subgroups[i][0]);
    const set = new Set(chosen);
    const ranges = chosen.filter((i) => i > 0 && set.has(i - 1)).map((i) => Math.abs(subgroups[i][0] - subgroups[i - 1][0]));
    if (ranges.length === 0) throw new RangeError('phase I needs at least 2 consecutive values for a moving range');
    const center = mean(values);
    const mrBar = mean(ranges);
    limits = {
      location: line(center, center - k.E2 * mrBar, center + k.E2 * mrBar, (k.E2 * mrBar) / 3),
      dispersion: line(mrBar, k.D3 * mrBar, k.D4 * mrBar, (k.d3 * mrBar) / k.d2),
      sigmaWithin: mrBar / k.d2,
    };
  } else {
    const k = chartConstants(n, mode);
    const grand = mean(chosen.map((i) => mean(subgroups[i])));
    if (chart === 'xbar-r') {
      const rBar = mean(chosen.map((i) => range(subgroups[i])));
      limits = {
        location: line(grand, grand - k.A2 * rBar, grand + k.A2 * rBar, (k.A2 * rBar) / 3),
        dispersion: line(rBar, k.D3 * rBar, k.D4 * rBar, (k.d3 * rBar) / k.d2),
        sigmaWithin: rBar / k.d2,
      };
    } else {
      const sBar = mean(chosen.map((i) => sampleSd(subgroups[i])));
      limits = {
        location: line(grand, grand - k.A3 * sBar, grand + k.A3 * sBar, (k.A3 * sBar) / 3),
        dispersion: line(sBar, k.B3 * sBar, k.B4 * sBar, (sBar * Math.sqrt(1 - k.c4 * k.c4)) / k.c4),
        sigmaWithin: sBar / k.c4,
      };
    }
  }
  if (!(limits.sigmaWithin > 0)) throw new RangeError('phase I data show no variation: limits cannot be estimated');
  return { chart, n, constants: mode, ...limits, phaseISize: chosen.length };
}

/** The plotted points of a chart pair; `phaseI` marks the indices used for the limits. */
export function chartPoints(chart: ChartKind, subgroups: Subgroups, phaseI: ReadonlySet<number>, timestamps?: readonly number[]): ChartPoint[] {
  const firsts = chart === 'imr' ? subgroups.map((g) => g[0]) : [];
  const mrs = chart === 'imr' ? movingRanges(firsts) : [];
  return subgroups.map((group, index) => {
    const dispersion = chart === 'imr' ? (index === 0 ? null : mrs[index - 1]) : chart === 'xbar-r' ? range(group) : sampleSd(group);
    const point: ChartPoint = { index, location: mean(group), dispersion, phaseI: phaseI.has(index) };
    if (timestamps) point.ts = timestamps[index];
    return point;
  });
}
