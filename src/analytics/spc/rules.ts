/**
 * Western Electric and Nelson run rules on a series of chart points, with zones taken from the
 * chart's center line and the sigma of the plotted statistic.
 *
 * A violation is reported at every point that completes the pattern (so a sustained shift keeps
 * signalling); `points` lists the points that form it. "Beyond" is strict: a point exactly on a
 * zone boundary is not beyond it, and a point exactly on the center line is on neither side.
 */

/** Every rule Loom knows. */
export const RULE_IDS = [
  'we-1',
  'we-2',
  'we-3',
  'we-4',
  'nelson-1',
  'nelson-2',
  'nelson-3',
  'nelson-4',
  'nelson-5',
  'nelson-6',
  'nelson-7',
  'nelson-8',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** A short name for each rule, as shown in events and the API. */
export const RULE_NAMES: Readonly<Record<RuleId, string>> = {
  'we-1': '1 point beyond 3 sigma',
  'we-2': '2 of 3 beyond 2 sigma, same side',
  'we-3': '4 of 5 beyond 1 sigma, same side',
  'we-4': '8 in a row on one side of the center line',
  'nelson-1': '1 point beyond 3 sigma',
  'nelson-2': '9 in a row on one side of the center line',
  'nelson-3': '6 in a row steadily increasing or decreasing',
  'nelson-4': '14 in a row alternating up and down',
  'nelson-5': '2 of 3 beyond 2 sigma, same side',
  'nelson-6': '4 of 5 beyond 1 sigma, same side',
  'nelson-7': '15 in a row within 1 sigma, either side',
  'nelson-8': '8 in a row beyond 1 sigma, on both sides',
};

/** Where the zones are: the center line and the sigma of the plotted statistic (zone width). */
export interface Zones {
  center: number;
  sigma: number;
}

export interface Violation {
  rule: RuleId;
  ruleName: string;
  /** Index of the point that completes the pattern. */
  index: number;
  /** Indices of the points that form the pattern, ascending. */
  points: number[];
}

type Detector = (z: readonly number[], values: readonly number[], i: number) => number[] | undefined;

/**
 * k of the last m points (ending at i, which must be one of them) beyond `sigmas` on the same side.
 * At the start of a series the window is shorter: 2 points beyond 2 sigma at points 0 and 1 signal.
 */
function kOfM(k: number, m: number, sigmas: number): Detector {
  return (z, _values, i) => {
    for (const side of [1, -1]) {
      if (side * z[i] <= sigmas) continue;
      const hits: number[] = [];
      for (let j = Math.max(0, i - m + 1); j <= i; j++) if (side * z[j] > sigmas) hits.push(j);
      if (hits.length >= k) return hits;
    }
    return undefined;
  };
}

/** The last `length` points (ending at i) all satisfy `test`. */
function run(length: number, test: (z: readonly number[], values: readonly number[], j: number, i: number) => boolean): Detector {
  return (z, values, i) => {
    if (i < length - 1) return undefined;
    for (let j = i - length + 1; j <= i; j++) if (!test(z, values, j, i)) return undefined;
    return Array.from({ length }, (_, k) => i - length + 1 + k);
  };
}

const beyond3: Detector = (z, _values, i) => (Math.abs(z[i]) > 3 ? [i] : undefined);
const sameSide = (length: number) => run(length, (z, _v, j, i) => Math.sign(z[j]) !== 0 && Math.sign(z[j]) === Math.sign(z[i]));
const trend: Detector = (z, values, i) => {
  const up = run(6, (_z, v, j, end) => j === end - 5 || v[j] > v[j - 1])(z, values, i);
  return up ?? run(6, (_z, v, j, end) => j === end - 5 || v[j] < v[j - 1])(z, values, i);
};
const alternating = run(14, (_z, v, j, end) => {
  if (j <= end - 12) return true; // the first two points start the pattern
  const before = Math.sign(v[j - 1] - v[j - 2]);
  const now = Math.sign(v[j] - v[j - 1]);
  return before !== 0 && now !== 0 && before !== now;
});
const stratification = run(15, (z, _v, j) => Math.abs(z[j]) < 1);
const mixture: Detector = (z, values, i) => {
  const hits = run(8, (zz, _v, j) => Math.abs(zz[j]) > 1)(z, values, i);
  if (!hits) return undefined;
  return hits.some((j) => z[j] > 0) && hits.some((j) => z[j] < 0) ? hits : undefined;
};

const DETECTORS: Readonly<Record<RuleId, Detector>> = {
  'we-1': beyond3,
  'we-2': kOfM(2, 3, 2),
  'we-3': kOfM(4, 5, 1),
  'we-4': sameSide(8),
  'nelson-1': beyond3,
  'nelson-2': sameSide(9),
  'nelson-3': trend,
  'nelson-4': alternating,
  'nelson-5': kOfM(2, 3, 2),
  'nelson-6': kOfM(4, 5, 1),
  'nelson-7': stratification,
  'nelson-8': mixture,
};

/** Standardises values: (x - center) / sigma. */
export function standardise(values: readonly number[], zones: Zones): number[] {
  if (!(zones.sigma > 0)) throw new RangeError(`zone sigma must be positive, got ${zones.sigma}`);
  return values.map((x) => (x - zones.center) / zones.sigma);
}

/**
 * Finds every violation of the chosen rules, ordered by point index then rule.
 * `from` skips patterns completed before that index (phase II monitoring with a phase I history).
 * @example detectViolations([0, 0, 4], { center: 0, sigma: 1 }, ['nelson-1']) // [{ rule: 'nelson-1', index: 2, points: [2], ... }]
 */
export function detectViolations(values: readonly number[], zones: Zones, rules: readonly RuleId[], from = 0): Violation[] {
  const z = standardise(values, zones);
  const violations: Violation[] = [];
  for (let i = Math.max(0, from); i < values.length; i++) {
    for (const rule of rules) {
      const points = DETECTORS[rule](z, values, i);
      if (points) violations.push({ rule, ruleName: RULE_NAMES[rule], index: i, points });
    }
  }
  return violations;
}

/** The longest pattern any rule looks at: how much history a live monitor must keep. */
export const LONGEST_PATTERN = 15;

/**
 * Parses a rule selection: `we` (Western Electric 1-4), `nelson` (Nelson 1-8), numbers (Nelson rules,
 * `1,2,5`) or ids (`we-2,nelson-3`), comma-separated and combinable. Throws on anything else.
 */
export function parseRules(spec: string): RuleId[] {
  const chosen = new Set<RuleId>();
  for (const raw of spec.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0)) {
    if (raw === 'we' || raw === 'nelson') {
      for (const id of RULE_IDS) if (id.startsWith(`${raw}-`)) chosen.add(id);
    } else if (/^[1-8]$/.test(raw)) {
      chosen.add(`nelson-${raw}` as RuleId);
    } else if ((RULE_IDS as readonly string[]).includes(raw)) {
      chosen.add(raw as RuleId);
    } else {
      throw new RangeError(`unknown rule '${raw}': use we, nelson, 1-8 (Nelson rules) or ids such as we-2, nelson-7`);
    }
  }
  if (chosen.size === 0) throw new RangeError('no rules chosen');
  return RULE_IDS.filter((id) => chosen.has(id));
}
