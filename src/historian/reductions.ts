// Reads that reduce a series inside the database, for consumers that would otherwise read every raw
// sample only to throw most of them away (the OEE reads a month of a 1 Hz piece counter to learn how
// many pieces fell into each shift and state):
//   valueChanges: the samples where the value changes (a state tag sampled every second changes a
//                 few thousand times a month);
//   counterSums:  the increments of a cumulative counter (wraps, resets, glitches as `counterStep`
//                 decides) summed between cut points.
// Both backends run the SQL built here; `referenceValueChanges` and `referenceCounterSums` are the
// same answers computed in plain code (the conformance suite and in-memory fakes use them).

import type { SampleValue } from '../model/index.js';
import type { HistoryPoint } from './types.js';
import { storedValue, type StoredRow } from './answers.js';
import { QUALITY_NAMES, type StoredKind } from './protocol.js';

export interface ValueChangesQuery {
  tag: string;
  /** Inclusive start, ms UTC. */
  from: number;
  /** Exclusive end, ms UTC. */
  to: number;
}

export interface CounterSumsQuery {
  tag: string;
  /** Inclusive start of the readings, ms UTC (the first reading is the baseline). */
  from: number;
  /** Exclusive end of the readings, ms UTC. */
  to: number;
  /**
   * Ascending cut points, ms UTC (integers). The increment of a reading at ts goes to the interval
   * (cuts[k-1], cuts[k]] that holds ts, answered as `ends[j] = cuts[k]`; readings at or before
   * cuts[0] or after the last cut only serve as baselines.
   */
  cuts: readonly number[];
  /** The value at which the counter wraps to 0 (65536 for a 16-bit counter); none: drops are never wraps. */
  modulus?: number;
  /** A drop to at most this value, not explained by a wrap, is a reset and the new value counts. Default 10. */
  resetBelow?: number;
}

export interface CounterSumsResult {
  tag: string;
  /** Right ends (cut points) of the intervals with a non-zero sum, ascending. */
  ends: number[];
  /** The summed increments, per entry of `ends`. */
  sums: number[];
  /** Over every reading in [from, to). */
  wraps: number;
  resets: number;
  /** Drops that were neither a wrap nor a reset: ignored, the new value becomes the baseline. */
  glitches: number;
}

/** Cut points per counter-sums query (a month of state changes of a busy machine is a few thousand). */
export const MAX_CUTS = 200_000;
export const DEFAULT_RESET_BELOW = 10;

/** How a counter reading relates to the previous one. */
export type CounterStepKind = 'up' | 'wrap' | 'reset' | 'glitch';

/**
 * The increment of a cumulative counter from `previous` to `value` (`previous` undefined: the first
 * reading, 0). A drop is a wrap when `value + modulus - previous` is less than half the modulus, else
 * a reset when `value` is at most `resetBelow` (the units counted since the reset count), else a
 * glitch (0). The SQL in `counterSumsSql` states the same rule.
 */
export function counterStep(previous: number | undefined, value: number, modulus: number | undefined, resetBelow: number): { kind: CounterStepKind; increment: number } {
  if (previous === undefined) return { kind: 'up', increment: 0 };
  if (value >= previous) return { kind: 'up', increment: value - previous };
  if (modulus !== undefined && value + modulus - previous < modulus / 2) return { kind: 'wrap', increment: value + modulus - previous };
  if (value <= resetBelow) return { kind: 'reset', increment: value };
  return { kind: 'glitch', increment: 0 };
}

/** Refuses queries a backend would answer wrongly or slowly; returns the resolved options. */
export function checkCounterSums(q: CounterSumsQuery): { modulus: number | undefined; resetBelow: number } {
  const where = `counter sums of '${q.tag}'`;
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.from >= q.to) throw new Error(`${where}: from must be before to (got ${q.from} .. ${q.to})`);
  if (q.cuts.length > MAX_CUTS) throw new Error(`${where}: ${q.cuts.length} cut points, at most ${MAX_CUTS}`);
  for (let i = 0; i < q.cuts.length; i++) {
    if (!Number.isSafeInteger(q.cuts[i])) throw new Error(`${where}: cut point ${i} is not an integer ms time (${q.cuts[i]})`);
    if (i > 0 && q.cuts[i] <= q.cuts[i - 1]) throw new Error(`${where}: cut points must ascend (${q.cuts[i - 1]} then ${q.cuts[i]})`);
  }
  if (q.modulus !== undefined && !(Number.isFinite(q.modulus) && q.modulus > 0)) throw new Error(`${where}: modulus must be a number above 0 (got ${q.modulus})`);
  const resetBelow = q.resetBelow ?? DEFAULT_RESET_BELOW;
  if (!Number.isFinite(resetBelow)) throw new Error(`${where}: resetBelow must be a finite number (got ${resetBelow})`);
  return { modulus: q.modulus, resetBelow };
}

export function checkValueChanges(q: ValueChangesQuery): void {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || q.from >= q.to) throw new Error(`value changes of '${q.tag}': from must be before to (got ${q.from} .. ${q.to})`);
}

/** A sample as the references read it. */
export interface ReducibleSample {
  ts: number;
  value: SampleValue | null;
  quality?: 'good' | 'uncertain' | 'bad';
}

const usable = (s: ReducibleSample) => s.value !== null && s.quality !== 'bad';

/** `valueChanges` over time-sorted samples: good and uncertain samples whose value differs from the previous such sample. */
export function referenceValueChanges(samples: readonly ReducibleSample[], q: ValueChangesQuery): HistoryPoint[] {
  const out: HistoryPoint[] = [];
  let last: SampleValue | null | undefined;
  for (const s of samples) {
    if (s.ts < q.from || s.ts >= q.to || !usable(s)) continue;
    if (out.length > 0 && sameValue(s.value, last)) continue;
    out.push({ ts: s.ts, value: s.value, quality: s.quality ?? 'good' });
    last = s.value;
  }
  return out;
}

function sameValue(a: SampleValue | null | undefined, b: SampleValue | null | undefined): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** `counterSums` over time-sorted samples (numbers and booleans as 0/1; non-finite readings skipped). */
export function referenceCounterSums(samples: readonly ReducibleSample[], q: CounterSumsQuery): CounterSumsResult {
  const { modulus, resetBelow } = checkCounterSums(q);
  const result: CounterSumsResult = { tag: q.tag, ends: [], sums: [], wraps: 0, resets: 0, glitches: 0 };
  const cuts = q.cuts;
  let previous: number | undefined;
  let k = 0;
  for (const s of samples) {
    if (s.ts < q.from || s.ts >= q.to || !usable(s)) continue;
    const value = Number(s.value);
    if (!Number.isFinite(value)) continue;
    const step = counterStep(previous, value, modulus, resetBelow);
    previous = value;
    if (step.kind === 'wrap') result.wraps++;
    else if (step.kind === 'reset') result.resets++;
    else if (step.kind === 'glitch') result.glitches++;
    while (k < cuts.length && cuts[k] < s.ts) k++;
    if (k === 0 || k === cuts.length || step.increment === 0) continue;
    const n = result.ends.length;
    if (n > 0 && result.ends[n - 1] === cuts[k]) result.sums[n - 1] += step.increment;
    else {
      result.ends.push(cuts[k]);
      result.sums.push(step.increment);
    }
  }
  return result;
}

/** What differs between the two backends' SQL. */
export interface ReductionDialect {
  /** A condition true for finite doubles. */
  finite(column: string): string;
  /** A one-column (`ts`) relation of the cut points. */
  cutRows(cuts: readonly number[]): string;
  /** Integer division of a non-negative BIGINT expression by a positive integer. */
  div(expression: string, divisor: number): string;
  /** The aggregate that collects a column into a list (an array). */
  collect(column: string): string;
  /** How many elements of the list `list` are below `value`. */
  countBelow(list: string, value: string): string;
}

/** The changes of a tag's samples in `source` (a relation with ts, q, num, str of one tag and range). */
export function valueChangesSql(source: string): string {
  return `SELECT ts, q, num, str FROM (
      SELECT ts, q, num, str, lag(num) OVER w AS pn, lag(str) OVER w AS ps, row_number() OVER w AS rn
      FROM ${source} src WHERE q <> 2 AND (num IS NOT NULL OR str IS NOT NULL)
      WINDOW w AS (ORDER BY ts)) c
    WHERE rn = 1 OR num IS DISTINCT FROM pn OR str IS DISTINCT FROM ps ORDER BY ts`;
}

/** Readings are first summed per cell of this width (and per cut inside it): the window that finds each interval then sorts a few rows per minute, not every reading. */
const CELL_MS = 60_000;

/**
 * Rows (k, inc, wraps, resets, glitches) per interval index k = the number of cuts before the
 * reading (cuts at the reading's ts come after it: it belongs to the interval that ends there).
 * `how`: 0 up (or the first reading), 1 wrap, 2 reset, 3 glitch, as `counterStep`. Readings are
 * summed per minute cell and per stretch between the cuts inside the cell first; each such group
 * lies in one interval, which its last reading's time finds.
 */
export function counterSumsSql(source: string, q: CounterSumsQuery, dialect: ReductionDialect): string {
  const { modulus, resetBelow } = checkCounterSums(q);
  const m = modulus === undefined ? null : `CAST(${modulus} AS DOUBLE PRECISION)`;
  const wrap = m === null ? 'false' : `v + ${m} - p < ${m} / 2`;
  return `WITH d AS (
      SELECT ts, num AS v, lag(num) OVER (ORDER BY ts) AS p FROM ${source} src
      WHERE q <> 2 AND num IS NOT NULL AND ${dialect.finite('num')}
    ), h AS (
      SELECT ts, v, p, CASE WHEN p IS NULL OR v >= p THEN 0 WHEN ${wrap} THEN 1 WHEN v <= CAST(${resetBelow} AS DOUBLE PRECISION) THEN 2 ELSE 3 END AS how FROM d
    ), cuts AS (
      SELECT ts FROM ${dialect.cutRows(q.cuts)}
    ), cell_cuts AS (
      SELECT ${dialect.div('ts', CELL_MS)} AS cell, ${dialect.collect('ts')} AS cs FROM cuts GROUP BY 1
    ), located AS (
      SELECT h.ts, h.how, ${dialect.div('h.ts', CELL_MS)} AS cell,
        CASE WHEN cc.cs IS NULL THEN 0 ELSE ${dialect.countBelow('cc.cs', 'h.ts')} END AS part,
        CASE h.how WHEN 0 THEN coalesce(h.v - h.p, 0) WHEN 1 THEN h.v + ${m ?? 0} - h.p WHEN 2 THEN h.v ELSE 0 END AS inc
      FROM h LEFT JOIN cell_cuts cc ON ${dialect.div('h.ts', CELL_MS)} = cc.cell
    ), grouped AS (
      SELECT max(ts) AS ts, sum(inc) AS inc, count(*) FILTER (WHERE how = 1) AS wraps, count(*) FILTER (WHERE how = 2) AS resets,
        count(*) FILTER (WHERE how = 3) AS glitches
      FROM located GROUP BY cell, part
    ), marked AS (
      SELECT ts, 0 AS cut, inc, wraps, resets, glitches FROM grouped
      UNION ALL SELECT ts, 1 AS cut, 0, 0, 0, 0 FROM cuts
    ), bucketed AS (
      SELECT cut, inc, wraps, resets, glitches, sum(cut) OVER (ORDER BY ts, cut ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS k FROM marked
    )
    SELECT k, sum(inc) AS inc, sum(wraps) AS wraps, sum(resets) AS resets, sum(glitches) AS glitches
    FROM bucketed WHERE cut = 0 GROUP BY k ORDER BY k`;
}

/** The rows of `counterSumsSql` as the answer. */
export function counterSumsResult(q: CounterSumsQuery, rows: ReadonlyArray<readonly unknown[]>): CounterSumsResult {
  const result: CounterSumsResult = { tag: q.tag, ends: [], sums: [], wraps: 0, resets: 0, glitches: 0 };
  for (const row of rows) {
    const k = Number(row[0]);
    const inc = Number(row[1]);
    result.wraps += Number(row[2]);
    result.resets += Number(row[3]);
    result.glitches += Number(row[4]);
    if (k < 1 || k >= q.cuts.length || inc === 0) continue;
    result.ends.push(q.cuts[k]);
    result.sums.push(inc);
  }
  return result;
}

/** Stored rows of `valueChangesSql` as points. */
export function changedPoints(kind: StoredKind, rows: readonly StoredRow[]): HistoryPoint[] {
  return rows.map((row) => ({ ts: row.ts, value: storedValue(kind, row), quality: QUALITY_NAMES[row.q] ?? 'bad' }));
}
