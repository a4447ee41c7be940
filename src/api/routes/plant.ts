import type { FastifyInstance } from 'fastify';
import { buildAssetTree } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { patternParam } from '../params.js';

/** Health, the ISA-95 asset tree and the tag list with latest values. */
export async function plantRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const tree = buildAssetTree(deps.plant);

  app.get(
    '/api/v1/health',
    { schema: { tags: ['plant'], summary: 'Liveness and version', response: { 200: { $ref: 'Health#' } } } },
    async () => ({ status: 'ok', version: deps.version, uptimeS: Math.round((Date.now() - deps.startedAt) / 1000) }),
  );

  app.get('/api/v1/assets', { schema: { tags: ['plant'], summary: 'The plant model as an ISA-95 tree (enterprise > site > area > line > machine)' } }, async () => tree);

  app.get<{ Querystring: { path?: string } }>(
    '/api/v1/tags',
    {
      schema: {
        tags: ['plant'],
        summary: 'Tags whose path matches an MQTT-style pattern, with their latest value',
        querystring: {
          type: 'object',
          properties: { path: { type: 'string', description: "Pattern with '+' (one level) and '#' (any levels); default '#'", examples: ['acme/berlin/+/line-1/#'] } },
        },
      },
    },
    async (request) => {
      const pattern = patternParam(request.query.path);
      const latest = new Map(deps.historian.latest(pattern).map((value) => [value.tag, value]));
      const tags = deps.registry.match(pattern).map(({ id: _id, ...tag }) => {
        const value = latest.get(tag.path);
        return value ? { ...tag, value: value.value, ts: value.ts, quality: value.quality } : tag;
      });
      return { tags };
    },
  );
}
