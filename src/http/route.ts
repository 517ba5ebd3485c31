import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  merchantId: string;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One API operation. The same zod schemas validate the request and produce the OpenAPI document,
 * so the documentation cannot drift from what the server accepts.
 */
export interface ApiRoute<B = unknown, Q = unknown, P = unknown> {
  method: HttpMethod;
  /** Fastify path syntax: /api/v1/orders/:id */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  description?: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Status and schema of the success response. A `binary` response is documented by content type. */
  response: { status?: number; schema?: z.ZodType; contentType?: string; description?: string };
  /** Honour the Idempotency-Key header (POST routes do by default). */
  idempotent?: boolean;
  /** Largest accepted body for this route, when it differs from the global limit. */
  bodyLimit?: number;
  handler(input: ApiInput<B, Q, P>): Promise<unknown>;
}

/** Declares a route with its types inferred from the schemas. */
export function apiRoute<B = undefined, Q = undefined, P = undefined>(route: ApiRoute<B, Q, P>): ApiRoute {
  return route as unknown as ApiRoute;
}
