import { z } from 'zod';
import type { ApiRoute } from './route.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable error code.' },
        message: { type: 'string', description: 'What went wrong, safe to show to a person.' },
        details: { description: 'Field-level problems or the values involved.' },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    description: prop.description,
    schema: prop,
  }));
}

/** The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. */
export function buildOpenApi(routes: ApiRoute[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const status = String(r.response.status ?? 200);
    const content = r.response.contentType
      ? { [r.response.contentType]: { schema: { type: 'string', format: 'binary' } } }
      : r.response.schema
        ? { 'application/json': { schema: jsonSchema(r.response.schema, 'output') } }
        : undefined;
    const errorResponse = (description: string) => ({
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      description: r.description,
      tags: [r.tag],
      parameters: [
        ...parameters(r.params, 'path'),
        ...parameters(r.query, 'query'),
        ...((r.idempotent ?? r.method === 'POST')
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description:
                  'Retries with the same key and body return the first response instead of acting twice.',
                schema: { type: 'string', maxLength: 255 },
              },
            ]
          : []),
      ],
      requestBody: r.body
        ? {
            required: !r.body.safeParse(undefined).success,
            content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
          }
        : undefined,
      responses: {
        [status]: { description: r.response.description ?? 'Success', content },
        '400': errorResponse('The request is malformed or fails validation.'),
        '401': errorResponse('Missing, invalid or revoked API key.'),
        '404': errorResponse('Not found (or belongs to another merchant).'),
        '409': errorResponse('Conflicts with the current state.'),
        '422': errorResponse('Breaks a business rule.'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Afterglow API',
      version: info.version,
      description:
        'Orders, customers, catalogue, shipments and events of one merchant. Authenticate with `Authorization: Bearer <apiKey>`. Money is integer minor units with an ISO 4217 currency.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `afterglow keys create`.' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
