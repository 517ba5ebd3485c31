import type { FastifyInstance } from 'fastify';
import type { DbOrTx } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { verifyHmacSha256 } from '../../lib/crypto.ts';
import { AppError, UnauthorizedError, ValidationError } from '../../lib/errors.ts';
import { findIntegration } from '../../modules/merchants/index.ts';
import { ingestDelivery } from '../ingest.ts';
import type { IngestOutcome, NewOrderDelivery } from '../intake.ts';
import { applyShopifyTopic, SOURCE } from './apply.ts';
import { mapShopifyOrder } from './map-order.ts';
import { shopifyOrder } from './payloads.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * POST /webhooks/shopify: the shop is found by X-Shopify-Shop-Domain, the body checked against
 * X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw bytes, constant-time), and the delivery recorded
 * once per X-Shopify-Webhook-Id. Answers 200 quickly so Shopify does not retry what we have.
 */
export function registerShopifyWebhook(
  app: FastifyInstance,
  deps: AppDeps,
  intake: (d: NewOrderDelivery) => Promise<IngestOutcome>,
): void {
  app.post('/webhooks/shopify', async (request, reply) => {
    const topic = header(request.headers['x-shopify-topic']);
    const domain = header(request.headers['x-shopify-shop-domain']);
    const webhookId =
      header(request.headers['x-shopify-webhook-id']) ?? header(request.headers['x-shopify-event-id']);
    const signature = header(request.headers['x-shopify-hmac-sha256']);
    if (!topic || !domain || !webhookId) {
      throw new ValidationError(
        'X-Shopify-Topic, X-Shopify-Shop-Domain and X-Shopify-Webhook-Id are required.',
        {
          missing: [
            !topic && 'X-Shopify-Topic',
            !domain && 'X-Shopify-Shop-Domain',
            !webhookId && 'X-Shopify-Webhook-Id',
          ].filter(Boolean),
        },
        'missing_header',
      );
    }
    const shop = await findIntegration({
      db: deps.db,
      secretKey: deps.config.SECRET_KEY,
      kind: 'shopify',
      externalRef: domain,
    });
    if (!shop)
      throw new AppError('unknown_shop', `No merchant is connected to the Shopify store ${domain}.`, 404);
    const rawBody = request.rawBody ?? Buffer.alloc(0);
    if (!verifyHmacSha256({ secret: shop.secret, rawBody, signature, encoding: 'base64' })) {
      throw new UnauthorizedError(
        'The X-Shopify-Hmac-Sha256 signature does not match the body.',
        'invalid_signature',
      );
    }
    if (request.body === undefined)
      throw new ValidationError('The webhook body is empty.', undefined, 'invalid_json');
    const ctx = (tx: DbOrTx) => ({ tx, merchantId: shop.merchantId, defaultLocale: shop.locale });
    const delivery = {
      merchantId: shop.merchantId,
      source: SOURCE,
      externalId: webhookId,
      topic,
      payload: request.body,
    };
    const apply = (tx: DbOrTx) => applyShopifyTopic(ctx(tx), topic, request.body);
    // A plain new order goes through the group-committed fast lane; everything else one at a time.
    const created = topic === 'orders/create' ? shopifyOrder.safeParse(request.body) : null;
    const result =
      created?.success && created.data.fulfillments.length === 0 && created.data.refunds.length === 0
        ? await intake({
            delivery,
            data: mapShopifyOrder(created.data),
            defaultLocale: shop.locale,
            apply,
            applyWaiting: (tx, waitingTopic, payload) => applyShopifyTopic(ctx(tx), waitingTopic, payload),
          })
        : await ingestDelivery({ db: deps.db, delivery, apply });
    return reply.send({ status: result.outcome, notes: result.notes });
  });
}
