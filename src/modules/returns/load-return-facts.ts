import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { OrderLineRow, OrderRow } from '../orders/index.ts';
import type { ReturnOrder } from './policy/evaluate.ts';

interface FactsRow {
  products: Array<{ id: string; category: string | null; tags: string[] }>;
  returned: Record<string, number>;
  shipped: { fulfilledAt: string | null; deliveredAt: string | null; open: number } | null;
}

/**
 * The order as the policy sees it: each line's price as paid (after its discount), its product's category
 * and tags, units already in a live return, and when the order was fulfilled and delivered (the window
 * counts from delivery, or fulfilment without a delivery scan). An order tagged `gift` is a gift order.
 * One statement: the portal runs this on every page.
 */
export async function loadReturnOrder(opts: {
  db: DbOrTx;
  order: OrderRow;
  lines: OrderLineRow[];
}): Promise<ReturnOrder> {
  const { db, order, lines } = opts;
  const merchantId = order.merchant_id;
  const productIds = [...new Set(lines.map((l) => l.product_id).filter((id): id is string => id !== null))];
  const { rows } = await sql<FactsRow>`
    SELECT
      (SELECT coalesce(json_agg(json_build_object('id', p.id, 'category', p.category, 'tags', p.tags)), '[]')
       FROM products p
       WHERE p.merchant_id = ${merchantId} AND p.id = ANY(${productIds}::text[])) AS products,
      -- Units in returns that are still alive: a rejected or cancelled return gives its units back.
      (SELECT coalesce(json_object_agg(x.order_line_id, x.quantity), '{}')
       FROM (SELECT l.order_line_id, sum(l.quantity)::int AS quantity
             FROM return_lines l
             JOIN returns r ON r.merchant_id = l.merchant_id AND r.id = l.return_id
             WHERE r.merchant_id = ${merchantId} AND r.order_id = ${order.id}
               AND r.status NOT IN ('rejected', 'cancelled')
             GROUP BY l.order_line_id) x) AS returned,
      (SELECT json_build_object(
                'fulfilledAt', min(s.shipped_at),
                'deliveredAt', max(s.delivered_at),
                'open', count(*) FILTER (WHERE s.status <> 'delivered'))
       FROM shipments s
       WHERE s.merchant_id = ${merchantId} AND s.order_id = ${order.id} AND s.status <> 'cancelled') AS shipped`.execute(
    db,
  );
  const facts = rows[0]!;
  const productById = new Map(facts.products.map((p) => [p.id, p]));
  const shipped = facts.shipped;
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
        quantityReturned: facts.returned[l.id] ?? 0,
      };
    }),
    // Delivered only when every parcel is: a split order's window starts with its last parcel.
    deliveredAt: shipped && shipped.open === 0 && shipped.deliveredAt ? new Date(shipped.deliveredAt) : null,
    fulfilledAt: shipped?.fulfilledAt ? new Date(shipped.fulfilledAt) : null,
    shippingCountry: country,
  };
}
