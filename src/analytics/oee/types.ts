// Shared types of the OEE module: state categories, intervals, time totals.

/**
 * What a machine state means for the time model. Every state name (from a state tag's code map or
 * derived from a running bit) maps to one of these; README.md has the table to ISO 22400-2 elements.
 */
export type StateCategory =
  | 'running'
  | 'reduced_speed'
  | 'setup'
  | 'idle'
  | 'planned_break'
  | 'planned_maintenance'
  | 'breakdown'
  | 'minor_stop'
  | 'starved'
  | 'blocked'
  | 'offline';

export const STATE_CATEGORIES: readonly StateCategory[] = [
  'running',
  'reduced_speed',
  'setup',
  'idle',
  'planned_break',
  'planned_maintenance',
  'breakdown',
  'minor_stop',
  'starved',
  'blocked',
  'offline',
];

/** A span of one state of one asset, [from, to) in ms UTC. */
export interface StateInterval {
  from: number;
  to: number;
  category: StateCategory;
  /** The reason in force: the operator's when overridden, else the automatic one. */
  reason: string;
  /** The reason the machine data gave (state name, or `derived:...` for running-bit assets). */
  autoReason: string;
  /** Set when an operator reason overrides the automatic one. */
  operatorReason?: string;
}

/** An operator's reason for a span of time on an asset; it wins over the automatic reason. */
export interface ReasonOverride {
  asset: string;
  from: number;
  to: number;
  reason: string;
  /** Category the reason implies (e.g. a stop the operator calls `setup`); default: keep the automatic one. */
  category?: StateCategory;
}

/**
 * Sums for one cell (asset x shift x order x product). Everything a KPI needs is a sum, so cells
 * add up to lines, areas, sites, days and weeks; ratios are computed only after summing.
 */
export interface OeeTotals {
  /** Wall-clock time covered, ms. */
  calendarMs: number;
  /** Planned operation time (in planned shifts), ms. */
  potMs: number;
  /** Planned downtime inside POT (calendar breaks, planned_break and planned_maintenance states), ms. */
  plannedDowntimeMs: number;
  /** Time inside PBT per state category, ms. Sums to PBT. */
  stateMs: Record<StateCategory, number>;
  /** Time outside planned shifts in which the machine was working (not offline, idle or planned down), ms. */
  outsidePlanMs: number;
  /** Time with a job order active, ms (AOET). */
  orderMs: number;
  /** Time in planned maintenance (PMT), ms, whether in a calendar break or not. */
  pmMs: number;
  good: number;
  scrap: number;
  rework: number;
  /** Scrap made within `startupMs` after a setup ended (Nakajima's start-up rejects). */
  startupScrap: number;
  /** Sum of PRI x PQ over units (ms): the ideal time of what was produced. */
  idealMs: number;
  idealGoodMs: number;
  idealScrapMs: number;
  idealStartupScrapMs: number;
  idealReworkMs: number;
  /** Units produced while no ideal cycle time was known (excluded from effectiveness). */
  unitsWithoutPri: number;
  /** Breakdowns that began in the cell. */
  failures: number;
  energy: number;
  /** Which optional signals fed the cell. */
  has: { rework: boolean; energy: boolean; order: boolean; pri: boolean };
}

/** Keys of one cell. */
export interface CellKey {
  asset: string;
  /** Production day of the shift (`YYYY-MM-DD`, local), or '' outside a calendar. */
  day: string;
  /** Shift name, '' without a calendar. */
  shift: string;
  order: string;
  product: string;
}

export interface Cell {
  key: CellKey;
  totals: OeeTotals;
}

export function emptyTotals(): OeeTotals {
  const stateMs = {} as Record<StateCategory, number>;
  for (const c of STATE_CATEGORIES) stateMs[c] = 0;
  return {
    calendarMs: 0,
    potMs: 0,
    plannedDowntimeMs: 0,
    stateMs,
    outsidePlanMs: 0,
    orderMs: 0,
    pmMs: 0,
    good: 0,
    scrap: 0,
    rework: 0,
    startupScrap: 0,
    idealMs: 0,
    idealGoodMs: 0,
    idealScrapMs: 0,
    idealStartupScrapMs: 0,
    idealReworkMs: 0,
    unitsWithoutPri: 0,
    failures: 0,
    energy: 0,
    has: { rework: false, energy: false, order: false, pri: false },
  };
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addTotals(a: OeeTotals, b: OeeTotals): OeeTotals {
  a.calendarMs += b.calendarMs;
  a.potMs += b.potMs;
  a.plannedDowntimeMs += b.plannedDowntimeMs;
  for (const c of STATE_CATEGORIES) a.stateMs[c] += b.stateMs[c];
  a.outsidePlanMs += b.outsidePlanMs;
  a.orderMs += b.orderMs;
  a.pmMs += b.pmMs;
  a.good += b.good;
  a.scrap += b.scrap;
  a.rework += b.rework;
  a.startupScrap += b.startupScrap;
  a.idealMs += b.idealMs;
  a.idealGoodMs += b.idealGoodMs;
  a.idealScrapMs += b.idealScrapMs;
  a.idealStartupScrapMs += b.idealStartupScrapMs;
  a.idealReworkMs += b.idealReworkMs;
  a.unitsWithoutPri += b.unitsWithoutPri;
  a.failures += b.failures;
  a.energy += b.energy;
  a.has.rework ||= b.has.rework;
  a.has.energy ||= b.has.energy;
  a.has.order ||= b.has.order;
  a.has.pri ||= b.has.pri;
  return a;
}
