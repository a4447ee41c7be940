import { z } from 'zod';
import { ApiError } from './errors.js';

/**
 * A route's querystring declared once, as a zod schema: `schema` is its JSON Schema for the route
 * (fastify validates it and the OpenAPI description shows it), `parse` gives the typed values or a
 * 400 naming the parameter.
 *
 * @example
 * const q = zodQuery(z.object({ tag: z.string().describe('Full tag path') }));
 * app.get('/x', { schema: { querystring: q.schema } }, async (request) => q.parse(request.query).tag);
 */
export function zodQuery<T extends z.ZodType>(zod: T): { schema: Record<string, unknown>; parse(query: unknown): z.output<T> } {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(zod, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    schema,
    parse(query) {
      const result = zod.safeParse(query);
      if (result.success) return result.data;
      const issue = result.error.issues[0];
      const where = issue.path.length > 0 ? `parameter '${issue.path.join('.')}'` : 'query';
      throw new ApiError('LOOM_BAD_REQUEST', `${where}: ${issue.message}`);
    },
  };
}
