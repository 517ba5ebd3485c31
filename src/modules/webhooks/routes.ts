import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { randomToken, seal } from '../../lib/crypto.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { assertPublicUrl } from '../../lib/ssrf.ts';
import { listDeliveries } from './deliveries.ts';

const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
});

const deliverySchema = z.object({
  id: z.string().describe('The event id: the same as the `id` in the body your endpoint received.'),
  type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']).describe('pending: being retried with backoff'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

export function webhookEndpointRoutes({ db, config }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      operationId: 'createWebhookEndpoint',
      summary:
        'Send signed webhooks for domain events to your endpoint; the signing secret is in this response only',
      tag: 'Webhooks',
      body: z
        .object({
          url: z.url({ protocol: /^https?$/ }),
          events: z.array(z.string().min(3)).max(100).default([]).describe('Event types; empty means all.'),
        })
        .strict(),
      response: { status: 201, schema: endpointSchema.extend({ secret: z.string() }) },
      handler: async ({ merchantId, body }) => {
        await assertPublicUrl(body.url, { allowPrivate: config.ALLOW_PRIVATE_WEBHOOK_TARGETS });
        const secret = `whsec_${randomToken(24)}`;
        const row = await db
          .insertInto('webhook_endpoints')
          .values({
            merchant_id: merchantId,
            id: newId('whe'),
            url: body.url,
            secret_sealed: seal(secret, config.SECRET_KEY),
            events: body.events,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return {
          id: row.id,
          url: row.url,
          events: row.events,
          active: row.active,
          createdAt: row.created_at.toISOString(),
          secret,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/webhook-endpoints',
      operationId: 'listWebhookEndpoints',
      summary: 'Your webhook endpoints',
      tag: 'Webhooks',
      response: { schema: z.object({ data: z.array(endpointSchema) }) },
      handler: async ({ merchantId }) => {
        const rows = await db
          .selectFrom('webhook_endpoints')
          .selectAll()
          .where('merchant_id', '=', merchantId)
          .orderBy('created_at')
          .execute();
        return {
          data: rows.map((r) => ({
            id: r.id,
            url: r.url,
            events: r.events,
            active: r.active,
            createdAt: r.created_at.toISOString(),
          })),
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/webhook-endpoints/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'What was sent to an endpoint, newest first: each event, its attempts and the last error',
      tag: 'Webhooks',
      params: z.object({ id: z.string() }),
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
      response: { schema: z.object({ data: z.array(deliverySchema) }) },
      handler: async ({ merchantId, params, query }) => {
        const endpoint = await db
          .selectFrom('webhook_endpoints')
          .select('id')
          .where('merchant_id', '=', merchantId)
          .where('id', '=', params.id)
          .executeTakeFirst();
        if (!endpoint) throw new NotFoundError('Webhook endpoint', { id: params.id });
        const rows = await listDeliveries(db, { merchantId, endpointId: params.id, limit: query.limit });
        return {
          data: rows.map((r) => ({
            id: r.delivery_id,
            type: r.event_type,
            status: r.status,
            attempts: r.attempts,
            lastError: r.last_error,
            createdAt: r.created_at.toISOString(),
            lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
            deliveredAt: r.delivered_at?.toISOString() ?? null,
          })),
        };
      },
    }),
    apiRoute({
      method: 'DELETE',
      url: '/api/v1/webhook-endpoints/:id',
      operationId: 'deleteWebhookEndpoint',
      summary: 'Stop sending to an endpoint',
      tag: 'Webhooks',
      params: z.object({ id: z.string() }),
      response: { schema: z.object({ deleted: z.literal(true) }) },
      handler: async ({ merchantId, params }) => {
        const r = await db
          .deleteFrom('webhook_endpoints')
          .where('merchant_id', '=', merchantId)
          .where('id', '=', params.id)
          .executeTakeFirst();
        if (r.numDeletedRows === 0n) throw new NotFoundError('Webhook endpoint', { id: params.id });
        return { deleted: true as const };
      },
    }),
  ];
}
