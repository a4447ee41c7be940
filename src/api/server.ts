import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { ApiDeps } from './deps.js';
import { ApiError } from './errors.js';
import { plantRoutes } from './routes/plant.js';
import { historyRoutes } from './routes/history.js';
import { liveRoutes } from './routes/live.js';
import { systemRoutes } from './routes/system.js';
import { historianStatsRoutes } from './routes/historian-stats.js';
import { metricsRoutes } from './routes/metrics.js';
import { writeRoutes } from './routes/write.js';
import { exportRoutes } from './routes/export.js';
import { importRoutes } from './routes/import.js';
import { opcuaRoutes } from './routes/opcua.js';
import { oeeRoutes } from '../analytics/oee/index.js';
import { oeeLossRoutes } from '../analytics/oee/losses-route.js';
import { spcRoutes } from '../analytics/spc/routes.js';

/** Builds the HTTP API (REST, WebSocket, `/metrics`, `/docs`) and serves the dashboard. */
export async function buildApi(deps: ApiDeps, options: { logger?: FastifyServerOptions['logger'] } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });

  app.addSchema({
    $id: 'Health',
    type: 'object',
    properties: { status: { type: 'string' }, version: { type: 'string' }, uptimeS: { type: 'number' } },
  });

  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, hint: error.hint } });
    }
    if (error.validation || (error.statusCode && error.statusCode < 500)) {
      return reply.status(error.statusCode ?? 400).send({
        error: { code: 'LOOM_BAD_REQUEST', message: error.message, hint: 'check the request against the OpenAPI description at /docs' },
      });
    }
    request.log.error(error);
    return reply.status(500).send({ error: { code: 'LOOM_INTERNAL', message: 'internal error', hint: 'this is a bug: the server log has the details' } });
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Loom API', version: deps.version, description: 'Unified namespace, historian and live data of a Loom plant. Times are ms since the epoch (UTC) or ISO 8601.' },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  await app.register(async (scope) => {
    await plantRoutes(scope, deps);
    await historyRoutes(scope, deps);
    await liveRoutes(scope, deps);
    await systemRoutes(scope, deps);
    await historianStatsRoutes(scope, deps);
    await metricsRoutes(scope, deps);
    await writeRoutes(scope, deps);
    await exportRoutes(scope, deps);
    await importRoutes(scope, deps);
    await opcuaRoutes(scope, deps);
    await oeeRoutes(scope, { historian: deps.historian, registry: deps.registry, plant: deps.plant, live: deps.liveOee, cache: deps.oeeCache });
    await oeeLossRoutes(scope, { historian: deps.historian, registry: deps.registry, plant: deps.plant });
    await spcRoutes(scope, { historian: deps.historian, registry: deps.registry, events: deps.spcEvents });
  });

  if (deps.uiDir && existsSync(deps.uiDir)) {
    await app.register(fastifyStatic, { root: deps.uiDir, prefix: '/', wildcard: false });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/html').send('<h1>Loom</h1><p>The dashboard is not built. Run <code>npm run build:ui</code> and reload. The API is at <a href="/docs">/docs</a>.</p>'),
    );
  }
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'LOOM_BAD_REQUEST', message: `no route ${request.method} ${request.url}`, hint: 'the routes are listed at /docs' } }),
  );
  return app;
}
