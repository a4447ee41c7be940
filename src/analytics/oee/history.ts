// OEE of one asset over [from, to) from raw samples in the historian.
import type { Historian, HistoryPoint } from '../../historian/types.js';
import type { TagDefinition } from '../../model/index.js';
import { AssetFeed, assetTags, type FeedOptions, type FeedRole } from './asset-feed.js';
import type { PlanCalendar } from './plan-calendar.js';
import { applyOverrides, intervalsFromRunning, intervalsFromStates, type RunningBitOptions } from './state-model.js';
import { counterDeltas } from './counters.js';
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
 * Reads the asset's tags (by role) from the historian and computes its cells over [from, to).
 * Units finished at `to` exactly (the tick that ends the range) count; readings before `from` only
 * set the state, product, order and counter baselines.
 *
 * @example
 * const { cells } = await computeOeeFromHistory(historian, 'acme/berlin/machining/line-1/press-1', registry.all(), from, to, { plan });
 * oeeReport(sumCells(cells)).iso.oee;
 */
export async function computeOeeFromHistory(
  historian: Pick<Historian, 'query'>,
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
  const series = new Map<FeedRole, HistoryPoint[]>();
  for (const role of roles) {
    const tag = at.byRole[role]!.path;
    const bucketMs = role === 'energy' ? options.energyBucketMs : undefined;
    if (bucketMs !== undefined && bucketMs > 0) {
      const points = await queryBuckets(historian, tag, from - lookBack, to + 1, bucketMs, 'last');
      // A bucket's last reading is known at the bucket's end.
      series.set(role, points.filter((p) => p.value !== null).map((p) => ({ ts: Math.min(p.ts + bucketMs, to), value: p.value })));
      continue;
    }
    const points = await queryRaw(historian, tag, from - lookBack, to + 1);
    series.set(role, points.filter((p) => p.value !== null && p.quality !== 'bad'));
  }
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

  // Merge the series (each sorted by time) into one time-ordered stream; same-time order is settled in the feed.
  const streams: Array<{ role: FeedRole | 'category'; points: ReadonlyArray<{ ts: number; value: HistoryPoint['value'] }> }> = [
    { role: 'category', points: intervals.map((i) => ({ ts: i.from, value: i.category })) },
  ];
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
    else feed.push(role, { ts: p.ts, value: p.value as string | number | boolean, quality: 'good' });
  }
  feed.advanceTo(to);
  return {
    asset,
    cells: feed.accumulator.snapshot().map((c) => ({ key: { ...c.key }, totals: structuredClone(c.totals) })),
    intervals: intervals.filter((i) => i.to > from).map((i) => ({ ...i, from: Math.max(i.from, from) })),
    stateSource,
    counterStats: feed.counterStats(),
  };
}

