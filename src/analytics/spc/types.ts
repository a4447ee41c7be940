import type { ConstantsMode } from './constants.js';

/** `xbar-r`: subgroup means and ranges; `xbar-s`: means and standard deviations; `imr`: individuals and moving ranges. */
export type ChartKind = 'xbar-r' | 'xbar-s' | 'imr';

export const CHART_KINDS: readonly ChartKind[] = ['xbar-r', 'xbar-s', 'imr'];

/** One chart's center line and control limits, and the sigma of its plotted statistic (zone width). */
export interface LineLimits {
  center: number;
  lower: number;
  upper: number;
  /** Sigma of the plotted statistic: (upper - center) / 3 for the location chart. */
  sigma: number;
}

/**
 * Limits of a chart pair, estimated in phase I and frozen for phase II.
 * `location` is the X-bar or individuals chart, `dispersion` the R, s or moving-range chart.
 */
export interface ChartLimits {
  chart: ChartKind;
  /** Subgroup size (1 for individuals). */
  n: number;
  constants: ConstantsMode;
  location: LineLimits;
  dispersion: LineLimits;
  /** Within-subgroup process sigma: Rbar/d2, sbar/c4 or MRbar/d2(2). */
  sigmaWithin: number;
  /** Subgroups (or individual values) the limits were estimated from. */
  phaseISize: number;
}

/** One plotted point of a chart pair. */
export interface ChartPoint {
  /** 0-based subgroup (or value) index. */
  index: number;
  /** Subgroup mean, or the individual value. */
  location: number;
  /** Range, standard deviation or moving range; null for the first individual (no moving range). */
  dispersion: number | null;
  /** Time of the subgroup's last sample, when known. */
  ts?: number;
  /** True when the point was used to estimate the limits. */
  phaseI: boolean;
}
