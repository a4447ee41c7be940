import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Sample } from '../../model/index.js';
import { patternError } from '../../model/index.js';
import type { Subscription } from '../../bus/index.js';
import type { ApiDeps } from '../deps.js';

const FLUSH_INTERVAL_MS = 250;
// The snapshot comes from the historian's latest values, which trail the bus by up to one historian
// write; a sample published just before the subscription would otherwise reach this client only
// with the tag's next change. One catch-up after this delay sends what the snapshot missed.
const CATCH_UP_DELAY_MS = 1_000;
// A browser that cannot keep up loses its oldest updates, never the historian's data.
const LIVE_QUEUE_LIMIT = 20_000;
let connectionCounter = 0;

/**
 * `GET /api/v1/live` (WebSocket): subscribe with `?path=PATTERN` or by sending `{"subscribe":"PATTERN"}`.
 * The server answers with `{"type":"snapshot","samples":[...]}` (latest values), then
 * `{"type":"samples","samples":[...]}` every 250 ms while values change.
 */
export async function liveRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.route<{ Querystring: { path?: string } }>({
    method: 'GET',
    url: '/api/v1/live',
    schema: {
      tags: ['live'],
      summary: 'WebSocket stream of samples whose tag matches a pattern',
      description:
        'Upgrade to a WebSocket. Subscribe with ?path=PATTERN or by sending {"subscribe":"PATTERN"}. The server sends ' +
        '{"type":"snapshot","samples":[...]} with the latest values, then {"type":"samples","samples":[...]} every 250 ms.',
      querystring: { type: 'object', properties: { path: { type: 'string' } } },
    },
    // A plain HTTP GET (no upgrade) gets told how to use the route instead of a bare 404.
    handler: async (_request, reply) =>
      reply.status(426).send({ error: { code: 'LOOM_BAD_REQUEST', message: '/api/v1/live is a WebSocket endpoint', hint: 'connect with a WebSocket client (ws://host/api/v1/live?path=PATTERN)' } }),
    wsHandler: (socket, request) => {
      const id = ++connectionCounter;
      let subscription: Subscription | undefined;
      let pending: Sample[] = [];
      let catchUp: NodeJS.Timeout | undefined;

      const subscribe = (pattern: string) => {
        const problem = patternError(pattern);
        if (problem) {
          send(socket, { type: 'error', message: `path pattern '${pattern}': ${problem}` });
          return;
        }
        subscription?.unsubscribe();
        pending = [];
        const snapshot = deps.historian.latest(pattern);
        send(socket, { type: 'snapshot', pattern, samples: snapshot });
        clearTimeout(catchUp);
        catchUp = setTimeout(() => {
          const sentAt = new Map(snapshot.map((s) => [s.tag, s.ts]));
          const missed = deps.historian.latest(pattern).filter((s) => s.ts > (sentAt.get(s.tag) ?? -Infinity));
          if (missed.length > 0) send(socket, { type: 'samples', samples: missed });
        }, CATCH_UP_DELAY_MS);
        subscription = deps.bus.subscribe(pattern, (samples) => void pending.push(...samples), {
          name: `live:${id}`,
          queueLimit: LIVE_QUEUE_LIMIT,
          overflow: 'drop-oldest',
          maxBatch: 5_000,
        });
      };

      const timer = setInterval(() => {
        if (pending.length === 0) return;
        const batch = pending;
        pending = [];
        send(socket, { type: 'samples', samples: batch.map(({ tag, ts, value, quality }) => ({ tag, ts, value, quality })) });
      }, FLUSH_INTERVAL_MS);

      socket.on('message', (data: Buffer) => {
        let message: { subscribe?: unknown };
        try {
          message = JSON.parse(data.toString('utf8'));
        } catch {
          send(socket, { type: 'error', message: 'messages must be JSON, e.g. {"subscribe":"acme/#"}' });
          return;
        }
        if (typeof message?.subscribe === 'string') subscribe(message.subscribe);
        else send(socket, { type: 'error', message: 'unknown message: send {"subscribe":"PATTERN"}' });
      });
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(catchUp);
        subscription?.unsubscribe();
      });

      if (request.query.path) subscribe(request.query.path);
    },
  });
}

function send(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
