import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../db/pool.ts';
import { now } from '../../lib/clock.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { markOrdersDelivered } from '../orders/index.ts';
import { recordDeliveryOutcomes, reestimateShipments } from '../promise/index.ts';
import { type ShipmentStatus, shipmentLifecycle } from '../shipments/status.ts';
import {
  insertTrackingEvents,
  lockOrdersOfShipments,
  lockShipmentsForTracking,
  type NewTrackingEvent,
  type ShipmentTrackingChange,
  type TrackedShipment,
  updateShipmentsTracking,
} from './repo.ts';
import { FINAL_STATUSES, STATUS_RANK, type TrackingStatus } from './statuses.ts';
import type { CarrierEvent } from './types.ts';

export type TrackingSource = 'easypost' | 'aftership' | 'api' | 'poller';

/** News about one parcel: which one (our id, or its tracking number) and its scans. */
export interface TrackingUpdate {
  shipmentId?: string | null;
  trackingNumber?: string | null;
  events: CarrierEvent[];
  /** The carrier's own estimate ('YYYY-MM-DD'), if it gave one. */
  estimatedDelivery?: string | null;
}

export interface ApplyTrackingResult {
  /** Scans stored for the first time. */
  accepted: number;
  /** Scans we already had (a redelivered webhook, a re-pushed batch). */
  duplicates: number;
  /** Updates whose parcel we do not know, by their index in the input. */
  unknown: Array<{ index: number; shipmentId: string | null; trackingNumber: string | null }>;
  /** Shipments whose canonical status moved, with the move. */
  moved: Array<{ shipmentId: string; from: string; to: string }>;
}

export const normalizeTrackingNumber = (n: string) => n.replace(/[\s-]/g, '').toUpperCase();

/**
 * Stores carrier scans and moves each shipment to the state its newest scan describes, in the caller's
 * transaction and in a fixed number of statements however big the batch:
 * - a scan already stored (same parcel, time, status, code and place) is a duplicate and changes nothing;
 * - scans are ordered by their own time, not by arrival, so a late old scan is kept in the timeline but never
 *   moves the status back; a delivered or expired parcel stays so;
 * - every status move appends `shipment.<status>` at the scan's time (journeys and webhooks start from it);
 *   a delivery also moves the order along.
 * - a parcel whose status moved gets a fresh estimate from the promise module, unless its carrier sent
 *   one with the update: the carrier knows its own network better than our lane history does;
 * - a delivery records its outcome (lane, transit days, promise kept), which later promises learn from.
 */
export async function applyTrackingUpdates(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: TrackingSource;
  updates: TrackingUpdate[];
  /** "Today" for the re-estimates; the clock by default. */
  now?: Date;
}): Promise<ApplyTrackingResult> {
  const { tx, merchantId, source, updates } = opts;
  const ids = [...new Set(updates.flatMap((u) => (u.shipmentId ? [u.shipmentId] : [])))];
  const numbers = [
    ...new Set(
      updates.flatMap((u) =>
        u.trackingNumber ? [u.trackingNumber, normalizeTrackingNumber(u.trackingNumber)] : [],
      ),
    ),
  ];
  // A delivery moves the order too; lock orders before shipments, the order every other writer uses.
  if (updates.some((u) => u.events.some((e) => e.status === 'delivered'))) {
    await lockOrdersOfShipments(tx, merchantId, ids, numbers);
  }
  const shipments = await lockShipmentsForTracking(tx, merchantId, ids, numbers);
  const byId = new Map(shipments.map((s) => [s.id, s]));
  const byNumber = indexByTrackingNumber(shipments);

  const result: ApplyTrackingResult = { accepted: 0, duplicates: 0, unknown: [], moved: [] };
  const rows = new Map<string, NewTrackingEvent & { event: CarrierEvent }>();
  const estimates = new Map<string, string>();
  updates.forEach((u, index) => {
    const shipment =
      (u.shipmentId ? byId.get(u.shipmentId) : undefined) ??
      (u.trackingNumber ? byNumber.get(normalizeTrackingNumber(u.trackingNumber)) : undefined);
    if (!shipment) {
      result.unknown.push({
        index,
        shipmentId: u.shipmentId ?? null,
        trackingNumber: u.trackingNumber ?? null,
      });
      return;
    }
    if (u.estimatedDelivery) estimates.set(shipment.id, u.estimatedDelivery);
    for (const e of u.events) {
      const key = dedupeKey(e);
      const rowKey = `${shipment.id}\u0000${key}`;
      if (rows.has(rowKey)) {
        result.duplicates++;
        continue;
      }
      rows.set(rowKey, {
        merchant_id: merchantId,
        shipment_id: shipment.id,
        dedupe_key: key,
        source,
        occurred_at: e.occurredAt.toISOString(),
        status: e.status,
        sub_status: e.subStatus,
        raw_code: e.rawCode,
        description: e.description,
        location: e.location,
        event: e,
      });
    }
  });

  const inserted = await insertTrackingEvents(
    tx,
    [...rows.values()].map(({ event: _event, ...row }) => row),
  );
  result.accepted = inserted.length;
  result.duplicates += rows.size - inserted.length;

  const fresh = new Map<string, CarrierEvent[]>();
  for (const { shipment_id, dedupe_key } of inserted) {
    const row = rows.get(`${shipment_id}\u0000${dedupe_key}`);
    if (!row) continue;
    const list = fresh.get(shipment_id) ?? [];
    list.push(row.event);
    fresh.set(shipment_id, list);
  }

  const changes: ShipmentTrackingChange[] = [];
  const events: NewEvent[] = [];
  const deliveredOrders = new Map<string, Date>();
  const deliveries: Array<{ shipmentId: string; deliveredAt: Date }> = [];
  const toEstimate: Array<{ shipmentId: string; status: string }> = [];
  for (const shipment of shipments) {
    const scans = fresh.get(shipment.id);
    const estimate = estimates.get(shipment.id) ?? null;
    if (!scans && !estimate) continue;
    const next = nextState(shipment, scans ?? []);
    const final = FINAL_STATUSES.includes(next.status as TrackingStatus);
    changes.push({
      id: shipment.id,
      status: next.status,
      sub_status: next.subStatus,
      status_at: next.statusAt?.toISOString() ?? null,
      last_scan_at: next.lastScanAt?.toISOString() ?? null,
      last_location: next.lastLocation,
      out_for_delivery_at: next.moved && next.status === 'out_for_delivery' ? iso(next.statusAt) : null,
      delivered_at: next.moved && next.status === 'delivered' ? iso(next.statusAt) : null,
      // The carrier's estimate is one day: the window closes on it.
      estimated_earliest: estimate,
      estimated_latest: estimate,
      clear_flags: next.moved && final,
    });
    if (next.moved && next.statusAt) {
      result.moved.push({ shipmentId: shipment.id, from: shipment.status, to: next.status });
      events.push(statusEvent(shipment, next));
      if (next.status === 'delivered') {
        deliveredOrders.set(shipment.order_id, next.statusAt);
        deliveries.push({ shipmentId: shipment.id, deliveredAt: next.statusAt });
      } else if (!final && !estimate) {
        toEstimate.push({ shipmentId: shipment.id, status: next.status });
      }
    }
  }
  // Only parcels whose status moved: a scan that says the same thing again does not change the estimate
  // enough to be worth reading lane histories for.
  const reestimated = await reestimateShipments({
    tx,
    merchantId,
    shipments: toEstimate,
    now: opts.now ?? now(),
  });
  for (const change of changes) {
    const window = reestimated.get(change.id);
    if (window) {
      change.estimated_earliest = window.earliest;
      change.estimated_latest = window.latest;
    }
  }
  await updateShipmentsTracking(tx, merchantId, changes);
  await appendEvents(tx, events);
  await recordDeliveryOutcomes({ tx, merchantId, deliveries });
  await markOrdersDelivered({ tx, merchantId, deliveries: deliveredOrders });
  return result;
}

interface NextState {
  status: string;
  subStatus: string | null;
  statusAt: Date | null;
  lastScanAt: Date | null;
  lastLocation: string | null;
  moved: boolean;
  scan: CarrierEvent | null;
}

/**
 * Where the parcel is now, given what we knew and the new scans. The newest scan that is newer than the
 * current status (or as new and further along) and is an allowed move wins; older scans only fill the
 * timeline and `last_scan_at`.
 */
export function nextState(shipment: TrackedShipment, scans: CarrierEvent[]): NextState {
  const current = shipment.status as ShipmentStatus;
  let lastScanAt = shipment.last_scan_at;
  let lastLocation: string | null = null;
  for (const s of scans) {
    if (!lastScanAt || s.occurredAt > lastScanAt) {
      lastScanAt = s.occurredAt;
      if (s.location) lastLocation = s.location;
    }
  }
  const keep: NextState = {
    status: current,
    subStatus: shipment.sub_status,
    statusAt: shipment.status_at,
    lastScanAt,
    lastLocation,
    moved: false,
    scan: null,
  };
  if (current === 'cancelled' || FINAL_STATUSES.includes(current as TrackingStatus)) return keep;
  const newestFirst = [...scans].sort(
    (a, b) =>
      b.occurredAt.getTime() - a.occurredAt.getTime() || STATUS_RANK[b.status] - STATUS_RANK[a.status],
  );
  for (const s of newestFirst) {
    const since = shipment.status_at;
    const newer =
      !since ||
      s.occurredAt > since ||
      (s.occurredAt.getTime() === since.getTime() &&
        STATUS_RANK[s.status] > STATUS_RANK[current as TrackingStatus]);
    if (!newer) break;
    if (s.status === current) {
      // Same status, newer scan: keep the status, take the newer sub-status and time.
      return { ...keep, subStatus: s.subStatus, statusAt: s.occurredAt, scan: s };
    }
    if (shipmentLifecycle.can(current, s.status)) {
      return {
        ...keep,
        status: s.status,
        subStatus: s.subStatus,
        statusAt: s.occurredAt,
        moved: true,
        scan: s,
      };
    }
  }
  return keep;
}

/**
 * Providers rarely give scans an id, and the same scan arrives again in every later webhook of that parcel,
 * so a scan is identified by what it says: time, status, raw code and place.
 */
function dedupeKey(e: CarrierEvent): string {
  return createHash('sha256')
    .update(
      `${e.occurredAt.toISOString()}|${e.status}|${e.subStatus ?? ''}|${e.rawCode ?? ''}|${e.location ?? ''}`,
    )
    .digest('base64url')
    .slice(0, 22);
}

function indexByTrackingNumber(shipments: TrackedShipment[]): Map<string, TrackedShipment> {
  const map = new Map<string, TrackedShipment>();
  // Carriers recycle numbers: the newest live shipment with the number is the one being tracked.
  const live = [...shipments].sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  for (const s of live) {
    if (s.tracking_number && s.status !== 'cancelled') map.set(normalizeTrackingNumber(s.tracking_number), s);
  }
  return map;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function statusEvent(s: TrackedShipment, next: NextState): NewEvent {
  return {
    merchantId: s.merchant_id,
    type: `shipment.${next.status}` as NewEvent['type'],
    subjectType: 'shipment',
    subjectId: s.id,
    occurredAt: next.statusAt ?? new Date(),
    payload: {
      shipmentId: s.id,
      orderId: s.order_id,
      carrier: s.carrier,
      trackingNumber: s.tracking_number,
      status: next.status,
      previousStatus: s.status,
      subStatus: next.subStatus,
      location: next.scan?.location ?? null,
      description: next.scan?.description ?? null,
    },
  };
}
