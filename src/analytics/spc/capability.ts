/** Process capability (Cp, Cpk) and performance (Pp, Ppk) indices, and Taguchi's Cpm. */

export interface SpecLimits {
  usl?: number;
  lsl?: number;
  /** Target for Cpm; default the middle of the specification. */
  target?: number;
}

export interface CapabilityInput extends SpecLimits {
  mean: number;
  /** Short-term sigma from the chart: Rbar/d2, sbar/c4 or MRbar/d2(2). */
  sigmaWithin: number;
  /** Overall sample standard deviation of the individual values. */
  sigmaOverall: number;
}

/** Indices are null when the specification does not define them (Cp, Pp and Cpm need both limits). */
export interface Capability {
  usl: number | null;
  lsl: number | null;
  target: number | null;
  mean: number;
  sigmaWithin: number;
  sigmaOverall: number;
  cp: number | null;
  cpu: number | null;
  cpl: number | null;
  cpk: number | null;
  pp: number | null;
  ppu: number | null;
  ppl: number | null;
  ppk: number | null;
  /** (USL-LSL) / (6 √(sigmaOverall² + (mean-T)²)). */
  cpm: number | null;
}

const ratio = (numerator: number, denominator: number): number => numerator / denominator;

/**
 * Capability indices. Cp = (USL-LSL)/6σw, Cpk = min(USL-μ, μ-LSL)/3σw; Pp, Ppk the same with the
 * overall σ; Cpm = (USL-LSL)/(6 √(σ² + (μ-T)²)) with the overall σ. With one limit only the one-sided
 * indices (Cpu or Cpl, and Cpk equal to it) are given.
 * @example capability({ mean: 10, sigmaWithin: 1, sigmaOverall: 1, lsl: 4, usl: 16 }).cp // 2
 */
export function capability(input: CapabilityInput): Capability | null {
  const { mean, sigmaWithin, sigmaOverall } = input;
  const usl = input.usl ?? null;
  const lsl = input.lsl ?? null;
  if (usl === null && lsl === null) return null;
  if (usl !== null && lsl !== null && !(usl > lsl)) throw new RangeError(`usl (${usl}) must be greater than lsl (${lsl})`);
  const both = usl !== null && lsl !== null;
  const target = both ? (input.target ?? (usl + lsl) / 2) : (input.target ?? null);
  const upper = (sigma: number) => (usl === null ? null : ratio(usl - mean, 3 * sigma));
  const lower = (sigma: number) => (lsl === null ? null : ratio(mean - lsl, 3 * sigma));
  const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  const cpu = upper(sigmaWithin);
  const cpl = lower(sigmaWithin);
  const ppu = upper(sigmaOverall);
  const ppl = lower(sigmaOverall);
  return {
    usl,
    lsl,
    target,
    mean,
    sigmaWithin,
    sigmaOverall,
    cp: both ? ratio(usl - lsl, 6 * sigmaWithin) : null,
    cpu,
    cpl,
    cpk: minOf(cpu, cpl),
    pp: both ? ratio(usl - lsl, 6 * sigmaOverall) : null,
    ppu,
    ppl,
    ppk: minOf(ppu, ppl),
    cpm: both && target !== null ? ratio(usl - lsl, 6 * Math.sqrt(sigmaOverall ** 2 + (mean - target) ** 2)) : null,
  };
}
