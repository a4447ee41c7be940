// OEE of one asset over [from, to) from raw samples in the historian.
import type { Historian, HistoryPoint } from '../../historian/types.js';
import { DEFAULT_RESET_BELOW } from '../../historian/reductions.js';
import { DEFAULT_STARTUP_MS } from './accumulator.js';
import { shiftWindows } from './shift-cache.js';
import type { TagDefinition } from '../../model/index.js';
import { AssetFeed, assetTags, type AssetTags, type FeedOptions, type FeedRole } from './asset-feed.js';
import type { PlanCalendar } from './plan-calendar.js';
import { applyOverrides, intervalsFromRunning, intervalsFromStates, type RunningBitOptions } from './state-model.js';
import { counterDeltas, counterModulus, type CounterStats } from './counters.js';
import type { Cell, ReasonOverride, StateCategory, StateInterval } from './types.js';

export interface HistoryOptions {
  plan: PlanCalendar;
  /** Ideal cycle time in seconds per product (wins over the ideal_cycle_time tag). */
  productPri?: Readonly<Record<string, number>>;
  /** Operator reasons; those of other assets are ignored. */
  overrides?: readonly ReasonOverride[];
  categories?: Readonly<Record<string, StateCategory>>;
  counter?: FeedOptions['counter'];
  startupMs?: number;
  /** Thresholds for assets with a running bit instead of a state tag. */
  runningBit?: RunningBitOptions;
  /** How far before `from` to look for the state, product, order and counter readings in force. Default 24 h. */
  lookBackMs?: number;
  /**
   * Read the energy meter as the last reading per bucket of this width (a rollup) instead of raw
   * samples: a meter sampled every second is most of the rows of a month. Energy is then booked at
   * bucket ends (to the bucket, not the second). Default: raw.
   */
  energyBucketMs?: number;
}

export interface HistoryOee {
  asset: string;
  cells: Cell[];
  intervals: StateInterval[];
  /** Where the states came from. */
  stateSource: 'state' | 'running' | 'none';
  counterStats: ReturnType<AssetFeed['counterStats']>;
}

const WINDOW_POINTS = 1_000_000;

/** Raw points of a tag in [from, to), splitting the range until the historian answers raw. */
export async function queryRaw(historian: Pick<Historian, 'query'>, tag: string, from: number, to: number, depth = 0): Promise<HistoryPoint[]> {
  const result = await historian.query({ tag, from, to, maxPoints: WINDOW_POINTS });
  // Only an answer without buckets is raw (a bucketed answer computed from raw rows says resolution 'raw' too).
  if (result.bucketMs === null) return result.points;
  if (depth > 20 || to - from < 2) throw new Error(`historian answers buckets for ${tag} even for ${to - from} ms`);
  const mid = Math.floor((from + to) / 2);
  return [...(await queryRaw(historian, tag, from, mid, depth + 1)), ...(await queryRaw(historian, tag, mid, to, depth + 1))];
}

/** Buckets the historian serves per query (its MAX_BUCKETS is 10,000). */
const BUCKETS_PER_QUERY = 9_000;

/** The `agg` per bucket over [from, to), asked in windows of at most 9,000 epoch-aligned buckets. */
export async function queryBuckets(historian: Pick<Historian, 'query'>, tag: string, from: number, to: number, bucketMs: number, agg: 'last' | 'first'): Promise<HistoryPoint[]> {
  const out: HistoryPoint[] = [];
  for (let start = Math.floor(from / bucketMs) * bucketMs; start < to; start += BUCKETS_PER_QUERY * bucketMs) {
    const end = Math.min(to, start + BUCKETS_PER_QUERY * bucketMs);
    const result = await historian.query({ tag, from: Math.max(from, start), to: end, bucketMs, agg, maxPoints: BUCKETS_PER_QUERY + 2 });
    for (const p of result.points) if (p.ts >= start && p.ts < end) out.push(p);
  }
  return out;
}

/**
 * What the history path reads. With `valueChanges` and `counterSums` (both real historians), state,
 * product, order and cycle-time tags are read as their changes and the counters as sums between the
 * times where anything a unit is booked by changes (see `cutPoints`): a month of a line is a few
 * thousand rows instead of millions, with the same cells. Without them (or for assets with a running
 * bit, whose states need every count), every raw sample is read.
 */
export type HistorySource = Pick<Historian, 'query'> & Partial<Pick<Historian, 'valueChanges' | 'counterSums'>>;

const COUNTER_ROLES = ['good_count', 'scrap_count', 'rework_count'] as const;

/**
 * Reads the asset's tags (by role) from the historian and computes its cells over [from, to).
 * Units finished at `to` exactly (the tick that ends the range) count; readings before `from` only
 * set the state, product, order and counter baselines.
 *
 * @example
 * const { cells } = await computeOeeFromHistory(historian, 'acme/berlin/machining/line-1/press-1', registry.all(), from, to, { plan });
 * oeeReport(sumCells(cells)).iso.oee;
 */
export async function computeOeeFromHistory(
  historian: HistorySource,
  asset: string,
  tags: readonly TagDefinition[],
  from: number,
  to: number,
  options: HistoryOptions,
): Promise<HistoryOee> {
  const at = assetTags(asset, tags);
  const lookBack = options.lookBackMs ?? 86_400_000;
  // A running bit only matters without a state tag (simulated machines have both): not read then.
  const roles = (Object.keys(at.byRole) as FeedRole[]).filter((role) => role !== 'running' || at.byRole.state === undefined);
  const reduced = reducedReads(historian, at);
  const series = new Map<FeedRole, HistoryPoint[]>();
  // All reads at once (the historian queues them back to back); the series keep the roles' order.
  const read = async (role: FeedRole): Promise<HistoryPoint[] | undefined> => {
    const tag = at.byRole[role]!.path;
    if (reduced && (COUNTER_ROLES as readonly FeedRole[]).includes(role)) return undefined; // summed once the cut points are known
    if (reduced && role !== 'energy') return reduced.valueChanges({ tag, from: from - lookBack, to: to + 1 });
    const bucketMs = role === 'energy' ? options.energyBucketMs : undefined;
    if (bucketMs !== undefined && bucketMs > 0) {
      const points = await queryBuckets(historian, tag, from - lookBack, to + 1, bucketMs, 'last');
      // A bucket's last reading is known at the bucket's end.
      return points.filter((p) => p.value !== null).map((p) => ({ ts: Math.min(p.ts + bucketMs, to), value: p.value }));
    }
    const points = await queryRaw(historian, tag, from - lookBack, to + 1);
    return points.filter((p) => p.value !== null && p.quality !== 'bad');
  };
  const answers = await Promise.all(roles.map(read));
  roles.forEach((role, i) => {
    const points = answers[i];
    if (points !== undefined) series.set(role, points);
  });
  const feed = new AssetFeed(at, { plan: options.plan, productPri: options.productPri, startupMs: options.startupMs, start: from, categories: options.categories, counter: options.counter });

  // States as intervals (so operator reasons can split them), fed as categories.
  const num = (role: FeedRole) => (series.get(role) ?? []).map((p) => ({ ts: p.ts, value: p.value as number }));
  let intervals: StateInterval[] = [];
  let stateSource: HistoryOee['stateSource'] = 'none';
  if (at.byRole.state) {
    stateSource = 'state';
    intervals = intervalsFromStates(num('state'), at.byRole.state.states ?? {}, from - lookBack, to, options.categories);
  } else if (at.byRole.running) {
    stateSource = 'running';
    const running = (series.get('running') ?? []).map((p) => ({ ts: p.ts, value: p.value === true || p.value === 1 || p.value === 'true' }));
    const good = counterDeltas(num('good_count'), { tagMax: at.byRole.good_count?.max, ...options.counter });
    const scrap = counterDeltas(num('scrap_count'), { tagMax: at.byRole.scrap_count?.max, ...options.counter });
    const units = [...good, ...scrap].sort((a, b) => a.ts - b.ts);
    const ict = num('ideal_cycle_time').find((p) => p.value > 0)?.value;
    const product = (series.get('product') ?? []).find((p) => p.ts <= from)?.value;
    const pri = (product !== undefined ? options.productPri?.[String(product)] : undefined) ?? ict;
    intervals = intervalsFromRunning(running, units, from - lookBack, to, pri !== undefined ? pri * 1000 : undefined, options.runningBit);
  }
  const overrides = (options.overrides ?? []).filter((o) => o.asset === asset);
  if (overrides.length > 0) intervals = applyOverrides(intervals, overrides);

  let summed: Awaited<ReturnType<typeof sumCounters>> | undefined;
  if (reduced) summed = await sumCounters(reduced, at, cutPoints(intervals, series, options, from, to), from - lookBack, to + 1, options.counter);

  // Merge the series (each sorted by time) into one time-ordered stream; same-time order is settled in the feed.
  const streams: Array<{ role: FeedRole | 'category' | 'increments'; points: ReadonlyArray<{ ts: number; value: HistoryPoint['value'] }> }> = [
    { role: 'category', points: intervals.map((i) => ({ ts: i.from, value: i.category })) },
  ];
  // Summed units: value is the index into summed.units.
  if (summed) streams.push({ role: 'increments', points: summed.units.map((u, k) => ({ ts: u.ts, value: k })) });
  for (const [role, points] of series) if (role !== 'state' && role !== 'running') streams.push({ role, points });
  const next = streams.map(() => 0);
  while (true) {
    let best = -1;
    let bestTs = Number.POSITIVE_INFINITY;
    for (let k = 0; k < streams.length; k++) {
      const p = streams[k].points[next[k]];
      if (p !== undefined && p.ts < bestTs) {
        bestTs = p.ts;
        best = k;
      }
    }
    if (best < 0) break;
    const { role, points } = streams[best];
    const p = points[next[best]++];
    if (role === 'category') feed.pushCategory(p.ts, p.value as StateCategory);
    else if (role === 'increments') {
      const u = summed!.units[p.value as number];
      feed.pushIncrements(u.ts, u.good, u.scrap, u.rework);
    }
    else feed.push(role, { ts: p.ts, value: p.value as string | number | boolean, quality: 'good' });
  }
  feed.advanceTo(to);
  return {
    asset,
    cells: feed.accumulator.snapshot().map((c) => ({ key: { ...c.key }, totals: structuredClone(c.totals) })),
    intervals: intervals.filter((i) => i.to > from).map((i) => ({ ...i, from: Math.max(i.from, from) })),
    stateSource,
    counterStats: summed?.stats ?? feed.counterStats(),
  };
}

function reducedReads(historian: HistorySource, at: AssetTags): Required<Pick<HistorySource, 'valueChanges' | 'counterSums'>> | undefined {
  const { valueChanges, counterSums } = historian;
  if (valueChanges === undefined || counterSums === undefined) return undefined;
  // A running bit's states are derived from every count (count rates): those assets read raw.
  if (at.byRole.state === undefined && at.byRole.running !== undefined) return undefined;
  return { valueChanges: valueChanges.bind(historian), counterSums: counterSums.bind(historian) };
}

/**
 * The times inside [from, to] where anything that decides how a unit is booked may change: the
 * state (and start-up windows after a setup), product, order, cycle time, production day and shift.
 * Between two cut points every unit lands in the same cell with the same flags, so the counters'
 * increments can be summed per interval (a unit read at ts belongs to the instant before ts: the
 * interval (c[k-1], c[k]] holds it, as the feed books units before changes at the same time).
 */
function cutPoints(intervals: readonly StateInterval[], series: ReadonlyMap<FeedRole, HistoryPoint[]>, options: HistoryOptions, from: number, to: number): number[] {
  const startupMs = options.startupMs ?? DEFAULT_STARTUP_MS;
  const cuts: number[] = [from, to];
  intervals.forEach((interval, k) => {
    cuts.push(interval.from);
    if (k > 0 && intervals[k - 1].category === 'setup') cuts.push(Math.floor(interval.from + startupMs));
  });
  for (const role of ['product', 'order', 'ideal_cycle_time'] as const) for (const p of series.get(role) ?? []) cuts.push(p.ts);
  for (const w of shiftWindows(options.plan, from, to)) cuts.push(w.start);
  const inRange = cuts.filter((c) => c >= from && c <= to).sort((a, b) => a - b);
  return inRange.filter((c, i) => i === 0 || c !== inRange[i - 1]);
}

/** The good, scrap and rework increments per interval between cut points, from the historian, with the counters' wraps, resets and glitches. */
async function sumCounters(
  historian: Required<Pick<HistorySource, 'counterSums'>>,
  at: AssetTags,
  cuts: number[],
  from: number,
  to: number,
  counter: FeedOptions['counter'],
): Promise<{ units: Array<{ ts: number; good: number; scrap: number; rework: number }>; stats: Record<string, CounterStats> }> {
  const byEnd = new Map<number, { ts: number; good: number; scrap: number; rework: number }>();
  const stats: Record<string, CounterStats> = {};
  const results = await Promise.all(
    COUNTER_ROLES.map((role) => {
      const tag = at.byRole[role];
      if (!tag) return undefined;
      const modulus = counterModulus({ tagMax: tag.max, ...counter });
      return historian.counterSums({ tag: tag.path, from, to, cuts, modulus, resetBelow: counter?.resetBelow ?? DEFAULT_RESET_BELOW });
    }),
  );
  for (const [k, role] of COUNTER_ROLES.entries()) {
    stats[role] = { wraps: 0, resets: 0, glitches: 0 };
    const result = results[k];
    if (!result) continue;
    stats[role] = { wraps: result.wraps, resets: result.resets, glitches: result.glitches };
    const field = role === 'good_count' ? 'good' : role === 'scrap_count' ? 'scrap' : 'rework';
    result.ends.forEach((ts, i) => {
      let unit = byEnd.get(ts);
      if (!unit) byEnd.set(ts, (unit = { ts, good: 0, scrap: 0, rework: 0 }));
      unit[field] += result.sums[i];
    });
  }
  return { units: [...byEnd.values()].sort((a, b) => a.ts - b.ts), stats };
}

