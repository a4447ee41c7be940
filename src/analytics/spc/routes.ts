import type { FastifyInstance } from 'fastify';
import type { TagRegistry } from '../../model/index.js';
import type { Historian } from '../../historian/types.js';
import { ApiError } from '../../api/errors.js';
import { rangeParams, timeParam } from '../../api/params.js';
import { analyseChart, type SpcAnalysis } from './analyse.js';
import type { ConstantsMode } from './constants.js';
import { toSubgroups } from './limits.js';
import { parseRules, type RuleId } from './rules.js';
import { CHART_KINDS, type ChartKind, type ChartLimits } from './types.js';
import type { SpcEventLog } from './event-log.js';

/** What the SPC routes read. `ApiDeps` fits as is. */
export interface SpcRouteDeps {
  historian: Pick<Historian, 'query'>;
  registry: Pick<TagRegistry, 'has' | 'get'>;
  /** The live monitors' events; without it `GET /api/v1/spc/events` answers an empty list. */
  events?: Pick<SpcEventLog, 'list' | 'stats' | 'monitors' | 'statuses'>;
}

/** Most raw samples one GET analyses; a longer range answers LOOM_BAD_REQUEST. */
export const MAX_SPC_SAMPLES = 100_000;
const DEFAULT_SPAN_MS = 8 * 3_600_000;

interface CommonOptions {
  chart?: ChartKind;
  n?: number;
  rules?: string;
  usl?: number;
  lsl?: number;
  target?: number;
  phase1?: number;
  constants?: ConstantsMode;
}

const commonProperties = {
  chart: { type: 'string', enum: CHART_KINDS, description: 'xbar-r, xbar-s or imr (individuals / moving range); default imr, or xbar-r for posted subgroups' },
  n: { type: 'integer', minimum: 2, maximum: 25, description: 'Subgroup size for xbar-r / xbar-s: consecutive samples are grouped by n (default 5)' },
  rules: { type: 'string', description: "Rules: 'nelson' (1-8, default), 'we' (Western Electric 1-4), Nelson numbers '1,2,5', or ids 'we-2,nelson-7'" },
  usl: { type: 'number', description: 'Upper specification limit' },
  lsl: { type: 'number', description: 'Lower specification limit' },
  target: { type: 'number', description: 'Target for Cpm; default mid-specification' },
  phase1: { type: 'integer', minimum: 2, description: 'Phase I: the first k subgroups (values for imr) estimate the limits; default all' },
  constants: { type: 'string', enum: ['exact', 'rounded'], description: 'Chart constants: exact (default) or rounded as in printed tables' },
} as const;

const lineSchema = {
  type: 'object',
  required: ['center', 'lower', 'upper', 'sigma'],
  properties: { center: { type: 'number' }, lower: { type: 'number' }, upper: { type: 'number' }, sigma: { type: 'number', exclusiveMinimum: 0 } },
} as const;

const limitsSchema = {
  type: 'object',
  description: 'Frozen limits (the `limits` of an earlier answer): all points are then monitored against them (phase II)',
  required: ['chart', 'n', 'constants', 'location', 'dispersion', 'sigmaWithin', 'phaseISize'],
  properties: {
    chart: { type: 'string', enum: CHART_KINDS },
    n: { type: 'integer', minimum: 1, maximum: 25 },
    constants: { type: 'string', enum: ['exact', 'rounded'] },
    location: lineSchema,
    dispersion: lineSchema,
    sigmaWithin: { type: 'number', exclusiveMinimum: 0 },
    phaseISize: { type: 'integer', minimum: 0 },
  },
} as const;

/** Runs the analysis, turning the library's RangeErrors into LOOM_BAD_REQUEST. */
function analyse(values: number[] | number[][], options: CommonOptions & { limits?: ChartLimits; timestamps?: number[] }) {
  let rules: RuleId[];
  try {
    rules = parseRules(options.rules ?? 'nelson');
  } catch (error) {
    throw new ApiError('LOOM_BAD_REQUEST', (error as Error).message);
  }
  const grouped = values.length > 0 && Array.isArray(values[0]);
  if (values.some((v) => Array.isArray(v) !== grouped)) throw new ApiError('LOOM_BAD_REQUEST', 'measurements must be all numbers or all subgroups (arrays of numbers)');
  const chart: ChartKind = options.chart ?? options.limits?.chart ?? (grouped ? 'xbar-r' : 'imr');
  const n = chart === 'imr' ? 1 : (options.n ?? options.limits?.n ?? 5);
  let subgroups: number[][];
  let timestamps = options.timestamps;
  if (grouped) {
    if (chart === 'imr') throw new ApiError('LOOM_BAD_REQUEST', 'an individuals chart (imr) takes a flat array of numbers');
    subgroups = values as number[][];
  } else {
    subgroups = chart === 'imr' ? (values as number[]).map((v) => [v]) : toSubgroups(values as number[], n);
    if (timestamps) timestamps = subgroups.map((_, i) => timestamps![(i + 1) * n - 1]);
  }
  const dropped = grouped ? 0 : values.length - subgroups.length * n;
  if (subgroups.length < 2) throw new ApiError('LOOM_BAD_REQUEST', `${values.length} measurement(s) make ${subgroups.length} subgroup(s) of ${n}; at least 2 are needed`);
  try {
    const result: SpcAnalysis = analyseChart({
      chart,
      subgroups,
      timestamps,
      phaseI: options.limits ? undefined : options.phase1 !== undefined ? Math.min(options.phase1, subgroups.length) : undefined,
      limits: options.limits,
      rules,
      spec: { usl: options.usl, lsl: options.lsl, target: options.target },
      constants: options.constants,
    });
    return { ...result, rules, dropped };
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError('LOOM_BAD_REQUEST', error.message);
    throw error;
  }
}

/**
 * SPC routes: `GET /api/v1/spc` charts a tag's history, `POST /api/v1/spc/measurements` charts posted
 * numbers. Register inside the API's scope (errors are `ApiError`s for its error handler):
 * @example await spcRoutes(scope, deps); // deps: ApiDeps, or any { historian, registry }
 */
export async function spcRoutes(app: FastifyInstance, deps: SpcRouteDeps): Promise<void> {
  app.get<{ Querystring: CommonOptions & { tag: string; from?: string; to?: string } }>(
    '/api/v1/spc',
    {
      schema: {
        tags: ['analytics'],
        summary: "Control chart of a tag's raw history: points, limits, rule violations and capability",
        querystring: {
          type: 'object',
          required: ['tag'],
          properties: {
            tag: { type: 'string', description: 'Full tag path (numeric tag)' },
            from: { type: 'string', description: 'ISO 8601 or ms since epoch; default to - 8 h' },
            to: { type: 'string', description: 'ISO 8601 or ms since epoch; default now' },
            ...commonProperties,
          },
        },
      },
    },
    async (request) => {
      const { tag } = request.query;
      const definition = deps.registry.get(tag);
      if (!definition || !deps.registry.has(tag)) throw new ApiError('LOOM_UNKNOWN_TAG', `tag '${tag}' is not in the plant model`);
      if (definition.type !== 'number') throw new ApiError('LOOM_BAD_REQUEST', `tag '${tag}' holds ${definition.type} values; SPC needs a number tag`);
      const { from, to } = rangeParams(request.query, DEFAULT_SPAN_MS);
      let history;
      try {
        history = await deps.historian.query({ tag, from, to, maxPoints: MAX_SPC_SAMPLES });
      } catch (error) {
        throw new ApiError('LOOM_QUERY_FAILED', (error as Error).message);
      }
      if (history.bucketMs !== null) {
        throw new ApiError('LOOM_BAD_REQUEST', `more than ${MAX_SPC_SAMPLES} samples between from and to; SPC reads raw samples, so shorten the range`);
      }
      const used = history.points.filter((p) => typeof p.value === 'number' && Number.isFinite(p.value) && (p.quality ?? 'good') === 'good');
      const result = analyse(
        used.map((p) => p.value as number),
        { ...request.query, timestamps: used.map((p) => p.ts) },
      );
      return { tag, from, to, samples: { used: used.length, skipped: history.points.length - used.length, dropped: result.dropped }, ...withoutDropped(result) };
    },
  );

  app.get<{ Querystring: { tag?: string; since?: string; limit?: number } }>(
    '/api/v1/spc/events',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Rule violations seen live by the configured SPC monitors (spc.monitors), newest first',
        querystring: {
          type: 'object',
          properties: {
            tag: { type: 'string', description: 'Only events of this tag, or of the tags under this path' },
            since: { type: 'string', description: 'Only events at or after this time (ISO 8601 or ms since epoch)' },
            limit: { type: 'integer', minimum: 1, maximum: 10_000, description: 'Most events returned (default 1,000)' },
          },
        },
      },
    },
    async (request) => {
      const { tag, limit } = request.query;
      const since = request.query.since === undefined ? undefined : timeParam('since', request.query.since, 0);
      const stats = deps.events?.stats ?? { received: 0, dropped: 0 };
      return { monitors: deps.events?.monitors ?? [], received: stats.received, dropped: stats.dropped, events: deps.events?.list({ tag, since, limit }) ?? [] };
    },
  );

  app.get(
    '/api/v1/spc/monitors',
    { schema: { tags: ['analytics'], summary: 'The live SPC monitors of the config (spc.monitors): chart, rules, phase, limits, points and events so far' } },
    async () => ({ monitors: deps.events?.statuses() ?? [] }),
  );

  app.post<{ Body: CommonOptions & { measurements: number[] | number[][]; limits?: ChartLimits } }>(
    '/api/v1/spc/measurements',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Control chart of posted measurements (numbers, or subgroups as arrays of numbers), without a tag',
        body: {
          type: 'object',
          required: ['measurements'],
          properties: {
            measurements: {
              type: 'array',
              minItems: 2,
              maxItems: MAX_SPC_SAMPLES,
              items: { anyOf: [{ type: 'number' }, { type: 'array', minItems: 1, maxItems: 25, items: { type: 'number' } }] },
            },
            limits: limitsSchema,
            ...commonProperties,
          },
        },
      },
    },
    async (request) => {
      const result = analyse(request.body.measurements, request.body);
      return { samples: { dropped: result.dropped }, ...withoutDropped(result) };
    },
  );
}

function withoutDropped<T extends { dropped: number }>(result: T): Omit<T, 'dropped'> {
  const { dropped: _dropped, ...rest } = result;
  return rest;
}
