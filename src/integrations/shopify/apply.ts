import type { z } from 'zod';
import type { DbOrTx } from '../../db/pool.ts';
import { AppError, ValidationError } from '../../lib/errors.ts';
import {
  findOrderBySourceForUpdate,
  listLines,
  recordRefund,
  upsertOrder,
} from '../../modules/orders/index.ts';
import { upsertShipment } from '../../modules/shipments/index.ts';
import { lockOrderRefs, takeWaiting } from '../inbound.ts';
import type { ApplyResult } from '../ingest.ts';
import { mapShopifyOrder } from './map-order.ts';
import { mapShopifyFulfillment, mapShopifyRefundLines, shopifyRefundAmount } from './map-shipping.ts';
import {
  type ShopifyFulfillment,
  type ShopifyRefund,
  shopifyFulfillment,
  shopifyOrder,
  shopifyRefund,
} from './payloads.ts';
import { isReturnRefundInShopify } from './refunds/repo.ts';

export const SOURCE = 'shopify';

const ORDER_TOPICS = new Set([
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
]);
export const SUPPORTED_TOPICS = [
  ...ORDER_TOPICS,
  'fulfillments/create',
  'fulfillments/update',
  'refunds/create',
];

interface Ctx {
  tx: DbOrTx;
  merchantId: string;
  defaultLocale: string;
}

/** Applies one Shopify webhook delivery inside the caller's transaction. */
export async function applyShopifyTopic(ctx: Ctx, topic: string, payload: unknown): Promise<ApplyResult> {
  if (ORDER_TOPICS.has(topic)) return applyOrder(ctx, parsePayload(shopifyOrder, payload));
  if (topic === 'fulfillments/create' || topic === 'fulfillments/update') {
    return applyFulfillment(ctx, parsePayload(shopifyFulfillment, payload));
  }
  if (topic === 'refunds/create') return applyRefund(ctx, parsePayload(shopifyRefund, payload));
  return { outcome: 'ignored', notes: [`topic ${topic} is not used`] };
}

export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  throw new ValidationError(
    'The webhook payload does not look like the Shopify resource for its topic.',
    result.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })),
    'invalid_payload',
  );
}

async function applyOrder(ctx: Ctx, o: z.infer<typeof shopifyOrder>): Promise<ApplyResult> {
  await lockOrderRefs(ctx.tx, ctx.merchantId, SOURCE, [o.id]);
  const result = await upsertOrder({
    tx: ctx.tx,
    merchantId: ctx.merchantId,
    source: SOURCE,
    data: mapShopifyOrder(o),
    defaultLocale: ctx.defaultLocale,
  });
  if (result.outcome === 'stale') return { outcome: 'stale', notes: result.notes };
  const notes = [...result.notes];
  let changedAnything = result.outcome !== 'unchanged';
  // The order resource carries its fulfilments and refunds too; applying them makes a missed
  // fulfillments/* or refunds/* delivery harmless.
  for (const f of o.fulfillments)
    changedAnything = (await shipFromFulfillment(ctx, result.orderId, f, notes)) || changedAnything;
  for (const r of o.refunds)
    changedAnything = (await refundFrom(ctx, result.orderId, r, o.currency, notes)) || changedAnything;
  for (const waiting of await takeWaiting(ctx.tx, ctx.merchantId, SOURCE, `order:${o.id}`)) {
    const applied = await applyShopifyTopic(ctx, waiting.topic, waiting.payload);
    notes.push(`applied waiting ${waiting.topic}: ${applied.outcome}`);
    changedAnything = true;
  }
  return { outcome: changedAnything ? 'processed' : 'unchanged', notes };
}

async function applyFulfillment(ctx: Ctx, f: ShopifyFulfillment): Promise<ApplyResult> {
  await lockOrderRefs(ctx.tx, ctx.merchantId, SOURCE, [f.order_id]);
  const order = await findOrderBySourceForUpdate(ctx.tx, ctx.merchantId, SOURCE, f.order_id);
  if (!order)
    return { outcome: 'deferred', notes: ['order not received yet'], waitingFor: `order:${f.order_id}` };
  const notes: string[] = [];
  const changed = await shipFromFulfillment(ctx, order.id, f, notes);
  return { outcome: changed ? 'processed' : notes.length ? 'stale' : 'unchanged', notes };
}

async function applyRefund(ctx: Ctx, r: ShopifyRefund): Promise<ApplyResult> {
  await lockOrderRefs(ctx.tx, ctx.merchantId, SOURCE, [r.order_id]);
  const order = await findOrderBySourceForUpdate(ctx.tx, ctx.merchantId, SOURCE, r.order_id);
  if (!order)
    return { outcome: 'deferred', notes: ['order not received yet'], waitingFor: `order:${r.order_id}` };
  const notes: string[] = [];
  const changed = await refundFrom(ctx, order.id, r, order.currency, notes);
  return { outcome: changed ? 'processed' : 'unchanged', notes };
}

async function shipFromFulfillment(
  ctx: Ctx,
  orderId: string,
  f: ShopifyFulfillment,
  notes: string[],
): Promise<boolean> {
  const lines = await listLines(ctx.tx, ctx.merchantId, [orderId]);
  try {
    const r = await upsertShipment({
      tx: ctx.tx,
      merchantId: ctx.merchantId,
      source: SOURCE,
      data: mapShopifyFulfillment(f, orderId, lines),
    });
    notes.push(...r.notes);
    return r.outcome === 'created' || r.outcome === 'updated';
  } catch (err) {
    // Business-rule refusals (already fully shipped, cancelled order) are raised before any SQL runs,
    // so the transaction is intact; record why and keep the rest of the delivery.
    if (err instanceof AppError && err.status < 500) {
      notes.push(`fulfillment ${f.id}: ${err.code}`);
      return false;
    }
    throw err;
  }
}

/**
 * A refund we pushed to Shopify for a return: known by the id Shopify gave it, or (when its webhook beats
 * our own bookkeeping) by the note we sent, "Return R…", naming a return of this order that refunded money.
 */
async function isOurReturnRefund(ctx: Ctx, orderId: string, r: ShopifyRefund): Promise<boolean> {
  if (await isReturnRefundInShopify(ctx.tx, ctx.merchantId, String(r.id))) return true;
  const number = /^Return (R[0-9A-Z]{8})$/.exec(r.note ?? '')?.[1];
  if (!number) return false;
  const ret = await ctx.tx
    .selectFrom('returns')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('order_id', '=', orderId)
    .where('number', '=', number)
    .where('refunded_minor', '>', 0)
    .executeTakeFirst();
  return ret !== undefined;
}

async function refundFrom(
  ctx: Ctx,
  orderId: string,
  r: ShopifyRefund,
  currency: string,
  notes: string[],
): Promise<boolean> {
  if (await isOurReturnRefund(ctx, orderId, r)) {
    // The money was already recorded when the return resolved; Shopify is telling us about our own refund.
    notes.push(`refund ${r.id}: made by Afterglow for a return`);
    return false;
  }
  const amount = shopifyRefundAmount(r, currency.toUpperCase());
  if (amount === 0) {
    notes.push(`refund ${r.id}: no money returned`);
    return false;
  }
  const lines = await listLines(ctx.tx, ctx.merchantId, [orderId]);
  try {
    const result = await recordRefund({
      tx: ctx.tx,
      merchantId: ctx.merchantId,
      refund: {
        orderId,
        source: SOURCE,
        externalId: r.id,
        amount,
        reason: r.note ?? null,
        lines: mapShopifyRefundLines(r, lines),
        refundedAt: new Date(r.processed_at ?? r.created_at),
      },
    });
    return result.created;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      notes.push(`refund ${r.id}: ${err.code}`);
      return false;
    }
    throw err;
  }
}
