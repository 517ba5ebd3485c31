import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { appendEvents } from '../events/index.ts';
import { lockOrder, orderEvent } from './change-order.ts';
import { listLines, shippedQuantities, updateOrder } from './repo.ts';
import { type OrderStatus, orderLifecycle } from './status.ts';

const ORDER_RANK: Record<OrderStatus, number> = {
  placed: 0,
  partially_shipped: 1,
  shipped: 2,
  delivered: 3,
  cancelled: 4,
};

/**
 * Moves the order to partially_shipped, shipped or delivered from what its shipments say, in the caller's
 * transaction, appending order.partially_shipped / order.shipped / order.delivered when it moves.
 * Shipments call this after every change; it is idempotent.
 */
export async function refreshFulfilment(opts: {
  tx: DbOrTx;
  merchantId: string;
  orderId: string;
  at: Date;
}): Promise<OrderStatus> {
  const { tx, merchantId, orderId } = opts;
  const order = await lockOrder(tx, merchantId, orderId);
  const current = order.status as OrderStatus;
  if (current === 'cancelled') return current;
  const lines = (await listLines(tx, merchantId, [orderId])).filter((l) => l.requires_shipping);
  const shipped = await shippedQuantities(tx, merchantId, orderId);
  const { rows } = await sql<{ total: number; delivered: number }>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'delivered')::int AS delivered
    FROM shipments WHERE merchant_id = ${merchantId} AND order_id = ${orderId} AND status <> 'cancelled'`.execute(
    tx,
  );
  const counts = rows[0] ?? { total: 0, delivered: 0 };
  const allShipped = lines.length > 0 && lines.every((l) => (shipped.get(l.id) ?? 0) >= l.quantity);
  const anyShipped = counts.total > 0;
  const allDelivered = allShipped && counts.total > 0 && counts.delivered === counts.total;
  const target: OrderStatus = allDelivered
    ? 'delivered'
    : allShipped
      ? 'shipped'
      : anyShipped
        ? 'partially_shipped'
        : 'placed';
  if (target === current || !orderLifecycle.can(current, target)) return current;
  await updateOrder(tx, merchantId, orderId, { status: target });
  // Moving back (a voided shipment) is news about the order, not a second "placed" or "shipped".
  const forward = ORDER_RANK[target] > ORDER_RANK[current];
  const event = forward
    ? orderEvent(order, `order.${target}` as 'order.shipped')
    : orderEvent(order, 'order.updated', { changed: ['status'], status: target, previousStatus: current });
  await appendEvents(tx, [{ ...event, occurredAt: opts.at }]);
  return target;
}

/**
 * The same rule as refreshFulfilment for the one move carrier scans cause, for many orders in one
 * statement: an order whose every line has shipped and whose every live shipment is delivered becomes
 * delivered (order.delivered at the last delivery's time). Orders already locked by the caller.
 */
export async function markOrdersDelivered(opts: {
  tx: DbOrTx;
  merchantId: string;
  deliveries: Map<string, Date>;
}): Promise<string[]> {
  const { tx, merchantId, deliveries } = opts;
  if (deliveries.size === 0) return [];
  const from = orderLifecycle.states.filter((s) => orderLifecycle.can(s, 'delivered'));
  const { rows } = await sql<{ id: string; number: string; customer_id: string | null }>`
    UPDATE orders o SET status = 'delivered', updated_at = now()
    WHERE o.merchant_id = ${merchantId}
      AND o.id = ANY(${[...deliveries.keys()]}::text[])
      AND o.status = ANY(${from}::text[])
      AND NOT EXISTS (
        SELECT 1 FROM shipments s
        WHERE s.merchant_id = o.merchant_id AND s.order_id = o.id AND s.status NOT IN ('delivered', 'cancelled'))
      AND EXISTS (
        SELECT 1 FROM order_lines l WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id AND l.requires_shipping)
      AND NOT EXISTS (
        SELECT 1 FROM order_lines l
        WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id AND l.requires_shipping
          AND l.quantity > (
            SELECT coalesce(sum(sl.quantity), 0) FROM shipment_lines sl
            JOIN shipments s ON s.merchant_id = sl.merchant_id AND s.id = sl.shipment_id
            WHERE sl.merchant_id = l.merchant_id AND sl.order_line_id = l.id AND s.status <> 'cancelled'))
    RETURNING o.id, o.number, o.customer_id`.execute(tx);
  await appendEvents(
    tx,
    rows.map((o) => ({
      merchantId,
      type: 'order.delivered' as const,
      subjectType: 'order' as const,
      subjectId: o.id,
      occurredAt: deliveries.get(o.id) ?? new Date(),
      payload: { orderId: o.id, number: o.number, customerId: o.customer_id },
    })),
  );
  return rows.map((r) => r.id);
}
