import type { Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { ShipmentsTable } from '../../db/schema.ts';
import { ConflictError, UnprocessableError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { listLines, lockOrder, refreshFulfilment } from '../orders/index.ts';
import {
  findShipmentBySourceForUpdate,
  insertShipment,
  insertShipmentLines,
  type ShipmentRow,
  updateShipment,
} from './repo.ts';
import { type ShipmentStatus, shipmentLifecycle } from './status.ts';

export interface ShipmentData {
  orderId: string;
  externalId: string;
  carrier: string | null;
  service: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  status: ShipmentStatus;
  /** Order lines in the parcel, by our line id. Empty means "everything not shipped yet". */
  lines: Array<{ orderLineId: string; quantity: number }>;
  shippedAt: Date;
  sourceUpdatedAt: Date | null;
}

export interface UpsertShipmentResult {
  shipmentId: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'stale';
  notes: string[];
}

/**
 * Records a shipment as a source reports it, in the caller's transaction: a new parcel (shipment.created)
 * or news about a known one (shipment.updated); then moves the order to partially_shipped/shipped/delivered.
 * Over-shipping a line and shipping a cancelled order are refused.
 */
export async function upsertShipment(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  data: ShipmentData;
}): Promise<UpsertShipmentResult> {
  const { tx, merchantId, source, data } = opts;
  const order = await lockOrder(tx, merchantId, data.orderId);
  const existing = await findShipmentBySourceForUpdate(tx, merchantId, source, data.externalId);
  if (existing) return updateExisting(tx, existing, data);
  if (order.status === 'cancelled') {
    throw new ConflictError('order_cancelled', `Order ${order.number} is cancelled and cannot ship.`, {
      orderId: order.id,
    });
  }
  const lines = await resolveLines(tx, merchantId, data);
  const shipment = await insertShipment(tx, {
    merchant_id: merchantId,
    id: newId('shp'),
    order_id: order.id,
    source,
    external_id: data.externalId,
    carrier: data.carrier,
    service: data.service,
    tracking_number: data.trackingNumber,
    tracking_url: data.trackingUrl,
    status: data.status,
    shipped_at: data.shippedAt,
    delivered_at: data.status === 'delivered' ? (data.sourceUpdatedAt ?? data.shippedAt) : null,
    source_updated_at: data.sourceUpdatedAt,
  });
  await insertShipmentLines(
    tx,
    lines.map((l) => ({
      merchant_id: merchantId,
      shipment_id: shipment.id,
      order_line_id: l.orderLineId,
      quantity: l.quantity,
    })),
  );
  await appendEvents(tx, [
    shipmentEvent(shipment, 'shipment.created', data.shippedAt, { status: shipment.status }),
    ...statusEvent(shipment, data.shippedAt),
  ]);
  await refreshFulfilment({ tx, merchantId, orderId: order.id, at: data.shippedAt });
  return { shipmentId: shipment.id, outcome: 'created', notes: [] };
}

async function updateExisting(
  tx: DbOrTx,
  existing: ShipmentRow,
  data: ShipmentData,
): Promise<UpsertShipmentResult> {
  if (
    existing.source_updated_at &&
    data.sourceUpdatedAt &&
    data.sourceUpdatedAt < existing.source_updated_at
  ) {
    return { shipmentId: existing.id, outcome: 'stale', notes: ['older than the stored version'] };
  }
  const notes: string[] = [];
  const changes: Updateable<ShipmentsTable> = {};
  const changed: string[] = [];
  for (const [field, column, value] of [
    ['carrier', 'carrier', data.carrier],
    ['service', 'service', data.service],
    ['trackingNumber', 'tracking_number', data.trackingNumber],
    ['trackingUrl', 'tracking_url', data.trackingUrl],
  ] as const) {
    if (value !== null && value !== existing[column]) {
      changes[column] = value;
      changed.push(field);
    }
  }
  const current = existing.status as ShipmentStatus;
  if (data.status !== current) {
    if (shipmentLifecycle.can(current, data.status)) {
      changes.status = data.status;
      changed.push('status');
      if (data.status === 'delivered') changes.delivered_at = data.sourceUpdatedAt ?? new Date();
    } else {
      notes.push(`status ${current} -> ${data.status} ignored`);
    }
  }
  if (data.sourceUpdatedAt) changes.source_updated_at = data.sourceUpdatedAt;
  if (changed.length === 0) {
    if (data.sourceUpdatedAt) await updateShipment(tx, existing.merchant_id, existing.id, changes);
    return { shipmentId: existing.id, outcome: 'unchanged', notes };
  }
  const updated = await updateShipment(tx, existing.merchant_id, existing.id, changes);
  const at = data.sourceUpdatedAt ?? new Date();
  await appendEvents(tx, [
    shipmentEvent(updated, 'shipment.updated', at, {
      changed,
      status: updated.status,
      previousStatus: current,
    }),
    ...(changed.includes('status') ? statusEvent(updated, at) : []),
  ]);
  if (changed.includes('status'))
    await refreshFulfilment({ tx, merchantId: existing.merchant_id, orderId: existing.order_id, at });
  return { shipmentId: existing.id, outcome: 'updated', notes };
}

async function resolveLines(tx: DbOrTx, merchantId: string, data: ShipmentData) {
  const orderLines = await listLines(tx, merchantId, [data.orderId]);
  const shippedRows = await tx
    .selectFrom('shipment_lines as sl')
    .innerJoin('shipments as s', (j) =>
      j.onRef('s.merchant_id', '=', 'sl.merchant_id').onRef('s.id', '=', 'sl.shipment_id'),
    )
    .select(['sl.order_line_id', 'sl.quantity'])
    .where('sl.merchant_id', '=', merchantId)
    .where('s.order_id', '=', data.orderId)
    .where('s.status', '<>', 'cancelled')
    .execute();
  const shipped = new Map<string, number>();
  for (const r of shippedRows) shipped.set(r.order_line_id, (shipped.get(r.order_line_id) ?? 0) + r.quantity);
  const remaining = (id: string) =>
    (orderLines.find((l) => l.id === id)?.quantity ?? 0) - (shipped.get(id) ?? 0);
  if (data.lines.length === 0) {
    const all = orderLines
      .filter((l) => l.requires_shipping && remaining(l.id) > 0)
      .map((l) => ({ orderLineId: l.id, quantity: remaining(l.id) }));
    if (all.length === 0)
      throw new UnprocessableError('nothing_to_ship', 'Every line of this order has already shipped.');
    return all;
  }
  const merged = new Map<string, number>();
  for (const l of data.lines) merged.set(l.orderLineId, (merged.get(l.orderLineId) ?? 0) + l.quantity);
  for (const [lineId, quantity] of merged) {
    if (!orderLines.some((l) => l.id === lineId)) {
      throw new UnprocessableError('unknown_line', `Line ${lineId} is not on this order.`, { lineId });
    }
    if (quantity > remaining(lineId)) {
      throw new UnprocessableError(
        'over_shipped',
        `Only ${remaining(lineId)} of line ${lineId} is left to ship.`,
        {
          lineId,
          requested: quantity,
          remaining: remaining(lineId),
        },
      );
    }
  }
  return [...merged].map(([orderLineId, quantity]) => ({ orderLineId, quantity }));
}

/**
 * `shipment.<status>` (shipment.out_for_delivery, shipment.delivered, ...) alongside created/updated, so
 * journeys can start on the moment itself. Pending and cancelled are bookkeeping, not news.
 */
function statusEvent(s: ShipmentRow, at: Date): NewEvent[] {
  if (s.status === 'pending' || s.status === 'cancelled') return [];
  return [shipmentEvent(s, `shipment.${s.status}` as NewEvent['type'], at, { status: s.status })];
}

function shipmentEvent(
  s: ShipmentRow,
  type: NewEvent['type'],
  at: Date,
  payload: Record<string, unknown>,
): NewEvent {
  return {
    merchantId: s.merchant_id,
    type,
    subjectType: 'shipment',
    subjectId: s.id,
    occurredAt: at,
    payload: {
      shipmentId: s.id,
      orderId: s.order_id,
      carrier: s.carrier,
      trackingNumber: s.tracking_number,
      ...payload,
    },
  };
}
