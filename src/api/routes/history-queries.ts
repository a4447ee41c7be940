import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_ALIGNED_TAGS, MAX_ALIGNED_VALUES, MAX_BUCKETS, MAX_CORRECTIONS_LIMIT } from '../../historian/index.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { aggregateParam, bucketParam, rangeParams, timeParam } from '../params.js';
import { zodQuery } from '../zod-query.js';

const HOUR = 3_600_000;

const range = {
  from: z.string().optional().describe('ISO 8601 or ms since epoch; default to - 1 h'),
  to: z.string().optional().describe('ISO 8601 or ms since epoch; default now'),
};
const tag = z.string().min(1).describe('Full tag path');
const method = z.enum(['previous', 'linear']).optional().describe('previous (step: a sample holds until the next) or linear; default previous');
const maxGap = z.string().optional().describe('Samples further apart than this (10s, 5m, 1h or ms) do not bridge the time between them; default no limit');

const alignedQuery = zodQuery(
  z.object({
    tag: z
      .union([tag, z.array(tag)])
      .transform((t) => (Array.isArray(t) ? t : [t]))
      .describe(`Full tag path; repeat for several tags (at most ${MAX_ALIGNED_TAGS})`),
    ...range,
    bucket: z.string().optional().describe('Bucket width (10s, 1m, 1h ...); default: automatic for maxPoints'),
    agg: z.string().optional().describe('avg, min, max, first, last, count, twa or stddev; default avg (last for text tags)'),
    maxPoints: z.string().regex(/^\d+$/, 'must be a positive integer').optional().describe('Most buckets when bucket is automatic (default 2000)'),
  }),
);

const interpolatedQuery = zodQuery(
  z.object({
    tag,
    ...range,
    step: z.string().describe('Interval between points: 10s, 1m, 1h or ms'),
    method,
    maxGap,
  }),
);

const atQuery = zodQuery(z.object({ tag, ts: z.string().describe('ISO 8601 or ms since epoch'), method, maxGap }));

const correctionsQuery = zodQuery(
  z.object({
    tag: tag.optional().describe('Full tag path; all tags when absent'),
    from: z.string().optional().describe('Corrected samples from this time (ISO 8601 or ms); default to - 30 d'),
    to: range.to,
    limit: z.string().regex(/^\d+$/, 'must be a positive integer').optional().describe(`Newest this many (default 1000, at most ${MAX_CORRECTIONS_LIMIT})`),
  }),
);

/** Several tags on one bucket grid, interpolated values, the value at a time, and recorded corrections. */
export async function historyQueryRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const knownTag = (path: string) => {
    if (!deps.registry.has(path)) throw new ApiError('LOOM_UNKNOWN_TAG', `tag '${path}' is not in the plant model`);
  };
  const durationParam = (name: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    let ms: number | undefined;
    try {
      ms = bucketParam(raw);
    } catch {
      ms = undefined;
    }
    if (ms === undefined) throw new ApiError('LOOM_BAD_BUCKET', `${name} '${raw}' is not a duration`);
    return ms;
  };

  app.get(
    '/api/v1/history/aligned',
    {
      schema: {
        tags: ['history'],
        summary: 'Several tags on the same buckets: one bucket grid, one value per tag and bucket (null where a tag has none)',
        querystring: alignedQuery.schema,
      },
    },
    async (request) => {
      const q = alignedQuery.parse(request.query);
      if (q.tag.length > MAX_ALIGNED_TAGS) throw new ApiError('LOOM_TOO_MANY_TAGS', `${q.tag.length} tags asked; at most ${MAX_ALIGNED_TAGS} are served in one request`);
      q.tag.forEach(knownTag);
      const { from, to } = rangeParams(q, HOUR);
      const bucketMs = bucketParam(q.bucket);
      if (bucketMs !== undefined) {
        const buckets = Math.ceil(to / bucketMs) - Math.floor(from / bucketMs);
        if (buckets > MAX_BUCKETS) throw new ApiError('LOOM_TOO_MANY_BUCKETS', `${buckets} buckets of ${q.bucket} asked; at most ${MAX_BUCKETS} are served`);
        if (buckets * q.tag.length > MAX_ALIGNED_VALUES) {
          throw new ApiError('LOOM_TOO_MANY_BUCKETS', `${q.tag.length} tags x ${buckets} buckets asked; at most ${MAX_ALIGNED_VALUES} values are served`);
        }
      }
      const agg = q.agg === undefined ? undefined : aggregateParam(q.agg);
      const maxPoints = q.maxPoints === undefined ? undefined : Number(q.maxPoints);
      return historianCall(() => deps.historian.queryAligned({ tags: q.tag, from, to, bucketMs, agg, maxPoints }));
    },
  );

  app.get(
    '/api/v1/history/interpolated',
    {
      schema: {
        tags: ['history'],
        summary: 'Values at fixed intervals (from, from + step, ... before to), interpolated; a point without a value says why',
        querystring: interpolatedQuery.schema,
      },
    },
    async (request) => {
      const q = interpolatedQuery.parse(request.query);
      knownTag(q.tag);
      const { from, to } = rangeParams(q, HOUR);
      const stepMs = durationParam('step', q.step)!;
      const points = Math.ceil((to - from) / stepMs);
      if (points > MAX_BUCKETS) throw new ApiError('LOOM_TOO_MANY_BUCKETS', `${points} points of ${q.step} asked; at most ${MAX_BUCKETS} are served`);
      const maxGapMs = durationParam('maxGap', q.maxGap);
      return historianCall(() => deps.historian.interpolate({ tag: q.tag, from, to, stepMs, method: q.method, maxGapMs }));
    },
  );

  app.get(
    '/api/v1/history/at',
    {
      schema: {
        tags: ['history'],
        summary: 'The value of a tag at one time, with the samples before and after it that it came from',
        querystring: atQuery.schema,
      },
    },
    async (request) => {
      const q = atQuery.parse(request.query);
      knownTag(q.tag);
      const ts = timeParam('ts', q.ts, Date.now());
      return historianCall(() => deps.historian.valueAt({ tag: q.tag, ts, method: q.method, maxGapMs: durationParam('maxGap', q.maxGap) }));
    },
  );

  app.get(
    '/api/v1/history/corrections',
    {
      schema: {
        tags: ['history'],
        summary: 'Stored samples replaced by a different value or quality (late corrections), old and new, newest first',
        querystring: correctionsQuery.schema,
      },
    },
    async (request) => {
      const q = correctionsQuery.parse(request.query);
      if (q.tag !== undefined) knownTag(q.tag);
      const { from, to } = rangeParams(q, 30 * 24 * HOUR);
      const limit = q.limit === undefined ? undefined : Number(q.limit);
      if (limit !== undefined && (limit < 1 || limit > MAX_CORRECTIONS_LIMIT)) {
        throw new ApiError('LOOM_BAD_REQUEST', `parameter 'limit': ${limit} is not between 1 and ${MAX_CORRECTIONS_LIMIT}`);
      }
      // Not stats().corrections for a total: on PostgreSQL, stats counts every raw row.
      const corrections = await historianCall(() => deps.historian.corrections({ tag: q.tag, from, to, limit }));
      return { count: corrections.length, corrections };
    },
  );
}

/** Runs a historian call; what the historian refuses becomes a 400 with its message. */
export async function historianCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('LOOM_QUERY_FAILED', (error as Error).message);
  }
}
