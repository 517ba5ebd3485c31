import type { ShipmentLineRow, ShipmentRow } from './repo.ts';
import type { ShipmentView } from './schemas.ts';

export function toShipmentView(s: ShipmentRow, lines: ShipmentLineRow[]): ShipmentView {
  return {
    id: s.id,
    orderId: s.order_id,
    source: s.source,
    externalId: s.external_id,
    carrier: s.carrier,
    service: s.service,
    trackingNumber: s.tracking_number,
    trackingUrl: s.tracking_url,
    status: s.status,
    shippedAt: s.shipped_at?.toISOString() ?? null,
    deliveredAt: s.delivered_at?.toISOString() ?? null,
    lines: lines
      .filter((l) => l.shipment_id === s.id)
      .map((l) => ({ lineId: l.order_line_id, quantity: l.quantity })),
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}
