// HTTP API of the OEE: GET /api/v1/oee and GET /api/v1/kpis.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors.js';
import { rangeParams } from '../../api/params.js';
import type { PlantConfig, TagDefinition } from '../../model/index.js';
import { groupCells, sumCells, type GroupBy } from './aggregate.js';
import { computeOeeFromHistory, type HistoryOptions, type HistorySource } from './history.js';
import { oeeReport } from './kpis.js';
import type { PlanCalendar } from './plan-calendar.js';
import { planOfSite } from './site-plan.js';
import type { Cell, ReasonOverride } from './types.js';
import type { LiveOee } from './live-oee.js';
import type { ShiftCellCache } from './shift-cache.js';

/** What the OEE routes read. */
export interface OeeDeps {
  /** A real historian reads reduced (changes, counter sums); one with `query` only reads raw samples. */
  historian: HistorySource;
  registry: { all(): readonly TagDefinition[] };
  plant: PlantConfig;
  /** Operator reasons (default none). */
  overrides?: () => readonly ReasonOverride[];
  /** Ideal cycle times in seconds per product for every asset; a machine's `idealCycleTimes` in the plant config win. */
  productPri?: Readonly<Record<string, number>>;
  /** Planned time of an asset; default: the site's shift calendar (06/14/22 h, 30-min break) in its time zone. */
  planFor?: (asset: string) => PlanCalendar;
  /** Further history options (counter modulus, thresholds, start-up window). */
  history?: Omit<HistoryOptions, 'plan' | 'overrides' | 'productPri'>;
  /** The running live OEE; without it `GET /api/v1/oee/live` answers LOOM_BAD_REQUEST. */
  live?: LiveOee;
  /** Cells of closed shifts, kept between requests (invalidated by late samples); default: none, every request reads raw history. */
  cache?: ShiftCellCache;
}

/** The current shift's cells before the live start, or why they are missing. */
interface LeadIn {
  cells: Cell[];
  missing?: { machine: string; from: number; to: number; reason: string };
}

const HOUR = 3_600_000;
/** Bump when a change to the OEE computation changes the cells of the same history: kept shifts are then recomputed. */
const CELLS_VERSION = 1;
const LEAD_IN_REFRESH_MS = 30_000;

/**
 * Start of the planned shift (or unplanned stretch) holding `ts`: the calendar is walked back a minute
 * at a time while the production day and shift stay the same, at most a day.
 */
export function shiftStartBefore(plan: PlanCalendar, ts: number): number {
  const here = plan.at(ts);
  let start = ts;
  for (let t = ts - 60_000; t > ts - 24 * HOUR; t -= 60_000) {
    const slot = plan.at(t);
    // Slots are contiguous: the one before the shift ends exactly where the shift begins.
    if (slot.day !== here.day || slot.shift !== here.shift) return Math.min(start, Math.max(slot.until, t));
    start = t;
  }
  return start;
}
/** Longest range one request may ask for. */
export const MAX_RANGE_MS = 93 * 24 * HOUR;
const BY = ['total', 'shift', 'day', 'week', 'order', 'product', 'asset', 'line', 'area', 'site'] as const;
const STATE_ROLES = new Set(['state', 'good_count']);

/** True when the plant model has `asset` or anything under it. */
function knownAsset(asset: string, tags: readonly TagDefinition[]): boolean {
  return tags.some((t) => t.asset === asset || t.asset.startsWith(`${asset}/`));
}

/** The machines at or under `asset`, or the API error that says why there are none. */
export function machinesOrThrow(asset: string, tags: readonly TagDefinition[]): string[] {
  const machines = machinesUnder(asset, tags);
  if (machines.length > 0) return machines;
  throw knownAsset(asset, tags)
    ? new ApiError('LOOM_NO_STATE_TAG', `no machine at or under '${asset}' has a state, running or good_count tag`)
    : new ApiError('LOOM_UNKNOWN_ASSET', `asset '${asset}' is not in the plant model`);
}

/** Refuses a range longer than `MAX_RANGE_MS`. */
export function checkOeeRange(from: number, to: number): void {
  if (to - from > MAX_RANGE_MS) throw new ApiError('LOOM_BAD_REQUEST', `the range is ${Math.round((to - from) / HOUR)} h; at most ${MAX_RANGE_MS / HOUR} h are served`);
}

/** The machine assets at or under `path` (every one for '') that have a state, running or good-count tag. */
export function machinesUnder(path: string, tags: readonly TagDefinition[]): string[] {
  const assets = new Set<string>();
  for (const t of tags) {
    if (path !== '' && t.asset !== path && !t.asset.startsWith(`${path}/`)) continue;
    if ((t.role && STATE_ROLES.has(t.role)) || (t.name === 'running' && t.type === 'boolean')) assets.add(t.asset);
  }
  return [...assets].sort();
}

/**
 * Planned time of each asset: its site's `shifts` calendar in the site's time zone, or without one
 * the default (06/14/22 h, a 30-minute break centred in each shift, every day).
 */
export function sitePlanFor(plant: PlantConfig): (asset: string) => PlanCalendar {
  const cache = new Map<string, PlanCalendar>();
  return (asset) => {
    const site = plant.sites.find((s) => asset.startsWith(`${plant.enterprise.id}/${s.id}/`));
    const id = site?.id ?? '';
    let plan = cache.get(id);
    if (!plan) cache.set(id, (plan = planOfSite(site?.timezone ?? 'UTC', site?.shifts)));
    return plan;
  };
}

/** Ideal cycle times per product of each machine, from its `idealCycleTimes` in the plant config. */
export function plantProductPri(plant: PlantConfig): (asset: string) => Readonly<Record<string, number>> | undefined {
  const byAsset = new Map<string, Readonly<Record<string, number>>>();
  for (const site of plant.sites)
    for (const area of site.areas)
      for (const line of area.lines)
        for (const machine of line.machines) {
          if (machine.idealCycleTimes) byAsset.set([plant.enterprise.id, site.id, area.id, line.id, machine.id].join('/'), machine.idealCycleTimes);
        }
  return (asset) => byAsset.get(asset);
}

interface OeeQuery {
  asset: string;
  from?: string;
  to?: string;
  by?: GroupBy;
}

/** What `machineCellsFor` reads (the routes' deps without `live`). */
export type MachineCellsDeps = Omit<OeeDeps, 'live'>;

/**
 * The cells of one machine over [from, to), as every report computes them: the plan, cycle times,
 * operator reasons and history options of the deps, closed shifts from `deps.cache` when given.
 * `span` is the length of the report the range belongs to (default to - from): past a day the energy
 * meter is read per minute (a rollup) rather than per second, and the cache keeps the two apart, so a
 * warm-up that computes a month in parts passes the month's span.
 */
export function machineCellsFor(deps: MachineCellsDeps): (machine: string, from: number, to: number, span?: number) => Promise<Cell[]> {
  const planFor = deps.planFor ?? sitePlanFor(deps.plant);
  const configuredPri = plantProductPri(deps.plant);
  const productPriFor = (asset: string) => {
    const own = configuredPri(asset);
    return own && deps.productPri ? { ...deps.productPri, ...own } : (own ?? deps.productPri);
  };
  // What else the cells of a machine depend on, as a digest: cached shifts (kept across restarts too)
  // computed with other tags, shifts, cycle times or options are recomputed, not served.
  const inputsOf = (machine: string, tags: readonly TagDefinition[]) => {
    const site = deps.planFor ? undefined : deps.plant.sites.find((s) => machine.startsWith(`${deps.plant.enterprise.id}/${s.id}/`));
    const siteSettings = site ? { ...site, areas: undefined } : null;
    const own = tags.filter((t) => t.asset === machine).sort((a, b) => (a.path < b.path ? -1 : 1));
    return createHash('sha1').update(JSON.stringify([CELLS_VERSION, siteSettings, productPriFor(machine) ?? null, deps.history ?? null, own])).digest('base64url');
  };
  return async (machine, from, to, span = to - from) => {
    const tags = deps.registry.all();
    const overrides = deps.overrides?.() ?? [];
    const plan = planFor(machine);
    const energyBucketMs = span > 86_400_000 ? 60_000 : undefined;
    const compute = async (f: number, t: number) =>
      (await computeOeeFromHistory(deps.historian, machine, tags, f, t, { energyBucketMs, ...deps.history, plan, overrides, productPri: productPriFor(machine) })).cells;
    if (!deps.cache) return compute(from, to);
    const variant = JSON.stringify([energyBucketMs ?? 0, overrides.filter((o) => o.asset === machine), inputsOf(machine, tags)]);
    return deps.cache.cells(machine, from, to, plan, variant, compute);
  };
}

/**
 * `GET /api/v1/oee` and `GET /api/v1/kpis`. Register inside the API scope:
 * `await oeeRoutes(scope, { historian: deps.historian, registry: deps.registry, plant: deps.plant })`.
 */
export async function oeeRoutes(app: FastifyInstance, deps: OeeDeps): Promise<void> {
  const machineCells = machineCellsFor(deps);
  const planFor = deps.planFor ?? sitePlanFor(deps.plant);
  // The live totals start when the server did, usually mid-shift (and mid-cycle: a unit finished just
  // after the start would count against a few seconds of run time). The current shift's live figures
  // therefore take the shift's part before the start from history, refreshed at most every
  // LEAD_IN_REFRESH_MS (the simulator's or a backfill's history may still be landing).
  // A failed history read is not hidden: the live answer lists the machines whose lead-in is missing.
  const leadIns = new Map<string, { at: number; answer: Promise<LeadIn> }>();
  const leadIn = (machine: string, liveStart: number): Promise<LeadIn> => {
    const now = Date.now();
    const known = leadIns.get(machine);
    if (known && now - known.at < LEAD_IN_REFRESH_MS) return known.answer;
    const from = shiftStartBefore(planFor(machine), liveStart);
    const answer: Promise<LeadIn> =
      from < liveStart
        ? machineCells(machine, from, liveStart).then(
            (cells) => ({ cells }),
            (error: unknown) => ({ cells: [], missing: { machine, from, to: liveStart, reason: `history before the live start could not be read: ${(error as Error).message}` } }),
          )
        : Promise.resolve({ cells: [] });
    leadIns.set(machine, { at: now, answer });
    return answer;
  };

  async function cellsFor(asset: string, from: number, to: number): Promise<{ machines: string[]; cells: Cell[] }> {
    const machines = machinesOrThrow(asset, deps.registry.all());
    checkOeeRange(from, to);
    // Machines at once: one's reads queue in the historian while another's cells are computed.
    const perMachine = await Promise.all(
      machines.map((machine) =>
        machineCells(machine, from, to).catch((error: unknown) => {
          if (error instanceof ApiError) throw error;
          throw new ApiError('LOOM_QUERY_FAILED', (error as Error).message);
        }),
      ),
    );
    return { machines, cells: perMachine.flat() };
  }

  const rangeSchema = {
    asset: { type: 'string', description: 'Asset path: a machine, or a line, area or site (its machines are summed)' },
    from: { type: 'string', description: 'ISO 8601 or ms since epoch; default to - 8 h' },
    to: { type: 'string', description: 'ISO 8601 or ms since epoch; default now' },
  };

  app.get<{ Querystring: OeeQuery }>(
    '/api/v1/oee',
    {
      schema: {
        tags: ['analytics'],
        summary: 'OEE (ISO 22400-2 and Nakajima), time elements, quantities and the loss waterfall of an asset over a range, optionally grouped',
        querystring: {
          type: 'object',
          required: ['asset'],
          properties: { ...rangeSchema, by: { type: 'string', enum: [...BY], description: 'Group by; default total' } },
        },
      },
    },
    async (request) => {
      const { asset } = request.query;
      const by = request.query.by ?? 'total';
      const { from, to } = rangeParams(request.query, 8 * HOUR);
      const { machines, cells } = await cellsFor(asset, from, to);
      return {
        asset,
        from,
        to,
        by,
        machines,
        total: oeeReport(sumCells(cells)),
        groups: by === 'total' ? [] : groupCells(cells, by).map((g) => ({ key: g.key, ...oeeReport(g.totals) })),
      };
    },
  );

  app.get<{ Querystring: { asset: string; by?: GroupBy } }>(
    '/api/v1/oee/live',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Live OEE of an asset, advanced every second (same report as /api/v1/oee): since the server started, plus the part of the shift then running before it, from history',
        querystring: {
          type: 'object',
          required: ['asset'],
          properties: { asset: rangeSchema.asset, by: { type: 'string', enum: [...BY], description: 'Group by; default total' } },
        },
      },
    },
    async (request) => {
      const { asset } = request.query;
      const by = request.query.by ?? 'total';
      if (!deps.live) throw new ApiError('LOOM_BAD_REQUEST', 'live OEE is not running on this server');
      const liveCells = deps.live.cells(asset);
      const liveStart = deps.live.startedAt;
      const leadInAnswers = await Promise.all([...new Set(liveCells.map((c) => c.key.asset))].map((machine) => leadIn(machine, liveStart)));
      const cells = [...leadInAnswers.flatMap((a) => a.cells), ...liveCells];
      const missing = leadInAnswers.flatMap((a) => (a.missing ? [a.missing] : []));
      if (liveCells.length === 0) {
        throw knownAsset(asset, deps.registry.all()) ? new ApiError('LOOM_NO_STATE_TAG', `no live OEE data for '${asset}' yet`) : new ApiError('LOOM_UNKNOWN_ASSET', `asset '${asset}' is not in the plant model`);
      }
      return {
        asset,
        by,
        machines: [...new Set(cells.map((c) => c.key.asset))].sort(),
        total: oeeReport(sumCells(cells)),
        groups: by === 'total' ? [] : groupCells(cells, by).map((g) => ({ key: g.key, ...oeeReport(g.totals) })),
        // Only when a lead-in failed: these machines' figures start at the live start, not the shift start.
        ...(missing.length > 0 ? { missingLeadIn: missing } : {}),
      };
    },
  );

  app.get<{ Querystring: Omit<OeeQuery, 'by'> }>(
    '/api/v1/kpis',
    {
      schema: {
        tags: ['analytics'],
        summary: 'ISO 22400-2 KPIs of an asset over a range: those computed, and those missing with the data each lacks',
        querystring: { type: 'object', required: ['asset'], properties: rangeSchema },
      },
    },
    async (request) => {
      const { asset } = request.query;
      const { from, to } = rangeParams(request.query, 8 * HOUR);
      const { machines, cells } = await cellsFor(asset, from, to);
      const report = oeeReport(sumCells(cells));
      return { asset, from, to, machines, computed: report.kpis, missing: report.missing };
    },
  );
}
