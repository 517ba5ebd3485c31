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
    subStatus: s.sub_status,
    statusAt: s.status_at?.toISOString() ?? null,
    lastScanAt: s.last_scan_at?.toISOString() ?? null,
    lastLocation: s.last_location,
    shippedAt: s.shipped_at?.toISOString() ?? null,
    outForDeliveryAt: s.out_for_delivery_at?.toISOString() ?? null,
    deliveredAt: s.delivered_at?.toISOString() ?? null,
    estimate: { earliest: s.estimated_earliest, latest: s.estimated_latest },
    promise: { kept: s.promise_kept, daysVsPromise: s.days_vs_promise, transitDays: s.transit_days },
    flags: s.flags,
    lines: lines
      .filter((l) => l.shipment_id === s.id)
      .map((l) => ({ lineId: l.order_line_id, quantity: l.quantity })),
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}
