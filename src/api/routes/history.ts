import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { aggregateParam, bucketParam, MAX_BUCKETS, rangeParams } from '../params.js';
import { historianCall, historyQueryRoutes } from './history-queries.js';

const HOUR = 3_600_000;

interface HistoryQuerystring {
  tag: string;
  from?: string;
  to?: string;
  bucket?: string;
  agg?: string;
  maxPoints?: number;
  boundary?: boolean;
}

/** Trends from the historian and state timelines derived from state tags. */
export async function historyRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get<{ Querystring: HistoryQuerystring }>(
    '/api/v1/history',
    {
      schema: {
        tags: ['history'],
        summary: 'History of one tag: raw samples, or buckets read from the best rollup for the range',
        querystring: {
          type: 'object',
          required: ['tag'],
          properties: {
            tag: { type: 'string', description: 'Full tag path' },
            from: { type: 'string', description: 'ISO 8601 or ms since epoch; default to - 1 h' },
            to: { type: 'string', description: 'ISO 8601 or ms since epoch; default now' },
            bucket: { type: 'string', description: 'Bucket width (10s, 1m, 1h ...); default: raw if it fits, else automatic' },
            agg: {
              type: 'string',
              enum: ['avg', 'min', 'max', 'first', 'last', 'count', 'twa', 'stddev'],
              description: 'Aggregate per bucket; default avg. stddev: sample standard deviation of the good values. Text tags: first, last, count',
            },
            maxPoints: { type: 'integer', minimum: 1, maximum: MAX_BUCKETS, description: 'Most points to return (default 2000)' },
            boundary: { type: 'boolean', description: "Also return 'before': the last sample before from (any quality), for the start of a trend" },
          },
        },
      },
    },
    async (request) => {
      const { tag } = request.query;
      if (!deps.registry.has(tag)) throw new ApiError('LOOM_UNKNOWN_TAG', `tag '${tag}' is not in the plant model`);
      const { from, to } = rangeParams(request.query, HOUR);
      const bucketMs = bucketParam(request.query.bucket);
      const agg = aggregateParam(request.query.agg);
      if (bucketMs !== undefined && (to - from) / bucketMs > MAX_BUCKETS) {
        throw new ApiError('LOOM_TOO_MANY_BUCKETS', `${Math.ceil((to - from) / bucketMs)} buckets of ${request.query.bucket} asked; at most ${MAX_BUCKETS} are served`);
      }
      return historianCall(() => deps.historian.query({ tag, from, to, bucketMs, agg, maxPoints: request.query.maxPoints, boundary: request.query.boundary }));
    },
  );

  await historyQueryRoutes(app, deps);

  app.get<{ Querystring: { asset: string; from?: string; to?: string } }>(
    '/api/v1/states',
    {
      schema: {
        tags: ['history'],
        summary: "State intervals of an asset, from its tag with role 'state'",
        querystring: {
          type: 'object',
          required: ['asset'],
          properties: { asset: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
        },
      },
    },
    async (request) => {
      const { asset } = request.query;
      const { from, to } = rangeParams(request.query, 8 * HOUR);
      const stateTag = deps.registry.all().find((tag) => tag.asset === asset && tag.role === 'state');
      if (!stateTag) {
        const known = deps.registry.all().some((tag) => tag.asset === asset);
        throw known
          ? new ApiError('LOOM_NO_STATE_TAG', `asset '${asset}' has no state tag`)
          : new ApiError('LOOM_UNKNOWN_ASSET', `asset '${asset}' is not in the plant model`);
      }
      const states = stateTag.states ?? {};
      // Look back a little so the first interval starts with the state that was current at `from`.
      const lookBack = 10 * 60_000;
      const result = await historianCall(() => deps.historian.query({ tag: stateTag.path, from: from - lookBack, to, maxPoints: 100_000 }));
      const intervals: Array<{ from: number; to: number; code: number; state: string }> = [];
      const points = result.bucketMs === null ? result.points : [];
      for (let i = 0; i < points.length; i++) {
        const point = points[i];
        if (point.value === null || point.quality === 'bad') continue;
        const code = Number(point.value);
        const start = Math.max(from, point.ts);
        const last = intervals[intervals.length - 1];
        if (last && last.code === code) continue;
        if (last) last.to = Math.max(last.from, start);
        if (point.ts >= to) break;
        intervals.push({ from: start, to, code, state: states[String(code)] ?? `code ${code}` });
      }
      const end = Math.min(to, Date.now());
      const visible = intervals.filter((interval) => interval.to > from).map((interval) => ({ ...interval, to: Math.min(interval.to, Math.max(interval.from, end)) }));
      return { asset, tag: stateTag.path, states, intervals: visible };
    },
  );
}
