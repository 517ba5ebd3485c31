import { toMinor } from '../../lib/money.ts';
import type { OrderLineRow } from '../../modules/orders/index.ts';
import type { ShipmentData, ShipmentStatus } from '../../modules/shipments/index.ts';
import type { ShopifyFulfillment, ShopifyRefund } from './payloads.ts';

/** Shopify's fulfillment shipment_status values in our canonical statuses. */
const SHIPMENT_STATUS: Record<string, ShipmentStatus> = {
  label_printed: 'info_received',
  label_purchased: 'info_received',
  confirmed: 'info_received',
  ready_for_pickup: 'available_for_pickup',
  picked_up: 'in_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  attempted_delivery: 'attempt_fail',
  delivered: 'delivered',
  failure: 'exception',
};

export function mapShopifyFulfillment(
  f: ShopifyFulfillment,
  orderId: string,
  lines: OrderLineRow[],
): ShipmentData {
  const voided = f.status === 'cancelled' || f.status === 'error' || f.status === 'failure';
  const byExternal = new Map(lines.map((l) => [l.external_id, l.id]));
  return {
    orderId,
    externalId: f.id,
    carrier: f.tracking_company && f.tracking_company !== 'null-company' ? f.tracking_company : null,
    service: f.service && f.service !== 'manual' ? f.service : null,
    trackingNumber: f.tracking_number || null,
    trackingUrl: f.tracking_url || null,
    status: voided ? 'cancelled' : (SHIPMENT_STATUS[f.shipment_status ?? ''] ?? 'info_received'),
    lines: f.line_items
      .filter((li) => byExternal.has(li.id) && li.quantity > 0)
      .map((li) => ({ orderLineId: byExternal.get(li.id)!, quantity: li.quantity })),
    shippedAt: new Date(f.created_at),
    sourceUpdatedAt: f.updated_at ? new Date(f.updated_at) : null,
  };
}

/** The money a Shopify refund actually returned: its successful refund transactions. */
export function shopifyRefundAmount(r: ShopifyRefund, currency: string): number {
  return r.transactions
    .filter((t) => t.kind === 'refund' && (t.status ?? 'success') === 'success')
    .reduce((s, t) => s + toMinor(t.amount, currency), 0);
}

export function mapShopifyRefundLines(r: ShopifyRefund, lines: OrderLineRow[]) {
  const byExternal = new Map(lines.map((l) => [l.external_id, l.id]));
  return r.refund_line_items
    .filter((li) => byExternal.has(li.line_item_id))
    .map((li) => ({ lineId: byExternal.get(li.line_item_id)!, quantity: li.quantity }));
}
