// Samples of one asset's tags (by role) into an accumulator: counters, state codes, same-time ordering.
import type { Sample, TagDefinition } from '../../model/index.js';
import { OeeAccumulator, type AccumulatorOptions } from './accumulator.js';
import { CounterTracker, type CounterOptions, type CounterStats } from './counters.js';
import { categorize } from './state-model.js';
import type { StateCategory } from './types.js';

/** The roles the OEE reads, plus `running` (a boolean tag named `running`) and `category` (pre-derived states). */
export type FeedRole = 'state' | 'running' | 'good_count' | 'scrap_count' | 'rework_count' | 'energy' | 'product' | 'order' | 'ideal_cycle_time';

export interface AssetTags {
  asset: string;
  /** Tag path per role. */
  byRole: Partial<Record<FeedRole, TagDefinition>>;
}

/** The tags of `asset` the OEE reads, by role (tags without a role but named `running` count as the running bit). */
export function assetTags(asset: string, tags: readonly TagDefinition[]): AssetTags {
  const byRole: Partial<Record<FeedRole, TagDefinition>> = {};
  for (const tag of tags) {
    if (tag.asset !== asset) continue;
    if (tag.role && tag.role !== 'process' && tag.role !== 'cycle_time') byRole[tag.role] ??= tag;
    else if (tag.name === 'running' && tag.type === 'boolean') byRole.running ??= tag;
  }
  return { asset, byRole };
}

export interface FeedOptions extends Omit<AccumulatorOptions, 'asset'> {
  /** State name -> category, for names the default table does not know. */
  categories?: Readonly<Record<string, StateCategory>>;
  /** Counter options for good, scrap and rework counts (modulus per tag max when not given). */
  counter?: CounterOptions;
}

// At equal timestamps units are booked before state, product and order change: the units of a tick
// were finished under the old state and product.
const ORDER: Record<string, number> = { increments: 0, good_count: 0, scrap_count: 0, rework_count: 0, energy: 0, ideal_cycle_time: 1, product: 2, order: 2, state: 3, category: 3 };

type Pending = { role: FeedRole | 'category' | 'increments'; ts: number; value: Sample['value']; counts?: readonly [number, number, number] };
const byOrder = (a: Pending, b: Pending): number => ORDER[a.role] - ORDER[b.role];

/**
 * One asset's samples into an `OeeAccumulator`. Push samples in time order (per tag and overall);
 * samples with the same timestamp are held until a later one arrives or `advanceTo` is called.
 */
export class AssetFeed {
  readonly accumulator: OeeAccumulator;
  private readonly counters: Record<'good_count' | 'scrap_count' | 'rework_count' | 'energy', CounterTracker>;
  private pending: Pending[] = [];
  private readonly codes: Record<string, string>;

  constructor(
    readonly tags: AssetTags,
    private readonly options: FeedOptions,
  ) {
    this.accumulator = new OeeAccumulator({ ...options, asset: tags.asset, rework: tags.byRole.rework_count !== undefined });
    const counter = (role: FeedRole): CounterTracker => new CounterTracker({ tagMax: tags.byRole[role]?.max, ...options.counter });
    this.counters = {
      good_count: counter('good_count'),
      scrap_count: counter('scrap_count'),
      rework_count: counter('rework_count'),
      energy: new CounterTracker({ tagMax: tags.byRole.energy?.max, resetBelow: 0 }),
    };
    this.codes = tags.byRole.state?.states ?? {};
  }

  /** Wraps, resets and glitches seen on the good and scrap counters. */
  counterStats(): Record<string, CounterStats> {
    return { good_count: this.counters.good_count.stats, scrap_count: this.counters.scrap_count.stats, rework_count: this.counters.rework_count.stats };
  }

  push(role: FeedRole, sample: Pick<Sample, 'ts' | 'value' | 'quality'>): void {
    if (sample.quality === 'bad') return;
    this.enqueue({ role, ts: sample.ts, value: sample.value });
  }

  /** A state already categorised (running-bit assets, operator overrides). */
  pushCategory(ts: number, category: StateCategory): void {
    this.enqueue({ role: 'category', ts, value: category });
  }

  /**
   * Units already counted (good, scrap, rework increments, e.g. summed by the historian's
   * `counterSums`), booked as if read from the counters at `ts`.
   */
  pushIncrements(ts: number, good: number, scrap: number, rework: number): void {
    this.enqueue({ role: 'increments', ts, value: 0, counts: [good, scrap, rework] });
  }

  advanceTo(ts: number): void {
    this.flush();
    this.accumulator.advanceTo(ts);
  }

  private enqueue(p: Pending): void {
    if (this.pending.length > 0 && p.ts !== this.pending[0].ts) this.flush();
    this.pending.push(p);
  }

  // Units read in the batch being flushed, booked together before the next non-count sample.
  private good = 0;
  private scrap = 0;
  private rework = 0;
  private units = false;

  private book(ts: number): void {
    if (this.units) this.accumulator.addUnits(ts, this.good, this.scrap, this.rework);
    this.units = false;
    this.good = this.scrap = this.rework = 0;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 1) batch.sort(byOrder);
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      switch (p.role) {
        case 'good_count':
        case 'scrap_count':
        case 'rework_count': {
          const d = this.counters[p.role].next(Number(p.value));
          if (p.role === 'good_count') this.good += d;
          else if (p.role === 'scrap_count') this.scrap += d;
          else this.rework += d;
          this.units = true;
          break;
        }
        case 'increments':
          this.good += p.counts![0];
          this.scrap += p.counts![1];
          this.rework += p.counts![2];
          this.units = true;
          break;
        case 'energy':
          this.book(p.ts);
          this.accumulator.addEnergy(p.ts, this.counters.energy.next(Number(p.value)));
          break;
        default:
          this.book(p.ts);
          this.apply(p);
      }
    }
    this.book(batch[0].ts);
  }

  private apply(p: Pending): void {
    const acc = this.accumulator;
    switch (p.role) {
      case 'state':
        acc.setState(p.ts, categorize(this.codes[String(p.value)] ?? String(p.value), this.options.categories));
        break;
      case 'category':
        acc.setState(p.ts, p.value as StateCategory);
        break;
      case 'product':
        acc.setProduct(p.ts, String(p.value));
        break;
      case 'order':
        acc.setOrder(p.ts, String(p.value));
        break;
      case 'ideal_cycle_time':
        acc.setIdealCycle(p.ts, Number(p.value));
        break;
      case 'running':
        // Running-bit assets are derived in batch (intervalsFromRunning) and fed as categories.
        break;
    }
  }
}
