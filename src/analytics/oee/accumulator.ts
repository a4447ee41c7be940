// Running sums per cell (shift x order x product) of one asset, fed with events in time order.
import type { PlanCalendar, PlanSlot } from './plan-calendar.js';
import { emptyTotals, type Cell, type OeeTotals, type StateCategory } from './types.js';

export interface AccumulatorOptions {
  asset: string;
  /** Time before this is not counted (events before it still set the state, product and order). */
  start: number;
  plan: PlanCalendar;
  /** Ideal cycle time in seconds per product; wins over `ideal_cycle_time` samples. */
  productPri?: Readonly<Record<string, number>>;
  /** Scrap within this long after a setup ends is start-up scrap. Default 10 min. */
  startupMs?: number;
  /** A rework counter feeds this asset: the rework ratio is computable even when it stays 0. */
  rework?: boolean;
}

/** Scrap within this long after a setup ends is start-up scrap, unless `startupMs` says otherwise. */
export const DEFAULT_STARTUP_MS = 600_000;

const NOT_WORKING = new Set<StateCategory>(['offline', 'idle', 'planned_break', 'planned_maintenance']);

/**
 * The one place where time and units become sums. Feed events in time order (at equal times: units
 * before state, product and order changes); `advanceTo(ts)` extends the current state to `ts`.
 * Both the live and the history path use it, so they agree by construction for the same samples.
 */
export class OeeAccumulator {
  private t: number;
  private category: StateCategory = 'offline';
  private product = '';
  private order = '';
  private priMs: number | undefined;
  private tagPriMs: number | undefined;
  private setupEndedAt = Number.NEGATIVE_INFINITY;
  private readonly cells = new Map<string, Cell>();
  private readonly startupMs: number;
  // Caches: the plan slot last asked for (valid on [slotFrom, slot.until)) and the cell last used.
  private slot: PlanSlot | undefined;
  private slotFrom = 0;
  private lastCell: Cell | undefined;
  private lastCellSlot: PlanSlot | undefined;

  constructor(private readonly options: AccumulatorOptions) {
    this.t = options.start;
    this.startupMs = options.startupMs ?? DEFAULT_STARTUP_MS;
  }

  /** Time accounted up to (exclusive). */
  get time(): number {
    return this.t;
  }

  get state(): StateCategory {
    return this.category;
  }

  setState(ts: number, category: StateCategory): void {
    this.advanceTo(ts);
    if (category === this.category) return;
    if (this.category === 'setup') this.setupEndedAt = ts;
    if (category === 'breakdown' && ts >= this.options.start) this.cellAt(ts).totals.failures++;
    this.category = category;
  }

  setProduct(ts: number, product: string): void {
    this.advanceTo(ts);
    this.product = product;
    this.updatePri();
  }

  /** Ideal cycle time from an `ideal_cycle_time` tag, seconds. */
  setIdealCycle(ts: number, seconds: number): void {
    this.advanceTo(ts);
    this.tagPriMs = seconds > 0 ? seconds * 1000 : undefined;
    this.updatePri();
  }

  setOrder(ts: number, order: string): void {
    this.advanceTo(ts);
    this.order = order;
  }

  /** Units finished in the tick ending at `ts` (they belong to the instant just before `ts`). */
  addUnits(ts: number, good: number, scrap: number, rework: number): void {
    this.advanceTo(ts);
    const at = ts - 1;
    if (at < this.options.start || good + scrap + rework === 0) return;
    const totals = this.cellAt(at).totals;
    totals.good += good;
    totals.scrap += scrap;
    totals.rework += rework;
    const startup = this.category === 'setup' || ts <= this.setupEndedAt + this.startupMs;
    if (startup) totals.startupScrap += scrap;
    const pri = this.priMs;
    if (pri === undefined) {
      totals.unitsWithoutPri += good + scrap + rework;
      return;
    }
    totals.has.pri = true;
    totals.idealMs += pri * (good + scrap + rework);
    totals.idealGoodMs += pri * good;
    totals.idealScrapMs += pri * scrap;
    if (startup) totals.idealStartupScrapMs += pri * scrap;
    totals.idealReworkMs += pri * rework;
  }

  addEnergy(ts: number, kwh: number): void {
    this.advanceTo(ts);
    const at = ts - 1;
    if (at < this.options.start) return;
    const totals = this.cellAt(at).totals;
    totals.energy += kwh;
    totals.has.energy = true;
  }

  /** Extends the current state, product and order to `ts`, split at shift and break boundaries. */
  advanceTo(ts: number): void {
    while (this.t < ts) {
      const slot = this.slotAt(this.t);
      const end = Math.min(ts, Math.max(slot.until, this.t + 1));
      this.addTime(slot, end - this.t);
      this.t = end;
    }
  }

  /** The cells so far (live objects: copy before keeping). */
  snapshot(): Cell[] {
    return [...this.cells.values()];
  }

  private updatePri(): void {
    const fromMap = this.options.productPri?.[this.product];
    this.priMs = fromMap !== undefined ? fromMap * 1000 : this.tagPriMs;
  }

  private addTime(slot: PlanSlot, ms: number): void {
    const totals = this.cell(slot).totals;
    const c = this.category;
    totals.calendarMs += ms;
    if (this.order !== '') {
      totals.orderMs += ms;
      totals.has.order = true;
    }
    if (c === 'planned_maintenance') totals.pmMs += ms;
    if (!slot.planned) {
      if (!NOT_WORKING.has(c)) totals.outsidePlanMs += ms;
      return;
    }
    totals.potMs += ms;
    const producing = c === 'running' || c === 'reduced_speed';
    if ((slot.inBreak && !producing) || c === 'planned_break' || c === 'planned_maintenance') totals.plannedDowntimeMs += ms;
    else totals.stateMs[c] += ms;
  }

  private slotAt(ts: number): PlanSlot {
    const slot = this.slot;
    if (slot !== undefined && ts >= this.slotFrom && ts < slot.until) return slot;
    this.slotFrom = ts;
    return (this.slot = this.options.plan.at(ts));
  }

  private cellAt(ts: number): Cell {
    return this.cell(this.slotAt(ts));
  }

  private cell(slot: PlanSlot): Cell {
    const last = this.lastCell;
    if (last !== undefined && this.lastCellSlot === slot && last.key.order === this.order && last.key.product === this.product) return last;
    const id = `${slot.day}\u0000${slot.shift}\u0000${this.order}\u0000${this.product}`;
    let cell = this.cells.get(id);
    if (!cell) {
      cell = { key: { asset: this.options.asset, day: slot.day, shift: slot.shift, order: this.order, product: this.product }, totals: emptyTotals() };
      cell.totals.has.rework = this.options.rework === true;
      this.cells.set(id, cell);
    }
    this.lastCell = cell;
    this.lastCellSlot = slot;
    return cell;
  }
}

export type { OeeTotals };
