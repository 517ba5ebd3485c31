import type { FastifyInstance } from 'fastify';
import type { DbOrTx } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { verifyHmacSha256 } from '../../lib/crypto.ts';
import { AppError, UnauthorizedError, ValidationError } from '../../lib/errors.ts';
import { findIntegration } from '../../modules/merchants/index.ts';
import { ingestDelivery } from '../ingest.ts';
import type { IngestOutcome, NewOrderDelivery } from '../intake.ts';
import { applyWooOrder, hasTracking, parseWooOrder, SOURCE, SUPPORTED_TOPICS } from './apply.ts';
import { mapWooOrder } from './map-order.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * POST /webhooks/woocommerce: the store is found by X-WC-Webhook-Source (its site URL), the body checked
 * against X-WC-Webhook-Signature (base64 HMAC-SHA256 with the webhook secret, constant-time). WooCommerce
 * retries with a new delivery id, so a delivery is identified by the order and its modification time.
 */
export function registerWooCommerceWebhook(
  app: FastifyInstance,
  deps: AppDeps,
  intake: (d: NewOrderDelivery) => Promise<IngestOutcome>,
): void {
  app.post('/webhooks/woocommerce', async (request, reply) => {
    const topic = header(request.headers['x-wc-webhook-topic']);
    const source = header(request.headers['x-wc-webhook-source']);
    const signature = header(request.headers['x-wc-webhook-signature']);
    const deliveryId = header(request.headers['x-wc-webhook-delivery-id']);
    // WooCommerce pings a new webhook with a form body "webhook_id=N" and no topic: acknowledge it.
    if (!topic && /^webhook_id=\d+$/.test(request.rawBody?.toString('utf8') ?? ''))
      return reply.send({ status: 'ping' });
    if (!topic || !source) {
      throw new ValidationError(
        'X-WC-Webhook-Topic and X-WC-Webhook-Source are required.',
        undefined,
        'missing_header',
      );
    }
    const store = await findIntegration({
      db: deps.db,
      secretKey: deps.config.SECRET_KEY,
      kind: 'woocommerce',
      externalRef: source,
    });
    if (!store)
      throw new AppError('unknown_shop', `No merchant is connected to the WooCommerce store ${source}.`, 404);
    if (
      !verifyHmacSha256({
        secret: store.secret,
        rawBody: request.rawBody ?? Buffer.alloc(0),
        signature,
        encoding: 'base64',
      })
    ) {
      throw new UnauthorizedError('The X-WC-Webhook-Signature does not match the body.', 'invalid_signature');
    }
    if (!SUPPORTED_TOPICS.includes(topic))
      return reply.send({ status: 'ignored', notes: [`topic ${topic} is not used`] });
    const order = parseWooOrder(request.body);
    const externalId = order.date_modified_gmt
      ? `order:${order.id}@${order.date_modified_gmt}`
      : `delivery:${deliveryId ?? Date.now()}`;
    const ctx = (tx: DbOrTx) => ({ tx, merchantId: store.merchantId, defaultLocale: store.locale });
    const delivery = {
      merchantId: store.merchantId,
      source: SOURCE,
      externalId,
      topic,
      payload: request.body,
    };
    const apply = (tx: DbOrTx) => applyWooOrder(ctx(tx), order);
    // A new order with nothing shipped or refunded yet goes through the group-committed fast lane.
    const plainNew =
      topic === 'order.created' &&
      order.refunds.length === 0 &&
      order.status !== 'completed' &&
      !hasTracking(order);
    const result = plainNew
      ? await intake({
          delivery,
          data: mapWooOrder(order),
          defaultLocale: store.locale,
          apply,
          applyWaiting: async () => ({ outcome: 'ignored', notes: [] }),
        })
      : await ingestDelivery({ db: deps.db, delivery, apply });
    return reply.send({ status: result.outcome, notes: result.notes });
  });
}
