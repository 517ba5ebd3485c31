import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/pool.ts';

/** What the refund in Shopify is made of: the return, its order, and the refund resolve recorded on it. */
export interface RefundFacts {
  returnNumber: string;
  orderSource: string;
  /** Shopify's order id. */
  orderExternalId: string;
  currency: string;
  amountMinor: number;
  lines: Array<{ lineItemId: string | null; quantity: number }>;
}

export async function loadRefundFacts(
  db: DbOrTx,
  merchantId: string,
  returnId: string,
): Promise<RefundFacts | null> {
  const row = await db
    .selectFrom('returns as r')
    .innerJoin('orders as o', (j) =>
      j.onRef('o.merchant_id', '=', 'r.merchant_id').onRef('o.id', '=', 'r.order_id'),
    )
    .innerJoin('refunds as f', (j) =>
      j
        .onRef('f.merchant_id', '=', 'r.merchant_id')
        .on('f.source', '=', 'return')
        .onRef('f.external_id', '=', 'r.id'),
    )
    .select([
      'r.number',
      'o.source',
      'o.external_id',
      'f.currency',
      'f.amount_minor',
      'f.lines',
      'o.id as order_id',
    ])
    .where('r.merchant_id', '=', merchantId)
    .where('r.id', '=', returnId)
    .executeTakeFirst();
  if (!row) return null;
  const wanted = row.lines;
  const orderLines = await db
    .selectFrom('order_lines')
    .select(['id', 'external_id'])
    .where('merchant_id', '=', merchantId)
    .where('order_id', '=', row.order_id)
    .execute();
  const external = new Map(orderLines.map((l) => [l.id, l.external_id]));
  return {
    returnNumber: row.number,
    orderSource: row.source,
    orderExternalId: row.external_id,
    currency: row.currency.trim(),
    amountMinor: Number(row.amount_minor),
    lines: wanted.map((l) => ({ lineItemId: external.get(l.orderLineId) ?? null, quantity: l.quantity })),
  };
}

export type PlatformRefundStatus = 'pending' | 'succeeded' | 'failed';

/** Claims the return's row (created pending on first sight) and counts this attempt; returns its state. */
export async function beginAttempt(
  db: DbOrTx,
  merchantId: string,
  returnId: string,
): Promise<{ status: PlatformRefundStatus; platformRefundId: string | null }> {
  // The row is created once; a succeeded row is left untouched, anything else counts one more attempt.
  const row = await db
    .insertInto('platform_refunds')
    .values({ merchant_id: merchantId, return_id: returnId, platform: 'shopify', attempts: 1 })
    .onConflict((oc) =>
      oc.columns(['merchant_id', 'return_id']).doUpdateSet({
        attempts: sql`CASE WHEN platform_refunds.status = 'succeeded' THEN platform_refunds.attempts
                      ELSE platform_refunds.attempts + 1 END`,
        updated_at: sql`CASE WHEN platform_refunds.status = 'succeeded' THEN platform_refunds.updated_at
                        ELSE now() END`,
      }),
    )
    .returning(['status', 'platform_refund_id'])
    .executeTakeFirstOrThrow();
  return { status: row.status, platformRefundId: row.platform_refund_id };
}

export async function recordOutcome(
  db: DbOrTx,
  merchantId: string,
  returnId: string,
  outcome: { status: PlatformRefundStatus; platformRefundId?: string | null; error?: string | null },
): Promise<void> {
  await db
    .updateTable('platform_refunds')
    .set({
      status: outcome.status,
      platform_refund_id: outcome.platformRefundId ?? null,
      error: outcome.error ?? null,
      updated_at: new Date(),
    })
    .where('merchant_id', '=', merchantId)
    .where('return_id', '=', returnId)
    // A success is final: a late failure report from a concurrent run never overwrites it.
    .where('status', '<>', 'succeeded')
    .execute();
}

export async function findPlatformRefund(db: DbOrTx, merchantId: string, returnId: string) {
  return db
    .selectFrom('platform_refunds')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('return_id', '=', returnId)
    .executeTakeFirst();
}

/**
 * Whether a refund Shopify reports (refunds/create, or an order's refunds) is one this platform made for a
 * return: its money is already on the order as the return's refund, and must not be counted twice.
 */
export async function isReturnRefundInShopify(
  db: DbOrTx,
  merchantId: string,
  shopifyRefundId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('platform_refunds')
    .select('return_id')
    .where('merchant_id', '=', merchantId)
    .where('platform_refund_id', '=', shopifyRefundId)
    .executeTakeFirst();
  return row !== undefined;
}
