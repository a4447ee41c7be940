import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import type { RawSample } from '../../connectors/types.js';

/** The system page's figures, dead letters, and sample submission over HTTP. */
export async function systemRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get('/api/v1/system', { schema: { tags: ['system'], summary: 'Ingest, queues, historian, connectors and dead letters at a glance' } }, async () => ({
    uptimeS: Math.round((Date.now() - deps.startedAt) / 1000),
    eventLoopLagMs: round(deps.telemetry.lagSnapshot),
    ingest: { ...deps.ingest.stats(), ratePerS: round(deps.telemetry.ratePerS) },
    bus: deps.bus.stats(),
    historian: await deps.historian.stats(),
    writeLatencyMs: deps.telemetry.writeLatencyMs(),
    deadLetters: { total: deps.deadLetters.total, byReason: deps.deadLetters.byReason() },
    connectors: deps.connectors(),
  }));

  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/dead-letters',
    {
      schema: {
        tags: ['system'],
        summary: 'Refused inputs with their reason, newest first',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 } } },
      },
    },
    async (request) => ({ total: deps.deadLetters.total, byReason: deps.deadLetters.byReason(), items: deps.deadLetters.list(request.query.limit ?? 100) }),
  );

  app.post<{ Body: { samples: RawSample[] } }>(
    '/api/v1/samples',
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['system'],
        summary: 'Submit samples over HTTP; refused ones are dead-lettered with their reason',
        body: {
          type: 'object',
          required: ['samples'],
          properties: { samples: { type: 'array', maxItems: 100_000, items: {} } },
        },
      },
    },
    async (request) => deps.ingest.submit(request.body.samples, 'api'),
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
