// Machine states to categorised intervals: from a state tag with a code map, or from a running bit
// plus the count rate; operator reasons override the automatic ones.
import type { ReasonOverride, StateCategory, StateInterval } from './types.js';

/** State names Loom knows (the simulator's, plus common synonyms) and their category. */
export const DEFAULT_STATE_CATEGORIES: Readonly<Record<string, StateCategory>> = Object.freeze({
  running: 'running',
  producing: 'running',
  execute: 'running',
  reduced_speed: 'reduced_speed',
  slow: 'reduced_speed',
  setup: 'setup',
  changeover: 'setup',
  warmup: 'setup',
  idle: 'idle',
  no_order: 'idle',
  planned_break: 'planned_break',
  break: 'planned_break',
  planned_maintenance: 'planned_maintenance',
  maintenance: 'planned_maintenance',
  breakdown: 'breakdown',
  fault: 'breakdown',
  failure: 'breakdown',
  minor_stop: 'minor_stop',
  jam: 'minor_stop',
  starved: 'starved',
  blocked: 'blocked',
  offline: 'offline',
  unknown: 'offline',
});

/** Category of a state name; unknown names are `offline` (no information is not production). */
export function categorize(name: string, map: Readonly<Record<string, StateCategory>> = DEFAULT_STATE_CATEGORIES): StateCategory {
  return map[name] ?? map[name.toLowerCase()] ?? 'offline';
}

/** A timestamped value as read from the historian or the bus. */
export interface TimedValue<T> {
  ts: number;
  value: T;
}

/**
 * Intervals from state-tag samples: each state holds until the next sample with a different code.
 * `codes` is the tag's `states` map (code -> name); the last state runs to `to`.
 *
 * @example
 * intervalsFromStates([{ ts: 0, value: 1 }, { ts: 60_000, value: 7 }], { '1': 'running', '7': 'minor_stop' }, 0, 90_000);
 * // [{ from: 0, to: 60000, category: 'running', ... }, { from: 60000, to: 90000, category: 'minor_stop', ... }]
 */
export function intervalsFromStates(
  samples: ReadonlyArray<TimedValue<number | string>>,
  codes: Readonly<Record<string, string>>,
  from: number,
  to: number,
  categories?: Readonly<Record<string, StateCategory>>,
): StateInterval[] {
  const out: StateInterval[] = [];
  for (const sample of samples) {
    if (sample.ts >= to) break;
    const name = codes[String(sample.value)] ?? String(sample.value);
    const start = Math.max(from, sample.ts);
    const last = out[out.length - 1];
    if (last && last.autoReason === name) continue;
    if (last) last.to = start;
    if (last && last.to <= last.from) out.pop();
    out.push({ from: start, to, category: categorize(name, categories), reason: name, autoReason: name });
  }
  return out.filter((i) => i.to > i.from);
}

/** Thresholds that turn a running bit and a count rate into states. */
export interface RunningBitOptions {
  /** Stops shorter than this are minor stops, longer ones breakdowns. Default 5 min. */
  microstopMs?: number;
  /** A run whose rate is below this share of the ideal rate is reduced speed. Default 0.8. */
  reducedSpeedRatio?: number;
  /** Runs shorter than this are not production but part of a minor stop (jogging, restarts). Default 10 s. */
  minRunMs?: number;
}

/**
 * Intervals from a running bit (true = running) and unit completions (`counts`: ts and units), for
 * assets without a state tag. A stop shorter than `microstopMs` is a `minor_stop`, a longer one a
 * `breakdown`; a run with rate below `reducedSpeedRatio` x ideal rate (`idealCycleMs`) is
 * `reduced_speed`; a run shorter than `minRunMs` is a `minor_stop`.
 */
export function intervalsFromRunning(
  running: ReadonlyArray<TimedValue<boolean>>,
  counts: ReadonlyArray<TimedValue<number>>,
  from: number,
  to: number,
  idealCycleMs: number | undefined,
  options: RunningBitOptions = {},
): StateInterval[] {
  const microstopMs = options.microstopMs ?? 300_000;
  const ratio = options.reducedSpeedRatio ?? 0.8;
  const minRunMs = options.minRunMs ?? 10_000;
  const raw: Array<{ from: number; to: number; on: boolean }> = [];
  for (const s of running) {
    if (s.ts >= to) break;
    const start = Math.max(from, s.ts);
    const last = raw[raw.length - 1];
    if (last && last.on === s.value) continue;
    if (last) last.to = start;
    raw.push({ from: start, to, on: s.value });
  }
  const out: StateInterval[] = [];
  let k = 0;
  for (const r of raw) {
    if (r.to <= r.from) continue;
    const ms = r.to - r.from;
    let category: StateCategory;
    let auto: string;
    if (!r.on) {
      category = ms < microstopMs ? 'minor_stop' : 'breakdown';
      auto = `derived:${category}`;
    } else if (ms < minRunMs) {
      category = 'minor_stop';
      auto = 'derived:short_run';
    } else {
      // Units finished in (from, to] belong to this run.
      let units = 0;
      while (k < counts.length && counts[k].ts <= r.from) k++;
      let j = k;
      while (j < counts.length && counts[j].ts <= r.to) units += counts[j++].value;
      const slow = idealCycleMs !== undefined && idealCycleMs > 0 && units * idealCycleMs < ratio * ms;
      category = slow ? 'reduced_speed' : 'running';
      auto = `derived:${category}`;
    }
    const last = out[out.length - 1];
    if (last && last.category === category && last.to === r.from) last.to = r.to;
    else out.push({ from: r.from, to: r.to, category, reason: auto, autoReason: auto });
  }
  return out;
}

/**
 * Applies operator reasons: overlapping intervals are split at the override's edges and the part
 * inside takes the operator's reason (and category, when given). The automatic reason stays in
 * `autoReason`.
 */
export function applyOverrides(intervals: readonly StateInterval[], overrides: readonly ReasonOverride[]): StateInterval[] {
  let current = intervals.map((i) => ({ ...i }));
  for (const o of overrides) {
    const next: StateInterval[] = [];
    for (const i of current) {
      if (o.to <= i.from || o.from >= i.to) {
        next.push(i);
        continue;
      }
      if (i.from < o.from) next.push({ ...i, to: o.from });
      next.push({
        ...i,
        from: Math.max(i.from, o.from),
        to: Math.min(i.to, o.to),
        reason: o.reason,
        operatorReason: o.reason,
        category: o.category ?? i.category,
      });
      if (i.to > o.to) next.push({ ...i, from: o.to });
    }
    current = next;
  }
  return current;
}
