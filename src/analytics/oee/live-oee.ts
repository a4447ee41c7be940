// Live OEE: running sums per asset from the sample stream, advanced every second.
import type { Bus, Subscription } from '../../bus/index.js';
import type { Sample, TagDefinition } from '../../model/index.js';
import { AssetFeed, assetTags, type FeedOptions, type FeedRole } from './asset-feed.js';
import type { PlanCalendar } from './plan-calendar.js';
import { oeeReport, type OeeReport } from './kpis.js';
import { groupCells, sumCells, type GroupBy } from './aggregate.js';
import type { Cell } from './types.js';

export interface LiveOeeOptions {
  /** The tags to follow (e.g. `() => registry.all()`); re-read when a sample of an unknown tag arrives. */
  tags: () => readonly TagDefinition[];
  /** Planned time per asset (e.g. the site's shift calendar). */
  planFor: (asset: string) => PlanCalendar;
  /** Totals start here (ms UTC); samples before it only set state, product, order and counter baselines. */
  start: number;
  productPri?: FeedOptions['productPri'];
  /** Ideal cycle times per product of one asset (e.g. from the plant config); wins over `productPri`. */
  productPriFor?: (asset: string) => FeedOptions['productPri'];
  categories?: FeedOptions['categories'];
  counter?: FeedOptions['counter'];
  startupMs?: number;
  /** Clock; default Date.now. */
  now?: () => number;
  /** The open state is extended to `now - lagMs` each tick, so samples that arrive late by less stay in order. Default 2000. */
  lagMs?: number;
  /** Tick period, default 1000 ms. */
  tickMs?: number;
}

/**
 * Keeps OEE sums per asset from live samples (assets with a state tag; running-bit assets are
 * derived from history). Uses the same `AssetFeed` as `computeOeeFromHistory`, so both agree on
 * the same sample stream.
 *
 * @example
 * const live = new LiveOee({ tags: () => registry.all(), planFor: () => plan, start: Date.now() });
 * live.attach(bus); live.start();
 * live.report('acme/berlin/machining/line-1/press-1')?.iso.oee;
 */
export class LiveOee {
  private readonly feeds = new Map<string, AssetFeed>();
  private readonly routes = new Map<string, { asset: string; role: FeedRole } | null>();
  private timer: NodeJS.Timeout | undefined;
  private routesReadAt = 0;
  private subscription: Subscription | undefined;
  private readonly now: () => number;
  /** Samples taken, and skipped (unknown tag, historical, bad quality). */
  readonly stats = { samples: 0, skipped: 0, ticks: 0 };

  constructor(private readonly options: LiveOeeOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Subscribes to the bus (all tags by default). The subscriber is named `live:oee` so that, like the
   * dashboard's live clients, a full queue drops without dead-lettering (the historian keeps the
   * samples; the history path is exact). Drops show in the bus stats.
   */
  attach(bus: Bus<Sample>, pattern = '#'): Subscription {
    this.subscription = bus.subscribe(pattern, (samples) => this.ingest(samples), { name: 'live:oee', maxBatch: 5000 });
    return this.subscription;
  }

  /** Advances all assets every `tickMs` (timer unref'd). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  ingest(samples: readonly Sample[]): void {
    for (const s of samples) {
      const route = this.route(s.tag);
      if (!route || s.historical || s.quality === 'bad') {
        this.stats.skipped++;
        continue;
      }
      this.stats.samples++;
      this.feed(route.asset).push(route.role, s);
    }
  }

  /** Extends every asset's current state to `ts` (default: now - lagMs). */
  tick(ts = this.now() - (this.options.lagMs ?? 2000)): void {
    this.stats.ticks++;
    for (const feed of this.feeds.values()) feed.advanceTo(ts);
  }

  /** Where the live totals start (ms UTC). */
  get startedAt(): number {
    return this.options.start;
  }

  /** Assets followed so far. */
  assets(): string[] {
    return [...this.feeds.keys()].sort();
  }

  /** Copies of the cells of one asset, or of every asset under a path (line, area, site). */
  cells(path: string): Cell[] {
    const out: Cell[] = [];
    for (const [asset, feed] of this.feeds) {
      if (asset !== path && !asset.startsWith(`${path}/`)) continue;
      for (const c of feed.accumulator.snapshot()) out.push({ key: { ...c.key }, totals: structuredClone(c.totals) });
    }
    return out;
  }

  /** The report of an asset or a group of assets since `start`, or undefined when nothing is known. */
  report(path: string): OeeReport | undefined {
    const cells = this.cells(path);
    return cells.length === 0 ? undefined : oeeReport(sumCells(cells));
  }

  /** Reports per group (shift, day, order, product, asset ...). */
  reportBy(path: string, by: GroupBy): Array<{ key: string; report: OeeReport }> {
    return groupCells(this.cells(path), by).map((g) => ({ key: g.key, report: oeeReport(g.totals) }));
  }

  private feed(asset: string): AssetFeed {
    let feed = this.feeds.get(asset);
    if (!feed) {
      const o = this.options;
      const own = o.productPriFor?.(asset);
      const productPri = own && o.productPri ? { ...o.productPri, ...own } : (own ?? o.productPri);
      feed = new AssetFeed(assetTags(asset, o.tags()), { plan: o.planFor(asset), start: o.start, productPri, categories: o.categories, counter: o.counter, startupMs: o.startupMs });
      this.feeds.set(asset, feed);
    }
    return feed;
  }

  private route(tag: string): { asset: string; role: FeedRole } | null {
    const route = this.routes.get(tag);
    if (route !== undefined) return route;
    // Unknown tag: re-read the tag list (at most once a second) and cache every tag's route.
    const now = this.now();
    if (now - this.routesReadAt < 1000 && this.routesReadAt !== 0) return null;
    this.routesReadAt = now;
    for (const def of this.options.tags()) {
      const role = def.role && def.role !== 'process' && def.role !== 'cycle_time' ? (def.role as FeedRole) : undefined;
      this.routes.set(def.path, role ? { asset: def.asset, role } : null);
    }
    return this.routes.get(tag) ?? null;
  }
}
