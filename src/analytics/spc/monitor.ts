import type { Sample } from '../../model/index.js';
import { dispersionViolations, type ChartViolation } from './analyse.js';
import type { ConstantsMode } from './constants.js';
import { estimateLimits } from './limits.js';
import { detectViolations, LONGEST_PATTERN, RULE_IDS, type RuleId } from './rules.js';
import { mean, range, sampleSd } from './stats.js';
import type { ChartKind, ChartLimits, ChartPoint } from './types.js';

/** What the monitor reads samples from: the bus (`Bus<Sample>` fits). */
export interface SampleSource {
  subscribe(pattern: string, handler: (messages: unknown[]) => void, options: { name: string }): { unsubscribe(): void };
}

/**
 * Where the monitor publishes events: a bus that can carry them (`Bus<SpcEvent>` or `Bus<unknown>`).
 * `Bus<Sample>` does not fit on purpose: its subscribers (the historian on `#`) expect samples.
 */
export interface EventSink {
  publish(topic: string, message: SpcEvent): unknown;
}

/** A rule violation seen live, published at `$events/spc/<tag>`. */
export interface SpcEvent {
  tag: string;
  /** Time of the sample that completed the violating point. */
  ts: number;
  rule: RuleId;
  ruleName: string;
  /** `location`: X-bar or individuals chart; `dispersion`: R, s or moving-range chart. */
  chart: 'location' | 'dispersion';
  /** The plotted value (subgroup mean, value, range, s or moving range). */
  value: number;
  limits: { center: number; lower: number; upper: number };
  /** Times of the points that form the pattern. */
  pointTimes: number[];
}

/** The topic SPC events of a tag are published at. */
export const spcEventTopic = (tag: string): string => `$events/spc/${tag}`;

/** What a monitor is doing, for the API (`GET /api/v1/spc/monitors`). */
export interface SpcMonitorStatus {
  tag: string;
  chart: ChartKind;
  /** Subgroup size (1 for individuals). */
  n: number;
  rules: readonly RuleId[];
  /** `I`: collecting points to estimate the limits; `II`: checking every point against them. */
  phase: 'I' | 'II';
  /** Points collected towards phase I, and how many it needs (0 when limits were given). */
  phaseI: { collected: number; needed: number };
  limits: ChartLimits | null;
  /** Points formed so far, and events published. */
  points: number;
  published: number;
  /** Time of the last sample used, or null. */
  lastTs: number | null;
}

export interface SpcMonitorOptions {
  /** Full tag path to watch. */
  tag: string;
  source: SampleSource;
  sink: EventSink;
  /** Default `imr`. */
  chart?: ChartKind;
  /** Subgroup size for `xbar-r` / `xbar-s`: n consecutive samples form a subgroup (default 5). */
  n?: number;
  /** Frozen limits. Without them, the first `phaseI` subgroups estimate them. */
  limits?: ChartLimits;
  /** Subgroups (or values, for `imr`) that estimate the limits when none are given (default 25). */
  phaseI?: number;
  /** Default all Nelson rules. */
  rules?: readonly RuleId[];
  constants?: ConstantsMode;
  /** Called once limits are estimated from phase I. */
  onLimits?: (limits: ChartLimits) => void;
}

/**
 * Watches one tag live and publishes rule violations on the bus.
 *
 * Good, live, finite numeric samples are used in arrival order (bad or uncertain quality, historical
 * samples and samples older than the last one are skipped). Each point is checked against the limits
 * with the points before it (phase I points included), so a run that starts in phase I counts.
 * @example
 * const monitor = new SpcMonitor({ tag, source: bus, sink: events, chart: 'xbar-r', n: 5, phaseI: 25 });
 * monitor.start();
 */
export class SpcMonitor {
  private readonly chart: ChartKind;
  private readonly n: number;
  private readonly phaseI: number;
  private readonly rules: readonly RuleId[];
  private currentLimits: ChartLimits | undefined;
  private subscription: { unsubscribe(): void } | undefined;
  private readonly pending: number[] = [];
  private readonly phaseIGroups: number[][] = [];
  private history: Array<ChartPoint & { ts: number }> = [];
  private lastTs = -Infinity;
  private lastValue: number | undefined;
  private count = 0;
  /** Events published so far. */
  published = 0;

  constructor(private readonly options: SpcMonitorOptions) {
    this.chart = options.chart ?? 'imr';
    this.n = this.chart === 'imr' ? 1 : (options.n ?? 5);
    this.phaseI = options.phaseI ?? 25;
    this.rules = options.rules ?? RULE_IDS.filter((r) => r.startsWith('nelson-'));
    this.currentLimits = options.limits;
    if (options.limits && (options.limits.chart !== this.chart || options.limits.n !== this.n)) {
      throw new RangeError(`the given limits are for ${options.limits.chart} with n = ${options.limits.n}, the monitor is ${this.chart} with n = ${this.n}`);
    }
    if (!options.limits && (!Number.isInteger(this.phaseI) || this.phaseI < 2)) throw new RangeError('phaseI must be an integer >= 2');
  }

  /** The limits in use; undefined while phase I is still collecting. */
  get limits(): ChartLimits | undefined {
    return this.currentLimits;
  }

  status(): SpcMonitorStatus {
    const given = this.options.limits !== undefined;
    return {
      tag: this.options.tag,
      chart: this.chart,
      n: this.n,
      rules: this.rules,
      phase: this.currentLimits ? 'II' : 'I',
      phaseI: { collected: given ? 0 : (this.currentLimits?.phaseISize ?? this.phaseIGroups.length), needed: given ? 0 : this.phaseI },
      limits: this.currentLimits ?? null,
      points: this.count,
      published: this.published,
      lastTs: Number.isFinite(this.lastTs) ? this.lastTs : null,
    };
  }

  start(): void {
    if (this.subscription) return;
    this.subscription = this.options.source.subscribe(this.options.tag, (messages) => this.onMessages(messages), { name: `spc:${this.options.tag}` });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /** Feeds one sample (what the bus subscription does for each message). */
  push(sample: Sample): void {
    if (sample.tag !== this.options.tag || sample.quality !== 'good' || sample.historical) return;
    if (typeof sample.value !== 'number' || !Number.isFinite(sample.value) || sample.ts < this.lastTs) return;
    this.lastTs = sample.ts;
    this.pending.push(sample.value);
    if (this.pending.length < this.n) return;
    const group = this.pending.splice(0, this.pending.length);
    this.addPoint(group, sample.ts);
  }

  private onMessages(messages: unknown[]): void {
    for (const message of messages) if (isSample(message)) this.push(message);
  }

  private addPoint(group: number[], ts: number): void {
    const location = mean(group);
    let dispersion: number | null;
    if (this.chart === 'imr') {
      dispersion = this.lastValue === undefined ? null : Math.abs(group[0] - this.lastValue);
      this.lastValue = group[0];
    } else {
      dispersion = this.chart === 'xbar-r' ? range(group) : sampleSd(group);
    }
    const point = { index: this.count++, location, dispersion, ts, phaseI: this.currentLimits === undefined };
    this.history.push(point);
    if (this.history.length > LONGEST_PATTERN) this.history = this.history.slice(-LONGEST_PATTERN);

    if (!this.currentLimits) {
      this.phaseIGroups.push(group);
      if (this.phaseIGroups.length < this.phaseI) return;
      try {
        this.currentLimits = estimateLimits(this.chart, this.phaseIGroups, { constants: this.options.constants });
        this.options.onLimits?.(this.currentLimits);
      } catch {
        this.phaseIGroups.shift(); // no variation yet: slide the phase I window and try again
      }
      return;
    }
    const limits = this.currentLimits;
    const last = this.history.length - 1;
    const violations: ChartViolation[] = [
      ...detectViolations(this.history.map((p) => p.location), limits.location, this.rules, last).map((v) => ({ ...v, chart: 'location' as const, value: location })),
      ...dispersionViolations(this.history, limits.dispersion, this.rules, last),
    ];
    for (const v of violations) {
      const line = v.chart === 'location' ? limits.location : limits.dispersion;
      const event: SpcEvent = {
        tag: this.options.tag,
        ts,
        rule: v.rule,
        ruleName: v.ruleName,
        chart: v.chart,
        value: v.value,
        limits: { center: line.center, lower: line.lower, upper: line.upper },
        pointTimes: v.points.map((i) => this.history[i].ts),
      };
      this.options.sink.publish(spcEventTopic(this.options.tag), event);
      this.published++;
    }
  }
}

function isSample(message: unknown): message is Sample {
  const m = message as Partial<Sample> | null;
  return typeof m === 'object' && m !== null && typeof m.tag === 'string' && typeof m.ts === 'number' && 'value' in m && typeof m.quality === 'string';
}
