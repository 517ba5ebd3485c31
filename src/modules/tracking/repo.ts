import { type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { ShipmentsTable, TrackingEventsTable } from '../../db/schema.ts';

export type TrackedShipment = Pick<
  Selectable<ShipmentsTable>,
  | 'merchant_id'
  | 'id'
  | 'order_id'
  | 'carrier'
  | 'tracking_number'
  | 'status'
  | 'sub_status'
  | 'status_at'
  | 'last_scan_at'
  | 'last_location'
  | 'shipped_at'
  | 'flags'
  | 'created_at'
>;

/**
 * The shipments a batch talks about, locked in id order (so two batches touching the same parcels wait for
 * each other instead of deadlocking). Found by our id or by tracking number, as given or normalised.
 */
export async function lockShipmentsForTracking(
  tx: DbOrTx,
  merchantId: string,
  ids: string[],
  trackingNumbers: string[],
): Promise<TrackedShipment[]> {
  if (ids.length === 0 && trackingNumbers.length === 0) return [];
  const { rows } = await sql<TrackedShipment>`
    SELECT merchant_id, id, order_id, carrier, tracking_number, status, sub_status, status_at, last_scan_at,
           last_location, shipped_at, flags, created_at
    FROM shipments
    WHERE merchant_id = ${merchantId}
      AND (id = ANY(${ids}::text[]) OR tracking_number = ANY(${trackingNumbers}::text[]))
    ORDER BY id
    FOR UPDATE`.execute(tx);
  return rows;
}

/** Orders of these shipments, locked before the shipments when a delivery may move the order too. */
export async function lockOrdersOfShipments(
  tx: DbOrTx,
  merchantId: string,
  ids: string[],
  trackingNumbers: string[],
): Promise<void> {
  await sql`
    SELECT 1 FROM orders
    WHERE merchant_id = ${merchantId} AND id IN (
      SELECT order_id FROM shipments
      WHERE merchant_id = ${merchantId}
        AND (id = ANY(${ids}::text[]) OR tracking_number = ANY(${trackingNumbers}::text[])))
    ORDER BY id
    FOR UPDATE`.execute(tx);
}

export type NewTrackingEvent = Omit<Selectable<TrackingEventsTable>, 'received_at' | 'occurred_at'> & {
  occurred_at: string;
};

/** Inserts scans in one statement; returns the keys of those that were new (duplicates are skipped). */
export async function insertTrackingEvents(
  tx: DbOrTx,
  rows: NewTrackingEvent[],
): Promise<Array<{ shipment_id: string; dedupe_key: string }>> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await sql<{ shipment_id: string; dedupe_key: string }>`
    INSERT INTO tracking_events
      (merchant_id, shipment_id, dedupe_key, source, occurred_at, status, sub_status, raw_code, description, location)
    SELECT merchant_id, shipment_id, dedupe_key, source, occurred_at, status, sub_status, raw_code, description, location
    FROM json_populate_recordset(null::tracking_events, ${JSON.stringify(rows)}::json)
    ON CONFLICT DO NOTHING
    RETURNING shipment_id, dedupe_key`.execute(tx);
  return inserted;
}

export interface ShipmentTrackingChange {
  id: string;
  status: string;
  sub_status: string | null;
  status_at: string | null;
  last_scan_at: string | null;
  last_location: string | null;
  out_for_delivery_at: string | null;
  delivered_at: string | null;
  /** A new estimated window, both ends or neither; null keeps the one the shipment has. */
  estimated_earliest: string | null;
  estimated_latest: string | null;
  clear_flags: boolean;
}

/** Writes the new tracking state of many shipments in one statement. */
export async function updateShipmentsTracking(
  tx: DbOrTx,
  merchantId: string,
  changes: ShipmentTrackingChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await sql`
    UPDATE shipments s SET
      status = c.status,
      sub_status = c.sub_status,
      status_at = c.status_at,
      last_scan_at = c.last_scan_at,
      last_location = coalesce(c.last_location, s.last_location),
      out_for_delivery_at = coalesce(c.out_for_delivery_at, s.out_for_delivery_at),
      delivered_at = coalesce(c.delivered_at, s.delivered_at),
      estimated_earliest = CASE WHEN c.estimated_latest IS NULL THEN s.estimated_earliest ELSE c.estimated_earliest END,
      estimated_latest = coalesce(c.estimated_latest, s.estimated_latest),
      flags = CASE WHEN c.clear_flags THEN '{}' ELSE s.flags END,
      flagged_at = CASE WHEN c.clear_flags THEN NULL ELSE s.flagged_at END,
      updated_at = now()
    FROM json_to_recordset(${JSON.stringify(changes)}::json) AS c(
      id text, status text, sub_status text, status_at timestamptz, last_scan_at timestamptz,
      last_location text, out_for_delivery_at timestamptz, delivered_at timestamptz, estimated_earliest date,
      estimated_latest date, clear_flags boolean)
    WHERE s.merchant_id = ${merchantId} AND s.id = c.id`.execute(tx);
}

export async function listTrackingEvents(
  db: DbOrTx,
  merchantId: string,
  shipmentIds: string[],
): Promise<Selectable<TrackingEventsTable>[]> {
  if (shipmentIds.length === 0) return [];
  return db
    .selectFrom('tracking_events')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('shipment_id', 'in', shipmentIds)
    .orderBy('occurred_at', 'desc')
    .execute();
}
