import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { WriteError } from '../../act/index.js';

const WRITE_SUFFIX = '/write';

/** `POST /api/v1/tags/{path}/write`: write a value back to the machine, audited. */
export async function writeRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.post<{ Params: { '*': string }; Body: { value: unknown; user?: string; reason?: string } }>(
    '/api/v1/tags/*',
    {
      schema: {
        tags: ['act'],
        summary: 'Write a value back to the machine that owns the tag (path ends with /write); every attempt is audited',
        params: { type: 'object', properties: { '*': { type: 'string', description: 'TAG_PATH/write' } } },
        body: {
          type: 'object',
          required: ['value'],
          properties: { value: {}, user: { type: 'string', maxLength: 200 }, reason: { type: 'string', maxLength: 2000 } },
        },
      },
    },
    async (request) => {
      const rest = request.params['*'];
      if (!rest.endsWith(WRITE_SUFFIX)) throw new ApiError('LOOM_BAD_REQUEST', `POST /api/v1/tags/${rest} is not a route: did you mean /api/v1/tags/${rest}/write?`);
      const path = rest.slice(0, -WRITE_SUFFIX.length);
      try {
        const audit = await deps.writeBack.write(path, request.body.value, request.body.user, request.body.reason);
        return { ok: true, audit };
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        const code = { unknown_tag: 'LOOM_UNKNOWN_TAG', read_only: 'LOOM_READ_ONLY_TAG', wrong_type: 'LOOM_BAD_VALUE', failed: 'LOOM_WRITE_FAILED' } as const;
        throw new ApiError(code[error.refusal], error.message);
      }
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/audit',
    {
      schema: {
        tags: ['act'],
        summary: 'The audit trail of actions (write-backs), newest first',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 100 } } },
      },
    },
    async (request) => ({ items: deps.audit.list(request.query.limit ?? 100) }),
  );
}
