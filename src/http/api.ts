import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { sha256Hex } from '../lib/crypto.ts';
import { AppError, ValidationError } from '../lib/errors.ts';
import { merchantFromRequest } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { zodIssues } from './errors.ts';
import { withIdempotency } from './idempotency.ts';
import type { ApiRoute } from './route.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params'): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodIssues(result.error).map((i) => ({ ...i, path: i.path ? `${where}.${i.path}` : where }));
  const first = details[0];
  throw new ValidationError(
    first ? `Invalid ${first.path}: ${first.message}` : `The request ${where} is not valid.`,
    details,
  );
}

function requestHash(request: FastifyRequest): string {
  return sha256Hex(
    Buffer.concat([Buffer.from(`${request.method} ${request.url}\n`), request.rawBody ?? Buffer.alloc(0)]),
  );
}

/**
 * Mounts the API operations: API-key auth, validation of params/query/body with the route's schemas,
 * Idempotency-Key on POST, and the success status. Errors go to the shared error handler.
 */
export function registerApiRoutes(app: FastifyInstance, routes: ApiRoute[], deps: AppDeps): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      bodyLimit: route.bodyLimit,
      handler: async (request, reply) => {
        const merchantId = await merchantFromRequest(deps.db, request);
        // The API speaks JSON only; a form or text body must not be read as if it were the same request.
        const type = request.headers['content-type'];
        if (request.body !== undefined && type !== undefined && !/^application\/json\b/i.test(type)) {
          throw new AppError('unsupported_media_type', 'Send the body as application/json.', 415);
        }
        request.log = request.log.child({ merchantId });
        const params = parse(route.params, request.params, 'params');
        const query = parse(route.query, request.query, 'query');
        const body = parse(route.body, request.body, 'body');
        const run = async () => {
          reply.status(route.response.status ?? 200);
          const result = await route.handler({ merchantId, params, query, body, request, reply });
          return { status: reply.statusCode, body: result };
        };
        const key = request.headers['idempotency-key'];
        const idempotent = route.idempotent ?? route.method === 'POST';
        if (idempotent && typeof key === 'string') {
          const stored = await withIdempotency({
            db: deps.db,
            merchantId,
            key,
            requestHash: requestHash(request),
            run,
          });
          if (stored.replayed) reply.header('idempotent-replayed', 'true');
          return reply.status(stored.status).send(stored.body);
        }
        const result = await run();
        if (route.response.contentType) return reply.type(route.response.contentType).send(result.body);
        return reply.status(result.status).send(result.body);
      },
    });
  }
}
