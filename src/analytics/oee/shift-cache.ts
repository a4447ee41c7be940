// Cells of closed shifts, kept so that a month's report does not re-read a month of raw samples.
// Cells are sums, so a closed shift's cells only change when late data arrives for its asset: any
// sample of the asset older than the end of a cached shift drops that shift and every later one.
import type { Bus, Subscription } from '../../bus/index.js';
import type { Sample, TagDefinition } from '../../model/index.js';
import type { PlanCalendar, PlanSlot } from './plan-calendar.js';
import type { Cell } from './types.js';

/** A run of time with the same production day and shift. */
export interface ShiftWindow {
  day: string;
  shift: string;
  start: number;
  end: number;
  /** Both ends are shift boundaries (not cut by the range). */
  complete: boolean;
}

/**
 * Slots of a plan already asked for, as [start, until) intervals sorted by `until`: a calendar in a
 * time zone costs dozens of Intl calls per new shift, and every request walks the same shifts again.
 */
class SlotMemo {
  private readonly untils: number[] = [];
  private readonly starts: number[] = [];
  private readonly slots: PlanSlot[] = [];

  constructor(private readonly plan: PlanCalendar) {}

  at(ts: number): PlanSlot {
    const u = this.untils;
    let lo = 0;
    let hi = u.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u[mid] <= ts) lo = mid + 1;
      else hi = mid;
    }
    if (lo < u.length && this.starts[lo] <= ts) return this.slots[lo];
    const slot = this.plan.at(ts);
    if (lo < u.length && u[lo] === slot.until) this.starts[lo] = Math.min(this.starts[lo], ts);
    else if (slot.until > ts) {
      u.splice(lo, 0, slot.until);
      this.starts.splice(lo, 0, ts);
      this.slots.splice(lo, 0, slot);
    }
    return slot;
  }
}

const memos = new WeakMap<PlanCalendar, SlotMemo>();

/** The shift windows that tile [from, to); the first and last may be cut by the range. */
export function shiftWindows(calendar: PlanCalendar, from: number, to: number): ShiftWindow[] {
  let plan = memos.get(calendar);
  if (!plan) memos.set(calendar, (plan = new SlotMemo(calendar)));
  const windows: ShiftWindow[] = [];
  const keyAt = (ts: number) => {
    const slot = plan.at(ts);
    return { id: `${slot.day}\u0000${slot.shift}`, slot };
  };
  let t = from;
  let startsAtBoundary = keyAt(from - 1).id !== keyAt(from).id;
  while (t < to) {
    const { id, slot } = keyAt(t);
    const start = t;
    let until = Math.max(slot.until, t + 1);
    while (until < to && keyAt(until).id === id) until = Math.max(plan.at(until).until, until + 1);
    const end = Math.min(until, to);
    const endsAtBoundary = until < to || keyAt(end).id !== id;
    windows.push({ day: slot.day, shift: slot.shift, start, end, complete: startsAtBoundary && endsAtBoundary });
    startsAtBoundary = true;
    t = end;
  }
  return windows;
}

export interface ShiftCacheOptions {
  /** A shift is cached once it ended this long ago; a late sample also stops caching of its asset for this long. Default 60 s. */
  settleMs?: number;
  /** Shifts kept (oldest dropped first). Default 200,000 (about 60 machines x 3 shifts x 3 years). */
  maxShifts?: number;
  now?: () => number;
}

const SNAPSHOT_VERSION = 1;

/** The cached shifts as plain data (JSON), per asset. */
export interface ShiftCacheSnapshot {
  version: number;
  assets: Record<string, Array<{ start: number; end: number; variant: string; cells: Cell[] }>>;
}

interface Entry {
  end: number;
  variant: string;
  cells: Cell[];
}

interface AssetEntries {
  byStart: Map<number, Entry>;
  /** The latest end of a cached shift: samples older than this are late. */
  maxEnd: number;
  /** Bumped by every invalidation, so a computation that overlapped one is not stored. */
  generation: number;
  quietUntil: number;
}

/**
 * Keeps the cells of closed shifts per asset. `cells()` answers a range from the cache where it can
 * and computes the rest (one call per run of missing shifts); `invalidate()` (or `attach()` to the
 * bus) drops what late samples may change.
 *
 * @example
 * const cache = new ShiftCellCache();
 * cache.attach(bus, (tag) => registry.get(tag)?.asset);
 * const cells = await cache.cells(asset, from, to, plan, '', (f, t) => computeOeeFromHistory(historian, asset, tags, f, t, { plan }).then((r) => r.cells));
 */
export class ShiftCellCache {
  private readonly assets = new Map<string, AssetEntries>();
  /** A shift is cached once it ended this long ago. */
  readonly settleMs: number;
  private readonly maxShifts: number;
  private readonly now: () => number;
  private size = 0;
  readonly stats = { hits: 0, misses: 0, computed: 0, lateSamples: 0, invalidated: 0 };

  constructor(options: ShiftCacheOptions = {}) {
    this.settleMs = options.settleMs ?? 60_000;
    this.maxShifts = options.maxShifts ?? 200_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The cells of `asset` over [from, to). `variant` names whatever else changes the cells (operator
   * reasons, options): cached shifts of another variant are recomputed. `compute(f, t)` must give the
   * cells over [f, t) (f and t are shift boundaries or the range's ends). Cells from the cache are
   * frozen and shared: sum them (as `sumCells`, `groupCells` do), do not change them.
   */
  async cells(asset: string, from: number, to: number, plan: PlanCalendar, variant: string, compute: (from: number, to: number) => Promise<Cell[]>): Promise<Cell[]> {
    const entries = this.entries(asset);
    const generation = entries.generation;
    const closedBefore = this.now() - this.settleMs;
    const out: Cell[] = [];
    const spans: Array<{ from: number; to: number; windows: ShiftWindow[] }> = [];
    for (const w of shiftWindows(plan, from, to)) {
      const hit = w.complete ? entries.byStart.get(w.start) : undefined;
      if (hit && hit.end === w.end && hit.variant === variant) {
        this.stats.hits++;
        for (const c of hit.cells) out.push(c);
        continue;
      }
      this.stats.misses++;
      const last = spans[spans.length - 1];
      if (last && last.to === w.start) {
        last.to = w.end;
        last.windows.push(w);
      } else spans.push({ from: w.start, to: w.end, windows: [w] });
    }
    for (const span of spans) {
      const cells = await compute(span.from, span.to);
      this.stats.computed++;
      for (const c of cells) out.push(c);
      const storable = entries.generation === generation && this.now() >= entries.quietUntil;
      if (!storable) continue;
      for (const w of span.windows) {
        if (!w.complete || w.end > closedBefore) continue;
        const own = cells.filter((c) => c.key.day === w.day && c.key.shift === w.shift);
        this.store(entries, w.start, { end: w.end, variant, cells: own });
      }
    }
    return out;
  }

  /** A sample of `asset` at `ts` arrived: drops the cached shifts it may change (those ending after `ts`). */
  invalidate(asset: string, ts: number): void {
    const entries = this.assets.get(asset);
    if (!entries) return;
    entries.generation++;
    entries.quietUntil = this.now() + this.settleMs;
    let maxEnd = Number.NEGATIVE_INFINITY;
    for (const [start, entry] of entries.byStart) {
      if (entry.end >= ts) {
        entries.byStart.delete(start);
        this.size--;
        this.stats.invalidated++;
      } else maxEnd = Math.max(maxEnd, entry.end);
    }
    entries.maxEnd = maxEnd;
  }

  /** Samples seen: those older than a cached shift's end of their asset invalidate it. */
  observe(samples: readonly Sample[], assetOf: (tag: string) => string | undefined): void {
    for (const s of samples) {
      const asset = assetOf(s.tag);
      if (asset === undefined) continue;
      const entries = this.assets.get(asset);
      if (entries && s.ts <= entries.maxEnd) {
        this.stats.lateSamples++;
        this.invalidate(asset, s.ts);
      }
    }
  }

  /**
   * Watches every sample on the bus (live and historical) for late data. `assetOf` maps a tag to the
   * asset whose OEE it feeds (undefined for tags the OEE does not read). The subscriber is not a
   * `live:` one: a full queue dead-letters instead of silently skipping an invalidation.
   */
  attach(bus: Bus<Sample>, assetOf: (tag: string) => string | undefined): Subscription {
    return bus.subscribe('#', (samples) => this.observe(samples, assetOf), { name: 'oee-shift-cache', maxBatch: 5000 });
  }

  /** Every cached shift, to be kept across a restart (`restore`). */
  snapshot(): ShiftCacheSnapshot {
    const assets: ShiftCacheSnapshot['assets'] = {};
    for (const [asset, entries] of this.assets) {
      if (entries.byStart.size === 0) continue;
      assets[asset] = [...entries.byStart].map(([start, e]) => ({ start, end: e.end, variant: e.variant, cells: e.cells }));
    }
    return { version: SNAPSHOT_VERSION, assets };
  }

  /**
   * Takes the shifts of a snapshot (of this or an earlier run) into the cache. Their variants decide
   * as ever: a shift computed with other tags, plans or options is recomputed when asked for. Returns
   * the shifts taken; a snapshot of another version is ignored (0).
   */
  restore(snapshot: ShiftCacheSnapshot): number {
    if (snapshot?.version !== SNAPSHOT_VERSION || typeof snapshot.assets !== 'object' || snapshot.assets === null) return 0;
    let taken = 0;
    for (const [asset, shifts] of Object.entries(snapshot.assets)) {
      if (!Array.isArray(shifts)) continue;
      const entries = this.entries(asset);
      for (const s of shifts) {
        if (!Number.isFinite(s?.start) || !Number.isFinite(s?.end) || typeof s.variant !== 'string' || !Array.isArray(s.cells)) continue;
        this.store(entries, s.start, { end: s.end, variant: s.variant, cells: s.cells });
        taken++;
      }
    }
    return taken;
  }

  /** Shifts cached now. */
  get shifts(): number {
    return this.size;
  }

  private entries(asset: string): AssetEntries {
    let entries = this.assets.get(asset);
    if (!entries) this.assets.set(asset, (entries = { byStart: new Map(), maxEnd: Number.NEGATIVE_INFINITY, generation: 0, quietUntil: 0 }));
    return entries;
  }

  private store(entries: AssetEntries, start: number, entry: Entry): void {
    // Cached cells are handed to every later request: frozen, so a caller that changed one would fail loudly.
    for (const c of entry.cells) deepFreeze(c);
    if (!entries.byStart.has(start)) this.size++;
    entries.byStart.set(start, entry);
    entries.maxEnd = Math.max(entries.maxEnd, entry.end);
    if (this.size > this.maxShifts) this.evictOldest();
  }

  private evictOldest(): void {
    let oldest: { entries: AssetEntries; start: number } | undefined;
    for (const entries of this.assets.values()) for (const start of entries.byStart.keys()) if (!oldest || start < oldest.start) oldest = { entries, start };
    if (!oldest) return;
    oldest.entries.byStart.delete(oldest.start);
    this.size--;
  }
}

function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) deepFreeze(v);
}

/** For `attach`: the asset whose OEE a tag feeds (a tag with an OEE role, or a boolean `running`), else undefined. */
export function oeeAssetOf(lookup: (path: string) => TagDefinition | undefined): (tag: string) => string | undefined {
  return (tag) => {
    const t = lookup(tag);
    if (!t) return undefined;
    if (t.role !== undefined && t.role !== 'process' && t.role !== 'cycle_time') return t.asset;
    return t.name === 'running' && t.type === 'boolean' ? t.asset : undefined;
  };
}
