// OEE and ISO 22400-2 KPIs: state model, counters, time elements, both OEE conventions, live and
// history, aggregation and the HTTP routes. See README.md.

/** State categories, intervals, operator reasons and the summed totals every KPI is computed from. */
export { STATE_CATEGORIES, emptyTotals, addTotals, type StateCategory, type StateInterval, type ReasonOverride, type OeeTotals, type Cell, type CellKey } from './types.js';
/** State names to categories; intervals from a state tag or from a running bit and count rate; operator overrides. */
export {
  DEFAULT_STATE_CATEGORIES,
  categorize,
  intervalsFromStates,
  intervalsFromRunning,
  applyOverrides,
  type RunningBitOptions,
  type TimedValue,
} from './state-model.js';
/** Cumulative counters to increments: rollover at a modulus (or tag max + 1) and resets. */
export { CounterTracker, counterDeltas, type CounterOptions, type CounterStats } from './counters.js';
/** Planned time from a shift calendar (breaks, off days, extra breaks across shifts and midnight). */
export { shiftPlan, continuousPlan, withDailyBreaks, type LocalBreak, type PlanCalendar, type PlanSlot, type ShiftSource, type ShiftLike, type TimeWindow } from './plan-calendar.js';
/** The running sums of one asset, and the sample feed (counters, state codes) in front of them. */
export { OeeAccumulator, type AccumulatorOptions } from './accumulator.js';
export { AssetFeed, assetTags, type AssetTags, type FeedOptions, type FeedRole } from './asset-feed.js';
/** Time elements, OEE in both conventions, TEEP, the six-big-losses waterfall, ISO 22400-2 KPIs and the missing ones. */
export {
  oeeReport,
  timeElements,
  quantities,
  type OeeReport,
  type TimeElements,
  type Quantities,
  type IsoOee,
  type NakajimaOee,
  type LossStep,
  type Kpi,
  type MissingKpi,
} from './kpis.js';
/** Sum cells by asset, line, area, site, shift, day, week, order or product; ratios after summing. */
export { groupCells, sumCells, groupKey, isoWeek, GROUP_BY, type GroupBy } from './aggregate.js';
/** OEE from raw historian samples. */
export { computeOeeFromHistory, queryRaw, queryBuckets, type HistoryOptions, type HistoryOee, type HistorySource } from './history.js';
/** Live OEE from the bus, advanced every second. */
export { LiveOee, type LiveOeeOptions } from './live-oee.js';
/** `GET /api/v1/oee` and `GET /api/v1/kpis`. */
export { oeeRoutes, machineCellsFor, machinesUnder, sitePlanFor, plantProductPri, MAX_RANGE_MS, type OeeDeps, type MachineCellsDeps } from './routes.js';
/** Cells of closed shifts kept between requests, dropped by late samples. */
export { ShiftCellCache, shiftWindows, oeeAssetOf, type ShiftWindow, type ShiftCacheOptions, type ShiftCacheSnapshot } from './shift-cache.js';
export { saveShiftSnapshot, takeShiftSnapshot } from './shift-snapshot-file.js';

export { ShiftWarmUp, type ShiftWarmUpOptions } from './warm-up.js';

export { planOfSite, siteShiftPattern } from './site-plan.js';
/** The plant config's shift calendar per site and ideal cycle times per machine. */
export { siteShiftsSchema, idealCycleTimesSchema, type SiteShifts, type DailyBreak } from './config.js';
