import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { createApiKey, revokeApiKey } from './api-keys.ts';
import { listApiKeys } from './repo.ts';
import { merchantSchema, merchantUpdateSchema } from './schemas.ts';
import { getMerchant, updateMerchant } from './update-merchant.ts';

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export function merchantRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/merchant',
      operationId: 'getMerchant',
      summary: 'The merchant the API key belongs to, with its brand',
      tag: 'Merchant',
      response: { schema: merchantSchema },
      handler: ({ merchantId }) => getMerchant({ db, merchantId }),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/api/v1/merchant',
      operationId: 'updateMerchant',
      summary: 'Update brand (logo, colours, sender, support contacts) and defaults',
      tag: 'Merchant',
      body: merchantUpdateSchema,
      response: { schema: merchantSchema },
      handler: ({ merchantId, body }) => updateMerchant({ db, merchantId, input: body }),
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/api-keys',
      operationId: 'listApiKeys',
      summary: 'List API keys (secrets are never shown again)',
      tag: 'Merchant',
      response: { schema: z.object({ data: z.array(apiKeySchema) }) },
      handler: async ({ merchantId }) => ({
        data: (await listApiKeys(db, merchantId)).map((k) => ({
          id: k.id,
          name: k.name,
          createdAt: k.created_at.toISOString(),
          lastUsedAt: k.last_used_at?.toISOString() ?? null,
          revokedAt: k.revoked_at?.toISOString() ?? null,
        })),
      }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key; the key is in this response only',
      tag: 'Merchant',
      body: z.object({ name: z.string().trim().min(1).max(100) }).strict(),
      response: { status: 201, schema: z.object({ id: z.string(), apiKey: z.string() }) },
      idempotent: false,
      handler: ({ merchantId, body }) => createApiKey({ db, merchantId, name: body.name }),
    }),
    apiRoute({
      method: 'DELETE',
      url: '/api/v1/api-keys/:id',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key at once',
      tag: 'Merchant',
      params: z.object({ id: z.string() }),
      response: { schema: z.object({ revoked: z.literal(true) }) },
      handler: async ({ merchantId, params }) => {
        await revokeApiKey({ db, merchantId, keyId: params.id });
        return { revoked: true as const };
      },
    }),
  ];
}
