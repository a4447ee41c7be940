import { capability, type Capability, type SpecLimits } from './capability.js';
import type { ConstantsMode } from './constants.js';
import { chartPoints, estimateLimits, phaseIIndices, subgroupSize, type PhaseISelection, type Subgroups } from './limits.js';
import { detectViolations, RULE_IDS, type RuleId, type Violation } from './rules.js';
import { mean, sampleSd } from './stats.js';
import type { ChartKind, ChartLimits, ChartPoint, LineLimits } from './types.js';

export interface AnalyseOptions {
  chart: ChartKind;
  /** Subgroups of equal size; for `imr`, one value each (see `toSubgroups`). */
  subgroups: Subgroups;
  /** Time of each subgroup (its last sample), copied to the points. */
  timestamps?: readonly number[];
  /** Phase I: which subgroups estimate the limits (default all). Ignored when `limits` is given. */
  phaseI?: PhaseISelection;
  /** Frozen limits from an earlier phase I: every point is then monitored against them (phase II). */
  limits?: ChartLimits;
  /** Rules for the location chart (default all Nelson rules). A rule 1 also checks the dispersion chart's limits. */
  rules?: readonly RuleId[];
  spec?: SpecLimits;
  constants?: ConstantsMode;
}

/** A rule violation on one of the two charts of a pair. */
export interface ChartViolation extends Violation {
  chart: 'location' | 'dispersion';
  /** The plotted value at `index`. */
  value: number;
}

export interface SpcAnalysis {
  chart: ChartKind;
  n: number;
  limits: ChartLimits;
  points: ChartPoint[];
  violations: ChartViolation[];
  /** From the phase I subgroups (all subgroups when limits were given); null without a specification. */
  capability: Capability | null;
}

/** Violations of the dispersion chart: points outside its limits (reported under the chosen rule 1). */
export function dispersionViolations(points: readonly ChartPoint[], limits: LineLimits, rules: readonly RuleId[], from = 0): ChartViolation[] {
  const rule = rules.find((r) => r === 'nelson-1' || r === 'we-1');
  if (!rule) return [];
  const out: ChartViolation[] = [];
  for (let i = Math.max(0, from); i < points.length; i++) {
    const value = points[i].dispersion;
    if (value === null) continue;
    if (value > limits.upper || (limits.lower > 0 && value < limits.lower)) {
      out.push({ rule, ruleName: '1 point beyond the control limits', index: i, points: [i], chart: 'dispersion', value });
    }
  }
  return out;
}

/**
 * Builds a chart pair: limits (estimated from phase I or given), points, rule violations and capability.
 * @example
 * const result = analyseChart({ chart: 'xbar-r', subgroups, phaseI: 25, spec: { lsl: 73.95, usl: 74.05 } });
 * result.limits.location.upper; result.violations; result.capability?.cpk
 */
export function analyseChart(options: AnalyseOptions): SpcAnalysis {
  const { chart, subgroups } = options;
  const n = subgroupSize(chart, subgroups);
  if (options.timestamps && options.timestamps.length !== subgroups.length) throw new RangeError('one timestamp per subgroup is needed');
  const rules = options.rules ?? RULE_IDS.filter((r) => r.startsWith('nelson-'));
  let limits: ChartLimits;
  let phaseI: number[];
  if (options.limits) {
    limits = options.limits;
    if (limits.chart !== chart || limits.n !== n) throw new RangeError(`the given limits are for ${limits.chart} with n = ${limits.n}, the data are ${chart} with n = ${n}`);
    phaseI = [];
  } else {
    limits = estimateLimits(chart, subgroups, { phaseI: options.phaseI, constants: options.constants });
    phaseI = phaseIIndices(options.phaseI, subgroups.length);
  }
  const points = chartPoints(chart, subgroups, new Set(phaseI), options.timestamps);
  const locations = points.map((p) => p.location);
  const violations: ChartViolation[] = [
    ...detectViolations(locations, limits.location, rules).map((v) => ({ ...v, chart: 'location' as const, value: locations[v.index] })),
    ...dispersionViolations(points, limits.dispersion, rules),
  ].sort((a, b) => a.index - b.index || (a.chart === b.chart ? 0 : a.chart === 'location' ? -1 : 1));

  let cap: Capability | null = null;
  if (options.spec && (options.spec.usl !== undefined || options.spec.lsl !== undefined)) {
    const basis = phaseI.length > 0 ? phaseI : subgroups.map((_, i) => i);
    const values = basis.flatMap((i) => subgroups[i]);
    cap = capability({ ...options.spec, mean: mean(values), sigmaWithin: limits.sigmaWithin, sigmaOverall: sampleSd(values) });
  }
  return { chart, n, limits, points, violations, capability: cap };
}
