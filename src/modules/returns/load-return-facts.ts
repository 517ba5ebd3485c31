import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { OrderLineRow, OrderRow } from '../orders/index.ts';
import type { ReturnOrder } from './policy/evaluate.ts';
import { quantitiesInReturns } from './repo.ts';

/**
 * The order as the policy sees it: each line's price as paid (after its discount), its product's category
 * and tags, units already in a live return, and when the order was fulfilled and delivered (the window
 * counts from delivery, or fulfilment without a delivery scan). An order tagged `gift` is a gift order.
 */
export async function loadReturnOrder(opts: {
  db: DbOrTx;
  order: OrderRow;
  lines: OrderLineRow[];
}): Promise<ReturnOrder> {
  const { db, order, lines } = opts;
  const merchantId = order.merchant_id;
  const productIds = [...new Set(lines.map((l) => l.product_id).filter((id): id is string => id !== null))];
  const [products, returned, shipped] = await Promise.all([
    productIds.length > 0
      ? db
          .selectFrom('products')
          .select(['id', 'category', 'tags'])
          .where('merchant_id', '=', merchantId)
          .where('id', 'in', productIds)
          .execute()
      : [],
    quantitiesInReturns(db, merchantId, order.id),
    db
      .selectFrom('shipments')
      .select([
        sql<Date | null>`min(shipped_at)`.as('fulfilledAt'),
        sql<Date | null>`max(delivered_at)`.as('deliveredAt'),
        sql<number>`count(*) FILTER (WHERE status <> 'delivered' AND status <> 'cancelled')::int`.as('open'),
      ])
      .where('merchant_id', '=', merchantId)
      .where('order_id', '=', order.id)
      .where('status', '<>', 'cancelled')
      .executeTakeFirst(),
  ]);
  const productById = new Map(products.map((p) => [p.id, p]));
  const country = order.shipping_address?.country ?? order.billing_address?.country ?? 'US';
  return {
    placedAt: order.placed_at,
    currency: order.currency,
    isGift: order.tags.includes('gift'),
    lines: lines.map((l) => {
      const product = l.product_id ? productById.get(l.product_id) : undefined;
      return {
        lineId: l.id,
        sku: l.sku,
        productId: l.product_id,
        category: product?.category ?? null,
        tags: product?.tags ?? [],
        // What was paid per unit: the line's discount spread over its units, rounded down (never more).
        unitPriceMinor: Math.max(
          0,
          Math.floor((l.unit_price_minor * l.quantity - l.discount_minor) / l.quantity),
        ),
        quantity: l.quantity,
        quantityReturned: returned.get(l.id) ?? 0,
      };
    }),
    // Delivered only when every parcel is: a split order's window starts with its last parcel.
    deliveredAt: shipped && shipped.open === 0 ? shipped.deliveredAt : null,
    fulfilledAt: shipped?.fulfilledAt ?? null,
    shippingCountry: country,
  };
}
