// HTTP API for the OEE dashboard: the OEE trend in time buckets and the downtime reasons (Pareto) of
// an asset over a range, from one read of the history: GET /api/v1/oee/losses.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors.js';
import { bucketParam, rangeParams } from '../../api/params.js';
import { computeOeeFromHistory } from './history.js';
import { oeeReport } from './kpis.js';
import type { PlanCalendar } from './plan-calendar.js';
import { checkOeeRange, machinesOrThrow, sitePlanFor, type OeeDeps } from './routes.js';
import { addTotals, emptyTotals, type Cell, type OeeTotals, type StateCategory, type StateInterval } from './types.js';

/** Most trend buckets one answer holds. */
export const MAX_TREND_BUCKETS = 500;
/** Buckets when `bucket` is not given. */
const DEFAULT_BUCKETS = 48;

/** The reason of time no state covers. */
export const NO_DATA = 'no data';

/** Categories that are not downtime: producing, or planned away. */
const NOT_DOWNTIME: ReadonlySet<StateCategory> = new Set(['running', 'reduced_speed', 'planned_break', 'planned_maintenance']);

export interface DowntimeReason {
  reason: string;
  category: StateCategory;
  /** Time lost inside planned busy time (PBT), ms. */
  ms: number;
  /** Intervals of this reason that overlap PBT. */
  stops: number;
}

/**
 * The plan with each slot cut at bucket edges and named by its bucket (index from `from`), so the
 * accumulator books one cell per bucket: the same booking as the report, only keyed by time.
 */
export function bucketedPlan(plan: PlanCalendar, from: number, bucketMs: number): PlanCalendar {
  return {
    at(ts) {
      const slot = plan.at(ts);
      const bucket = Math.floor((ts - from) / bucketMs);
      return { ...slot, day: '', shift: String(bucket), until: Math.min(slot.until, from + (bucket + 1) * bucketMs) };
    },
  };
}

/**
 * Downtime per reason inside planned busy time: the parts of each non-producing interval that fall in
 * a planned shift outside its breaks (where the report books them against PBT).
 */
export function downtimeReasons(intervals: readonly StateInterval[], plan: PlanCalendar, from: number, to: number): DowntimeReason[] {
  const byReason = new Map<string, DowntimeReason>();
  // Time without any state (before the first sample) is booked as offline by the report: list it too.
  const gaps: StateInterval[] = [];
  let covered = from;
  for (const interval of [...intervals].sort((a, b) => a.from - b.from)) {
    if (interval.from > covered) gaps.push({ from: covered, to: Math.min(interval.from, to), category: 'offline', reason: NO_DATA, autoReason: NO_DATA });
    covered = Math.max(covered, interval.to);
  }
  if (covered < to) gaps.push({ from: covered, to, category: 'offline', reason: NO_DATA, autoReason: NO_DATA });
  for (const interval of [...intervals, ...gaps]) {
    if (NOT_DOWNTIME.has(interval.category)) continue;
    let lost = 0;
    for (let t = Math.max(from, interval.from); t < Math.min(to, interval.to); ) {
      const slot = plan.at(t);
      const end = Math.min(to, interval.to, Math.max(slot.until, t + 1));
      if (slot.planned && !slot.inBreak) lost += end - t;
      t = end;
    }
    if (lost === 0) continue;
    const key = `${interval.reason}\u0000${interval.category}`;
    const entry = byReason.get(key) ?? { reason: interval.reason, category: interval.category, ms: 0, stops: 0 };
    entry.ms += lost;
    entry.stops += 1;
    byReason.set(key, entry);
  }
  return [...byReason.values()].sort((a, b) => b.ms - a.ms || a.reason.localeCompare(b.reason));
}

function zeroWhenIdle(oee: number | null, availability: number | null): number | null {
  return oee === null && availability === 0 ? 0 : oee;
}

/** Adds reasons of several machines together, largest first. */
function mergeReasons(lists: readonly DowntimeReason[][]): DowntimeReason[] {
  const merged = new Map<string, DowntimeReason>();
  for (const list of lists) {
    for (const r of list) {
      const key = `${r.reason}\u0000${r.category}`;
      const entry = merged.get(key) ?? { ...r, ms: 0, stops: 0 };
      entry.ms += r.ms;
      entry.stops += r.stops;
      merged.set(key, entry);
    }
  }
  return [...merged.values()].sort((a, b) => b.ms - a.ms || a.reason.localeCompare(b.reason));
}

/**
 * `GET /api/v1/oee/losses?asset=PATH&from&to&bucket=15m`: OEE per time bucket (both conventions)
 * and downtime reasons, largest first. Register beside `oeeRoutes` with the same deps.
 */
export async function oeeLossRoutes(app: FastifyInstance, deps: OeeDeps): Promise<void> {
  const planFor = deps.planFor ?? sitePlanFor(deps.plant);

  app.get<{ Querystring: { asset: string; from?: string; to?: string; bucket?: string } }>(
    '/api/v1/oee/losses',
    {
      schema: {
        tags: ['analytics'],
        summary: 'OEE trend per time bucket and downtime reasons (time inside planned busy time, stops) of an asset over a range',
        querystring: {
          type: 'object',
          required: ['asset'],
          properties: {
            asset: { type: 'string', description: 'Asset path: a machine, or a line, area or site (its machines are summed)' },
            from: { type: 'string', description: 'ISO 8601 or ms since epoch; default to - 8 h' },
            to: { type: 'string', description: 'ISO 8601 or ms since epoch; default now' },
            bucket: { type: 'string', description: `Trend bucket: ms or a duration (15m, 1h); default the range / ${DEFAULT_BUCKETS}` },
          },
        },
      },
    },
    async (request) => {
      const { asset } = request.query;
      const { from, to } = rangeParams(request.query, 8 * 3_600_000);
      checkOeeRange(from, to);
      const bucketMs = bucketParam(request.query.bucket) ?? Math.max(60_000, Math.ceil((to - from) / DEFAULT_BUCKETS));
      const buckets = Math.ceil((to - from) / bucketMs);
      if (buckets > MAX_TREND_BUCKETS) throw new ApiError('LOOM_BAD_REQUEST', `${buckets} buckets of ${bucketMs} ms asked; at most ${MAX_TREND_BUCKETS} are served`);

      const tags = deps.registry.all();
      const machines = machinesOrThrow(asset, tags);
      const cells: Cell[] = [];
      const reasons: DowntimeReason[][] = [];
      for (const machine of machines) {
        const plan = planFor(machine);
        try {
          const result = await computeOeeFromHistory(deps.historian, machine, tags, from, to, {
            energyBucketMs: to - from > 86_400_000 ? 60_000 : undefined,
            ...deps.history,
            plan: bucketedPlan(plan, from, bucketMs),
            overrides: deps.overrides?.() ?? [],
            productPri: deps.productPri,
          });
          cells.push(...result.cells);
          reasons.push(downtimeReasons(result.intervals, plan, from, to));
        } catch (error) {
          if (error instanceof ApiError) throw error;
          throw new ApiError('LOOM_QUERY_FAILED', (error as Error).message);
        }
      }
      // The bucketed plan names each cell's shift by its bucket index.
      const byBucket = new Map<number, OeeTotals>();
      for (const cell of cells) {
        const index = Number(cell.key.shift);
        byBucket.set(index, addTotals(byBucket.get(index) ?? emptyTotals(), cell.totals));
      }
      const trend = [];
      for (let i = 0; i < buckets; i++) {
        const totals = byBucket.get(i);
        const report = totals ? oeeReport(totals) : null;
        trend.push({
          from: from + i * bucketMs,
          to: Math.min(to, from + (i + 1) * bucketMs),
          // No operating time: effectiveness is undefined (0/0), but nothing was made, so OEE is 0.
          iso: report ? { oee: zeroWhenIdle(report.iso.oee, report.iso.availability), availability: report.iso.availability, effectiveness: report.iso.effectiveness, qualityRatio: report.iso.qualityRatio } : null,
          nakajima: report
            ? { oee: zeroWhenIdle(report.nakajima.oee, report.nakajima.availability), availability: report.nakajima.availability, performance: report.nakajima.performance, quality: report.nakajima.quality }
            : null,
          pbtMs: report?.timeElements.PBT ?? 0,
        });
      }
      return { asset, from, to, bucketMs, machines, trend, reasons: mergeReasons(reasons) };
    },
  );
}
