import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TagRegistry } from '../../model/index.js';
import type { Historian } from '../../historian/types.js';
import { csvChunks, ExportRefused, planExport, writeParquetFile, type ExportFormat, type ExportLayout, type ExportPlan } from '../../transfer/index.js';
import { ApiError } from '../errors.js';
import { rangeParams } from '../params.js';

/** What one export request may ask for: it streams, but a single request should not hold the historian for long. */
export interface ExportLimits {
  maxRangeMs: number;
  maxSamples: number;
  maxTags: number;
}

export const EXPORT_LIMITS: ExportLimits = { maxRangeMs: 366 * 86_400_000, maxSamples: 5_000_000, maxTags: 500 };

interface ExportQuerystring {
  tag?: string | string[];
  from?: string;
  to?: string;
  format?: ExportFormat;
  layout?: ExportLayout;
}

/** `GET /api/v1/export`: raw history of tags as a CSV or Parquet download. */
export async function exportRoutes(app: FastifyInstance, deps: { historian: Historian; registry: TagRegistry }, limits: ExportLimits = EXPORT_LIMITS): Promise<void> {
  app.get<{ Querystring: ExportQuerystring }>(
    '/api/v1/export',
    {
      schema: {
        tags: ['history'],
        summary: 'Raw history of tags as a CSV or Parquet download (long: ts, tag, value, quality; wide: ts and a column per tag)',
        querystring: {
          type: 'object',
          required: ['tag'],
          properties: {
            tag: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Tag path or pattern (+, #); repeat for more' },
            from: { type: 'string', description: 'ISO 8601 or ms since epoch; default to - 1 h' },
            to: { type: 'string', description: 'ISO 8601 or ms since epoch; default now' },
            format: { type: 'string', enum: ['csv', 'parquet'], description: 'Default csv' },
            layout: { type: 'string', enum: ['long', 'wide'], description: 'Default long (what loom import reads back)' },
          },
        },
      },
    },
    async (request, reply) => {
      const tags = ([] as string[]).concat(request.query.tag ?? []);
      const { from, to } = rangeParams(request.query, 3_600_000);
      const format = request.query.format ?? 'csv';
      const layout = request.query.layout ?? 'long';
      if (to - from > limits.maxRangeMs) {
        throw new ApiError('LOOM_EXPORT_TOO_LARGE', `the range is ${Math.ceil((to - from) / 86_400_000)} days; one export covers at most ${Math.floor(limits.maxRangeMs / 86_400_000)}`);
      }
      if (tags.length > limits.maxTags) throw new ApiError('LOOM_EXPORT_TOO_LARGE', `${tags.length} tags asked; one export takes at most ${limits.maxTags}`);
      let plan: ExportPlan;
      try {
        plan = await planExport(deps, { tags, from, to, maxSamples: limits.maxSamples });
      } catch (error) {
        throw toApiError(error);
      }
      if (plan.tags.length > limits.maxTags) throw new ApiError('LOOM_EXPORT_TOO_LARGE', `the patterns match ${plan.tags.length} tags; one export takes at most ${limits.maxTags}`);
      const name = `loom-export-${stamp(from)}-${stamp(to)}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'csv') {
        reply.type('text/csv; charset=utf-8');
        return reply.send(Readable.from(csvChunks(deps.historian, plan, layout)));
      }
      // Parquet is written whole (its footer comes last), then streamed from a temp file.
      const dir = await mkdtemp(join(tmpdir(), 'loom-export-'));
      const file = join(dir, name);
      try {
        await writeParquetFile(deps.historian, plan, layout, file);
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      const stream = createReadStream(file);
      stream.on('close', () => void rm(dir, { recursive: true, force: true }));
      reply.type('application/vnd.apache.parquet');
      return reply.send(stream);
    },
  );
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!(error instanceof ExportRefused)) return new ApiError('LOOM_QUERY_FAILED', (error as Error).message);
  const code = { unknown_tag: 'LOOM_UNKNOWN_TAG', bad_pattern: 'LOOM_BAD_PATTERN', bad_range: 'LOOM_BAD_RANGE', too_large: 'LOOM_EXPORT_TOO_LARGE' } as const;
  return new ApiError(code[error.kind], error.message);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
