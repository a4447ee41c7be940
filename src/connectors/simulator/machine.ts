import type { RawSample } from '../types.js';
import { Rng } from './prng.js';
import type { FaultKind, KindProfile, ProductSpec } from './kinds.js';
import { FAULT_MODELS, type GroundTruthRecord } from './faults.js';
import type { Shift } from './shift-calendar.js';
import type { ResolvedSimulatorOptions } from './options.js';
import { machineTagNames } from './tags.js';
import { BLOCKED, BREAKDOWN, IDLE, MINOR_STOP, OFFLINE, PLANNED_BREAK, PLANNED_MAINTENANCE, POWER_LEVEL, RUNNING, SETUP, STARVED } from './states.js';

// Why the machine is in its current state: decides how the state ends.
const CAUSE_NONE = 0;
const CAUSE_RANDOM = 1; // a sampled duration
const CAUSE_COUPLED = 2; // a neighbour on the line; ends when the neighbour recovers
const CAUSE_CALENDAR = 3; // break, maintenance window or off day; ends with the window
const CAUSE_FAULT = 4; // an injected fault's breakdown; ends with the repair
const CAUSE_WARMUP = 5; // a heated process warming up; ends when the signal is near its producing level

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Correlation time of the slow drifts. */
const DRIFT_TIME_SEC = 4 * 3600;
/** Line ends: material shortage at the first machine, full outfeed at the last. */
const LINE_END_EVENT_EVERY_SEC = 10 * 3600;
const LINE_END_EVENT_MINUTES: readonly [number, number] = [3, 20];
const OFFLINE_MINUTES: readonly [number, number] = [2, 15];
const IDLE_MINUTES: readonly [number, number] = [5, 45];
const IDLE_BETWEEN_ORDERS = 0.25;
const PRODUCT_CHANGE = 0.6;
/** Standard deviation of the slow drift of the speed loss (share of the ideal cycle time). */
const SPEED_DRIFT = 0.03;

export type GroundTruthSink = (record: GroundTruthRecord, event: 'failure' | 'repaired') => void;

export interface MachineSetup {
  path: string;
  /** Position among all simulated machines (order ids, maintenance slot). */
  index: number;
  profile: KindProfile;
  options: ResolvedSimulatorOptions;
  counterRollover: number;
  startTs: number;
  sink: GroundTruthSink;
}

/** Creates one sample; a plain function keeps the object shape identical for every sample. */
function sample(tag: string, ts: number, value: number | boolean | string, historical: boolean): RawSample {
  return { tag, ts, value, quality: 'good', historical };
}

/**
 * One simulated machine: a state machine (calendar, random events, line coupling, injected faults),
 * production counts and process signals. The engine calls, for each tick and line:
 * `advance` (upstream first), `settleBlocked` (downstream first), then `emit`.
 */
export class MachineSim {
  readonly path: string;
  readonly profile: KindProfile;
  /** Tag paths, precomputed: index 0-7 the discrete tags, then signals, then energy. */
  readonly tags: string[];
  up: MachineSim | null = null;
  down: MachineSim | null = null;

  state = RUNNING;
  private stateEnd = Infinity;
  private cause = CAUSE_NONE;
  private resumeState = RUNNING;
  private resumeCause = CAUSE_NONE;
  private resumeLeft = Infinity;
  /** Since when this machine has not been passing parts downstream (-1: it is). */
  outflowStopSince = -1;
  /** Since when this machine has not been taking parts from upstream (-1: it is). */
  inflowStopSince = -1;

  // Calendar
  private shiftStart = -1;
  private pmStart = -1;
  private pmEnd = -1;
  private readonly pmWeekday: number;
  private readonly pmShift: number;

  // Production
  product: ProductSpec;
  order: string;
  private orderSeq: number;
  private readonly orderPrefix: string;
  private orderQty = 0;
  private orderGood = 0;
  /** Cumulative counts, never wrapped (the published value wraps). */
  good: number;
  scrap: number;
  private readonly modulo: number;
  private partsAcc = 0;
  private startupLeft = 0;
  private slow = 0;
  private cycleTime = 0;
  private cycleProduct: ProductSpec | null = null;

  // Random event countdowns (running seconds) and the next unplanned power-off (calendar time)
  private toMinorStop: number;
  private toBreakdown: number;
  private toStarve: number;
  private toBlock: number;
  private nextOffline: number;

  // Injected fault in progress
  private faultKind: FaultKind | null = null;
  private faultLeadStart = Infinity;
  private faultDue = Infinity;
  private faultFailed = false;
  private faultRecord: GroundTruthRecord | null = null;
  private bearingShape = 0;
  private thermalShape = 0;
  private cycled = false;
  private firstTick = true;
  private signalsStarted = false;

  // Signals
  private readonly x: Float64Array;
  private readonly drift: Float64Array;
  private readonly faultOffset: Float64Array;
  private readonly alpha: Float64Array;
  private readonly faultAlpha: Float64Array;
  private readonly driftA: Float64Array;
  private readonly driftB: Float64Array;
  private readonly inv: Float64Array;
  private readonly bearingAmp: Float64Array;
  private readonly thermalAmp: Float64Array;
  private readonly powerIndex: number;
  private readonly warmIndex: number;
  private readonly warmWithin: number;
  energy: number;

  // Emission
  private nextKeepAlive: number;
  private lastState = -1;
  private lastRunning = false;
  private lastGood = -1;
  private lastScrap = -1;
  private lastIdeal = -1;
  private lastProduct = '';
  private lastOrder = '';

  private readonly ev: Rng;
  private readonly noise: Rng;
  private readonly fx: Rng;
  private readonly dtSec: number;
  private readonly slowA: number;
  private readonly slowB: number;
  private readonly bufferMs: number;
  private readonly opts: ResolvedSimulatorOptions;
  private readonly sink: GroundTruthSink;

  constructor(setup: MachineSetup) {
    const { path, profile, options } = setup;
    this.path = path;
    this.profile = profile;
    this.opts = options;
    this.sink = setup.sink;
    this.dtSec = options.tickMs / 1000;
    this.slowA = Math.exp(-this.dtSec / DRIFT_TIME_SEC);
    this.slowB = SPEED_DRIFT * Math.sqrt(1 - this.slowA * this.slowA);
    this.bufferMs = options.lineBufferSeconds * 1000;
    this.modulo = setup.counterRollover;
    this.tags = machineTagNames(profile).map((name) => `${path}/${name}`);
    this.ev = Rng.forKey(options.seed, path, 'events');
    this.noise = Rng.forKey(options.seed, path, 'noise');
    this.fx = Rng.forKey(options.seed, path, 'faults');
    const setupRng = Rng.forKey(options.seed, path, 'setup');

    this.pmWeekday = setupRng.int(7);
    this.pmShift = setupRng.int(Math.max(1, options.shifts.shiftStarts?.length ?? 3));
    this.product = setupRng.pick(profile.products);
    this.orderPrefix = String(setup.index + 1).padStart(2, '0');
    this.orderSeq = 1 + setupRng.int(9000);
    this.order = this.orderId();
    this.orderQty = this.orderQuantity(this.product, setupRng);
    this.orderGood = Math.floor(setupRng.float() * this.orderQty);
    this.good = Math.floor(setupRng.float() * Math.min(this.modulo, 1_000_000));
    this.scrap = Math.floor(this.good * setupRng.between(0.005, 0.03));
    this.energy = Math.round(setupRng.between(20_000, 400_000));
    this.partsAcc = setupRng.float();
    // As a PLC would: the last cycle's time is known from the moment we connect.
    this.cycleTime = Math.round(this.product.idealCycleSec * (1 + profile.speedLoss) * 100) / 100;
    this.cycleProduct = this.product;

    this.toMinorStop = this.ev.exp(profile.minorStopEveryMinutes * 60);
    this.toBreakdown = this.ev.exp(profile.breakdownEveryHours * 3600);
    this.toStarve = this.ev.exp(LINE_END_EVENT_EVERY_SEC);
    this.toBlock = this.ev.exp(LINE_END_EVENT_EVERY_SEC);
    this.nextOffline = setup.startTs + this.ev.exp(options.offlineEveryHours * HOUR);
    this.nextKeepAlive = setup.startTs;

    const n = profile.signals.length;
    this.x = new Float64Array(n);
    this.drift = new Float64Array(n);
    this.faultOffset = new Float64Array(n);
    this.alpha = new Float64Array(n);
    this.faultAlpha = new Float64Array(n);
    this.driftA = new Float64Array(n);
    this.driftB = new Float64Array(n);
    this.inv = new Float64Array(n);
    this.bearingAmp = new Float64Array(n);
    this.thermalAmp = new Float64Array(n);
    const a = Math.exp(-this.dtSec / DRIFT_TIME_SEC);
    profile.signals.forEach((s, i) => {
      this.alpha[i] = 1 - Math.exp(-this.dtSec / s.tauSec);
      this.faultAlpha[i] = 1 - Math.exp(-this.dtSec / Math.min(s.tauSec, 300));
      this.driftA[i] = a;
      this.driftB[i] = s.drift * Math.sqrt(1 - a * a);
      this.drift[i] = s.drift * setupRng.normal();
      this.inv[i] = Math.round(1 / s.resolution);
      this.bearingAmp[i] = s.faults?.bearing_wear ?? 0;
      this.thermalAmp[i] = s.faults?.thermal_runaway ?? 0;
      this.x[i] = this.target(i, 2); // replaced by the first state's level on the first emit
    });
    this.powerIndex = profile.signals.findIndex((s) => s.name === 'power');
    this.warmIndex = profile.warmUp ? profile.signals.findIndex((s) => s.name === profile.warmUp?.signal) : -1;
    this.warmWithin = profile.warmUp?.within ?? 0;
    this.scheduleFault(setup.startTs);
  }

  // ---- pass 1: calendar, timed state ends, random events, starvation ----

  advance(ts: number, shift: Shift): void {
    this.updateFaultShape(ts);
    // Units finished during the interval that just ended (the state sent at a tick holds until the next).
    this.cycled = this.state === RUNNING && !this.firstTick ? this.produce(ts) : false;
    this.firstTick = false;

    if (shift.start !== this.shiftStart) this.newShift(shift);
    let override = -1;
    if (!shift.planned) override = OFFLINE;
    else if (ts >= this.pmStart && ts < this.pmEnd) override = PLANNED_MAINTENANCE;
    else if (ts >= shift.breakStart && ts < shift.breakEnd) override = PLANNED_BREAK;

    if (ts >= this.stateEnd) this.finishState(ts);

    // A breakdown runs to its repair whatever the calendar says; everything else yields to the plan.
    if (this.state !== BREAKDOWN) {
      if (override >= 0) {
        if (this.cause !== CAUSE_CALENDAR) this.saveResume(ts);
        if (this.state !== override || this.cause !== CAUSE_CALENDAR) this.enter(override, Infinity, CAUSE_CALENDAR);
      } else if (this.cause === CAUSE_CALENDAR) {
        this.resume(ts);
      }
    }

    // A due fault breaks the machine down: a worn bearing while it runs, an over-temperature trip
    // whenever it is powered and attended (planned breaks are left intact).
    if (this.faultKind !== null && !this.faultFailed && ts >= this.faultDue && this.state !== BREAKDOWN && this.state !== PLANNED_BREAK) {
      const level = POWER_LEVEL[this.state];
      if (level === 2 || (level === 1 && this.faultKind === 'thermal_runaway')) this.fail(ts);
    }

    // Heated processes do not produce cold.
    if (this.warmIndex >= 0) {
      if (this.state === RUNNING && this.cold()) this.enter(SETUP, Infinity, CAUSE_WARMUP);
      else if (this.state === SETUP && this.cause === CAUSE_WARMUP && !this.cold()) this.enter(RUNNING, Infinity, CAUSE_NONE);
    }

    const up = this.up;
    if (this.state === RUNNING) this.runningEvents(ts);
    else if (this.state === STARVED && this.cause === CAUSE_COUPLED && up !== null && up.outflowStopSince < 0) this.enter(RUNNING, Infinity, CAUSE_NONE);
    if (this.state === RUNNING && up !== null && up.outflowStopSince >= 0 && ts - up.outflowStopSince >= this.bufferMs) {
      this.enter(STARVED, Infinity, CAUSE_COUPLED);
    }

    const s = this.state;
    const flowing = s === RUNNING || s === BLOCKED || s === PLANNED_BREAK || (s === OFFLINE && this.cause === CAUSE_CALENDAR);
    if (flowing) this.outflowStopSince = -1;
    else if (this.outflowStopSince < 0) this.outflowStopSince = ts;
  }

  // ---- pass 2 (downstream machines first): blocking ----

  settleBlocked(ts: number): void {
    const down = this.down;
    if (down !== null) {
      if (this.state === RUNNING) {
        if (down.inflowStopSince >= 0 && ts - down.inflowStopSince >= this.bufferMs) this.enter(BLOCKED, Infinity, CAUSE_COUPLED);
      } else if (this.state === BLOCKED && this.cause === CAUSE_COUPLED && down.inflowStopSince < 0) {
        this.enter(RUNNING, Infinity, CAUSE_NONE);
      }
    }
    const s = this.state;
    const consuming = s === RUNNING || s === STARVED || s === PLANNED_BREAK || (s === OFFLINE && this.cause === CAUSE_CALENDAR);
    if (consuming) this.inflowStopSince = -1;
    else if (this.inflowStopSince < 0) this.inflowStopSince = ts;
  }

  // ---- pass 3: production, signals, samples ----

  /** Updates the signals and appends this tick's samples to `out`. Returns how many. */
  /** The next emit sends every tag, as at a keep-alive. */
  resendAll(): void {
    this.nextKeepAlive = Number.NEGATIVE_INFINITY;
  }

  emit(ts: number, out: RawSample[], historical: boolean): number {
    const before = out.length;
    const tags = this.tags;
    const keepAlive = ts >= this.nextKeepAlive;
    if (keepAlive) this.nextKeepAlive = ts + this.opts.keepAliveMs;
    const state = this.state;
    if (keepAlive || state !== this.lastState) {
      out.push(sample(tags[0], ts, state, historical));
      this.lastState = state;
    }
    const running = state === RUNNING;
    if (keepAlive || running !== this.lastRunning) {
      out.push(sample(tags[1], ts, running, historical));
      this.lastRunning = running;
    }
    const good = this.good % this.modulo;
    if (keepAlive || good !== this.lastGood) {
      out.push(sample(tags[2], ts, good, historical));
      this.lastGood = good;
    }
    const scrap = this.scrap % this.modulo;
    if (keepAlive || scrap !== this.lastScrap) {
      out.push(sample(tags[3], ts, scrap, historical));
      this.lastScrap = scrap;
    }
    // A cycle time is a measurement per cycle: re-sent as keep-alive only while the same product runs.
    if (this.cycled || (keepAlive && state === RUNNING && this.cycleProduct === this.product)) out.push(sample(tags[4], ts, this.cycleTime, historical));
    const product = this.product;
    if (keepAlive || product.idealCycleSec !== this.lastIdeal) {
      out.push(sample(tags[5], ts, product.idealCycleSec, historical));
      this.lastIdeal = product.idealCycleSec;
    }
    if (keepAlive || product.id !== this.lastProduct) {
      out.push(sample(tags[6], ts, product.id, historical));
      this.lastProduct = product.id;
    }
    if (keepAlive || this.order !== this.lastOrder) {
      out.push(sample(tags[7], ts, this.order, historical));
      this.lastOrder = this.order;
    }

    // Process signals: first-order response to the state's target, slow drift, fault offset, noise.
    const level = POWER_LEVEL[state];
    const signals = this.profile.signals;
    const x = this.x;
    if (!this.signalsStarted) {
      // Start from the steady level of the first state (a plant met in its break is not at full load).
      for (let i = 0; i < signals.length; i++) x[i] = this.target(i, level);
      this.signalsStarted = true;
    }
    const drift = this.drift;
    const faultOffset = this.faultOffset;
    const noise = this.noise;
    const driftScale = level === 2 ? 1 : level === 1 ? 0.5 : 0.25;
    const bearingEffect = this.bearingShape * FAULT_MODELS.bearing_wear.levelFactor[level];
    const thermalEffect = this.thermalShape * FAULT_MODELS.thermal_runaway.levelFactor[level];
    for (let i = 0; i < signals.length; i++) {
      const spec = signals[i];
      drift[i] = drift[i] * this.driftA[i] + this.driftB[i] * noise.normal();
      x[i] += (this.target(i, level) + drift[i] * driftScale - x[i]) * this.alpha[i];
      faultOffset[i] += (this.bearingAmp[i] * bearingEffect + this.thermalAmp[i] * thermalEffect - faultOffset[i]) * this.faultAlpha[i];
      let v = x[i] + faultOffset[i] + noise.normal() * spec.noise[level];
      if (v < spec.min) v = spec.min;
      else if (v > spec.max) v = spec.max;
      const inv = this.inv[i];
      out.push(sample(tags[8 + i], ts, Math.round(v * inv) / inv, historical));
    }
    if (this.powerIndex >= 0) {
      const kw = x[this.powerIndex] + faultOffset[this.powerIndex];
      if (kw > 0) this.energy += (kw * this.dtSec) / 3600;
      out.push(sample(tags[8 + signals.length], ts, Math.round(this.energy * 100) / 100, historical));
    }
    return out.length - before;
  }

  // ---- internals ----

  private target(i: number, level: number): number {
    const spec = this.profile.signals[i];
    const levels = spec.levels;
    if (level === 0) return levels[0];
    const producing = spec.productScaled === true ? levels[1] + (levels[2] - levels[1]) * this.product.load : levels[2];
    if (level === 2) return producing;
    return spec.standbyBelowProducing !== undefined ? producing - spec.standbyBelowProducing : levels[1];
  }

  /** True while the warm-up signal is further below its producing level than the kind allows. */
  private cold(): boolean {
    const i = this.warmIndex;
    return this.x[i] < this.target(i, 2) - this.warmWithin;
  }

  private enter(state: number, end: number, cause: number): void {
    this.state = state;
    this.stateEnd = end;
    this.cause = cause;
  }

  private saveResume(ts: number): void {
    this.resumeState = this.state;
    this.resumeCause = this.cause;
    this.resumeLeft = this.stateEnd === Infinity ? Infinity : Math.max(0, this.stateEnd - ts);
  }

  /** After a planned window: continue a setup, an idle period or a power-off; otherwise run. */
  private resume(ts: number): void {
    const s = this.resumeState;
    if ((s === SETUP || s === IDLE || (s === OFFLINE && this.resumeCause === CAUSE_RANDOM)) && this.resumeLeft !== Infinity) {
      this.enter(s, ts + this.resumeLeft, this.resumeCause);
    } else {
      this.enter(RUNNING, Infinity, CAUSE_NONE);
    }
  }

  private finishState(ts: number): void {
    switch (this.state) {
      case BREAKDOWN:
        if (this.cause === CAUSE_FAULT) this.repaired(ts);
        this.enter(RUNNING, Infinity, CAUSE_NONE);
        break;
      case SETUP:
        this.startupLeft = this.profile.startupUnits;
        this.enter(RUNNING, Infinity, CAUSE_NONE);
        break;
      case IDLE:
        this.startOrder(ts);
        break;
      default: // minor stop, random starved / blocked / offline
        this.enter(RUNNING, Infinity, CAUSE_NONE);
    }
  }

  private runningEvents(ts: number): void {
    const ev = this.ev;
    const p = this.profile;
    const dt = this.dtSec;
    if ((this.toBreakdown -= dt) <= 0) {
      this.toBreakdown = ev.exp(p.breakdownEveryHours * 3600);
      this.enter(BREAKDOWN, ts + ev.between(p.breakdownMinutes[0], p.breakdownMinutes[1]) * MINUTE, CAUSE_RANDOM);
      return;
    }
    if ((this.toMinorStop -= dt) <= 0) {
      this.toMinorStop = ev.exp(p.minorStopEveryMinutes * 60);
      this.enter(MINOR_STOP, ts + ev.between(p.minorStopSeconds[0], p.minorStopSeconds[1]) * 1000, CAUSE_RANDOM);
      return;
    }
    if (this.up === null && (this.toStarve -= dt) <= 0) {
      this.toStarve = ev.exp(LINE_END_EVENT_EVERY_SEC);
      this.enter(STARVED, ts + ev.between(LINE_END_EVENT_MINUTES[0], LINE_END_EVENT_MINUTES[1]) * MINUTE, CAUSE_RANDOM);
      return;
    }
    if (this.down === null && (this.toBlock -= dt) <= 0) {
      this.toBlock = ev.exp(LINE_END_EVENT_EVERY_SEC);
      this.enter(BLOCKED, ts + ev.between(LINE_END_EVENT_MINUTES[0], LINE_END_EVENT_MINUTES[1]) * MINUTE, CAUSE_RANDOM);
      return;
    }
    if (ts >= this.nextOffline) {
      this.nextOffline = ts + ev.exp(this.opts.offlineEveryHours * HOUR);
      this.enter(OFFLINE, ts + ev.between(OFFLINE_MINUTES[0], OFFLINE_MINUTES[1]) * MINUTE, CAUSE_RANDOM);
    }
  }

  /** Units made this tick: fractional progress carries over, so slow batch machines count correctly. */
  /** How far the fault in progress has developed (its shape, 0 to about 1); 0 without one. */
  private updateFaultShape(ts: number): void {
    let shape = 0;
    const kind = this.faultKind;
    if (kind !== null && !this.faultFailed && ts > this.faultLeadStart) {
      const p = Math.min((ts - this.faultLeadStart) / (this.faultDue - this.faultLeadStart), 1.15);
      shape = FAULT_MODELS[kind].shape(p);
    }
    this.bearingShape = kind === 'bearing_wear' ? shape : 0;
    this.thermalShape = kind === 'thermal_runaway' ? shape : 0;
  }

  private produce(ts: number): boolean {
    const bearing = this.bearingShape;
    const p = this.profile;
    const ev = this.ev;
    this.slow = this.slow * this.slowA + this.slowB * ev.normal();
    const loss = Math.max(0, p.speedLoss + this.slow) + 0.05 * bearing;
    const actual = this.product.idealCycleSec * (1 + loss);
    this.partsAcc += this.dtSec / actual;
    if (this.partsAcc < 1) return false;
    const n = Math.floor(this.partsAcc);
    this.partsAcc -= n;
    const steady = this.product.scrapRate * (1 + 3 * bearing);
    for (let i = 0; i < n; i++) {
      let rate = steady;
      if (this.startupLeft > 0) {
        this.startupLeft--;
        rate = p.startupScrapRate;
      }
      if (ev.float() < rate) this.scrap++;
      else {
        this.good++;
        this.orderGood++;
      }
    }
    this.cycleTime = Math.round(actual * (1 + 0.015 * this.noise.normal()) * 100) / 100;
    this.cycleProduct = this.product;
    if (this.orderGood >= this.orderQty) this.completeOrder(ts);
    return true;
  }

  private completeOrder(ts: number): void {
    if (this.ev.chance(IDLE_BETWEEN_ORDERS)) {
      this.order = '';
      this.enter(IDLE, ts + this.ev.between(IDLE_MINUTES[0], IDLE_MINUTES[1]) * MINUTE, CAUSE_RANDOM);
    } else {
      this.startOrder(ts);
    }
  }

  private startOrder(ts: number): void {
    const products = this.profile.products;
    let next = this.product;
    if (products.length > 1 && this.ev.chance(PRODUCT_CHANGE)) {
      const current = products.indexOf(this.product);
      let j = this.ev.int(products.length - 1);
      if (j >= current) j++;
      next = products[j];
    }
    this.orderSeq++;
    this.order = this.orderId();
    this.orderQty = this.orderQuantity(next, this.ev);
    this.orderGood = 0;
    if (next !== this.product) {
      this.product = next;
      const [low, high] = this.profile.setupMinutes;
      this.enter(SETUP, ts + this.ev.between(low, high) * MINUTE, CAUSE_RANDOM);
    } else {
      this.enter(RUNNING, Infinity, CAUSE_NONE);
    }
  }

  private orderId(): string {
    return `JO-${this.orderPrefix}-${String(this.orderSeq).padStart(5, '0')}`;
  }

  private orderQuantity(product: ProductSpec, rng: Rng): number {
    const [low, high] = this.profile.orderHours;
    const units = (rng.between(low, high) * 3600) / product.idealCycleSec;
    return units >= 100 ? Math.round(units / 100) * 100 : Math.max(1, Math.round(units));
  }

  private newShift(shift: Shift): void {
    this.shiftStart = shift.start;
    const minutes = this.opts.maintenanceMinutes;
    if (minutes > 0 && shift.planned && shift.weekday === this.pmWeekday && shift.index === this.pmShift) {
      this.pmStart = shift.start + HOUR;
      this.pmEnd = Math.min(this.pmStart + minutes * MINUTE, shift.end);
    }
  }

  private scheduleFault(from: number): void {
    this.faultFailed = false;
    this.faultRecord = null;
    if (!this.opts.faults || this.profile.faults.length === 0) {
      this.faultKind = null;
      return;
    }
    const kind = this.fx.pick(this.profile.faults);
    const model = FAULT_MODELS[kind];
    this.faultKind = kind;
    this.faultLeadStart = from + this.fx.exp(this.opts.faultMeanIntervalHours * HOUR);
    this.faultDue = this.faultLeadStart + this.fx.between(model.leadUpHours[0], model.leadUpHours[1]) * HOUR;
  }

  private fail(ts: number): void {
    const kind = this.faultKind as FaultKind;
    const model = FAULT_MODELS[kind];
    this.faultFailed = true;
    this.faultRecord = { machine: this.path, fault: kind, tag: `${this.path}/${model.signal}`, leadUpStart: Math.round(this.faultLeadStart), failureAt: ts };
    this.sink(this.faultRecord, 'failure');
    this.enter(BREAKDOWN, ts + this.fx.between(model.repairHours[0], model.repairHours[1]) * HOUR, CAUSE_FAULT);
  }

  private repaired(ts: number): void {
    if (this.faultRecord !== null) {
      this.faultRecord.repairedAt = ts;
      this.sink(this.faultRecord, 'repaired');
    }
    this.scheduleFault(ts);
  }
}
