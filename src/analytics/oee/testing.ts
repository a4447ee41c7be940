// Test helpers: a scripted machine, and a FAKE in-memory historian implementing only `query`
// (raw answers). The real DuckDB historian is tested in src/historian; this fake exists so OEE unit
// tests can feed exact sample streams.
import type { Historian, HistoryPoint, HistoryQuery, HistoryResult } from '../../historian/types.js';
import { referenceCounterSums, referenceValueChanges, type CounterSumsQuery, type CounterSumsResult, type ValueChangesQuery } from '../../historian/reductions.js';
import type { Sample, TagDefinition } from '../../model/index.js';
import { FactorySimulation } from '../../connectors/simulator/engine.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { RawSample } from '../../connectors/types.js';

export const STATE_CODES_MAP: Record<string, string> = {
  '0': 'offline',
  '1': 'running',
  '2': 'idle',
  '3': 'starved',
  '4': 'blocked',
  '5': 'setup',
  '6': 'breakdown',
  '7': 'minor_stop',
  '8': 'planned_break',
  '9': 'planned_maintenance',
  '10': 'reduced_speed',
};
const CODE: Record<string, number> = Object.fromEntries(Object.entries(STATE_CODES_MAP).map(([c, n]) => [n, Number(c)]));

/** The OEE tags of a simulated-style machine. */
export function machineTags(asset: string, options: { counterMax?: number; rework?: boolean; energy?: boolean; stateTag?: boolean } = {}): TagDefinition[] {
  const tag = (name: string, type: TagDefinition['type'], role?: TagDefinition['role'], extra: Partial<TagDefinition> = {}): TagDefinition => ({
    path: `${asset}/${name}`,
    asset,
    name,
    type,
    role,
    ...extra,
  });
  const max = options.counterMax ?? 4_294_967_295;
  const tags = [
    tag('running', 'boolean'),
    tag('good_count', 'number', 'good_count', { max }),
    tag('scrap_count', 'number', 'scrap_count', { max }),
    tag('ideal_cycle_time', 'number', 'ideal_cycle_time'),
    tag('product', 'string', 'product'),
    tag('order', 'string', 'order'),
    tag('temperature', 'number', 'process'),
  ];
  if (options.stateTag !== false) tags.push(tag('state', 'number', 'state', { states: STATE_CODES_MAP }));
  if (options.rework) tags.push(tag('rework_count', 'number', 'rework_count', { max }));
  if (options.energy) tags.push(tag('energy', 'number', 'energy'));
  return tags;
}

/** Builds the sample stream of one machine; times as `HH:MM` on `day` (UTC) or ms. */
export class Script {
  readonly samples: Sample[] = [];
  constructor(
    readonly asset: string,
    readonly day = '2026-11-26',
  ) {}

  t(time: string | number): number {
    if (typeof time === 'number') return time;
    const [d, hm] = time.includes(' ') ? time.split(' ') : [this.day, time];
    return Date.parse(`${d}T${hm.length === 5 ? `${hm}:00` : hm}Z`);
  }

  private add(name: string, time: string | number, value: Sample['value']): this {
    this.samples.push({ tag: `${this.asset}/${name}`, ts: this.t(time), value, quality: 'good' });
    return this;
  }

  state(time: string | number, name: string): this {
    if (CODE[name] === undefined) throw new Error(`unknown state ${name}`);
    return this.add('state', time, CODE[name]);
  }
  running(time: string | number, on: boolean): this {
    return this.add('running', time, on);
  }
  /** Cumulative good and scrap readings. */
  counts(time: string | number, good: number, scrap = 0): this {
    return this.add('good_count', time, good).add('scrap_count', time, scrap);
  }
  rework(time: string | number, value: number): this {
    return this.add('rework_count', time, value);
  }
  product(time: string | number, name: string, idealSeconds?: number): this {
    this.add('product', time, name);
    return idealSeconds === undefined ? this : this.add('ideal_cycle_time', time, idealSeconds);
  }
  order(time: string | number, id: string): this {
    return this.add('order', time, id);
  }
  energy(time: string | number, kwh: number): this {
    return this.add('energy', time, kwh);
  }

  /** Samples sorted by time (stable: same-time samples keep script order). */
  sorted(): Sample[] {
    return [...this.samples].sort((a, b) => a.ts - b.ts);
  }
}

/**
 * FAKE historian for unit tests: in memory, implements `query` (raw points in [from, to); with
 * `maxRaw`, a bigger answer comes back bucketed, as the real one does) and the reduced reads
 * `valueChanges` and `counterSums` (by the historian's reference implementations).
 */
export class FakeHistorian implements Pick<Historian, 'query' | 'valueChanges' | 'counterSums'> {
  /** Every read: raw queries, value changes and counter sums (as tag, from, to). */
  readonly queries: HistoryQuery[] = [];
  /** The raw `query` calls only. */
  readonly rawQueries: HistoryQuery[] = [];
  private readonly byTag = new Map<string, Sample[]>();

  constructor(
    samples: readonly Sample[],
    private readonly maxRaw = Number.POSITIVE_INFINITY,
  ) {
    for (const s of samples) {
      let list = this.byTag.get(s.tag);
      if (!list) this.byTag.set(s.tag, (list = []));
      list.push(s);
    }
    for (const list of this.byTag.values()) list.sort((a, b) => a.ts - b.ts);
  }

  async valueChanges(q: ValueChangesQuery): Promise<HistoryPoint[]> {
    this.queries.push({ tag: q.tag, from: q.from, to: q.to });
    return referenceValueChanges(this.byTag.get(q.tag) ?? [], q);
  }

  async counterSums(q: CounterSumsQuery): Promise<CounterSumsResult> {
    this.queries.push({ tag: q.tag, from: q.from, to: q.to });
    return referenceCounterSums(this.byTag.get(q.tag) ?? [], q);
  }

  async query(q: HistoryQuery): Promise<HistoryResult> {
    this.queries.push(q);
    this.rawQueries.push(q);
    const points = (this.byTag.get(q.tag) ?? []).filter((s) => s.ts >= q.from && s.ts < q.to).map((s) => ({ ts: s.ts, value: s.value, quality: s.quality }));
    if (q.bucketMs !== undefined && Math.ceil(q.to / q.bucketMs) - Math.floor(q.from / q.bucketMs) > 10_000) {
      throw new Error(`query of '${q.tag}': more than 10000 buckets (as the real historian refuses)`);
    }
    if (q.bucketMs !== undefined && q.agg === 'last') {
      // Only what the OEE asks for: the last reading per bucket (buckets aligned to the epoch).
      const buckets = new Map<number, (typeof points)[number]>();
      for (const p of points) buckets.set(Math.floor(p.ts / q.bucketMs) * q.bucketMs, p);
      return { tag: q.tag, from: q.from, to: q.to, resolution: '1m', bucketMs: q.bucketMs, agg: 'last', points: [...buckets].map(([ts, p]) => ({ ts, value: p.value })) };
    }
    if (points.length > this.maxRaw) {
      return { tag: q.tag, from: q.from, to: q.to, resolution: '1m', bucketMs: 60_000, agg: 'avg', points: [] };
    }
    return { tag: q.tag, from: q.from, to: q.to, resolution: 'raw', bucketMs: null, agg: null, points };
  }
}

/** Only the raw `query` of a historian: the history path then reads every raw sample (the reference for the reduced reads). */
export function rawOnly(historian: Pick<Historian, 'query'>): Pick<Historian, 'query'> {
  return { query: (q) => historian.query(q) };
}

/** A simulated line (one machine per kind, faults on) from `start` until `to` + 1 min: its tags and every sample, all good. */
export function simulatedLine(kinds: string[], seed: number, start: number, to: number, timeZone = 'Europe/Berlin'): { tags: TagDefinition[]; samples: Sample[] } {
  const sim = new FactorySimulation(onePlant(timeZone, kinds), { seed, faults: true }, start);
  const samples: Sample[] = [];
  let out: RawSample[] = [];
  while (sim.nextTs < to + 60_000) {
    sim.step(out);
    for (const s of out) samples.push({ tag: s.tag, ts: s.ts as number, value: s.value as Sample['value'], quality: 'good' });
    out = [];
  }
  return { tags: sim.tagDefinitions(), samples };
}
