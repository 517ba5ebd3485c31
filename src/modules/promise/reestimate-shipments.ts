import type { DbOrTx } from '../../db/pool.ts';
import { findMerchant } from '../merchants/index.ts';
import { type BusinessCalendar, calendarFor } from './calendar.ts';
import { type DeliveryEstimate, reestimate } from './estimate.ts';
import { isInternational, widerLanes } from './lane.ts';
import { deliveryCalendar, merchantOrigin, placeFromAddress, shipmentLane } from './places.ts';
import { findShipmentsForPromise, HISTORY_LIMIT, type LaneHistoryCache, loadLaneHistories } from './repo.ts';
import { transitRule } from './rules.ts';
import { shippingSettings } from './settings.ts';

/** Statuses that fix the delivery day by themselves, whatever the lane's history. */
const PINNED: ReadonlySet<string> = new Set(['out_for_delivery', 'attempt_fail', 'available_for_pickup']);

/**
 * Fresh delivery windows for parcels on their way, from their new status (see reestimate in estimate.ts):
 * the tracking ingest calls this for the shipments whose status a batch moved and writes the windows with
 * the rest of the tracking state. Reads are per batch, not per parcel: the merchant once, the shipments in
 * one statement, and each lane the batch touches once. A parcel whose ends we cannot place (no origin in the
 * shipping settings or merchant address, no country on the order's address) gets no window and keeps the
 * one it had; so does a delivered or expired one.
 *
 * A window from the rules alone is given only when a scan pins the day down (out for delivery, a failed
 * attempt, waiting at a pickup point). For a parcel merely in transit the rules are deliberately wide, and
 * the watchlist calls a parcel late when its estimate ends after the promised day: a cautious guess must
 * not tell a customer their parcel is delayed. Once the lane has history, its window is written.
 */
export async function reestimateShipments(opts: {
  tx: DbOrTx;
  merchantId: string;
  shipments: ReadonlyArray<{ shipmentId: string; status: string }>;
  now: Date;
}): Promise<Map<string, DeliveryEstimate>> {
  const { tx, merchantId } = opts;
  const out = new Map<string, DeliveryEstimate>();
  if (opts.shipments.length === 0) return out;
  const merchant = await findMerchant(tx, merchantId);
  if (!merchant) return out;
  const settings = shippingSettings(merchant.settings);
  const origin = merchantOrigin(merchant, settings);
  if (!origin) return out;
  const originCalendar = calendarFor({ ...origin, weekdays: settings.workingDays });
  const rows = new Map(
    (
      await findShipmentsForPromise(
        tx,
        merchantId,
        opts.shipments.map((s) => s.shipmentId),
      )
    ).map((s) => [s.id, s]),
  );
  const calendars = new Map<string, BusinessCalendar | null>();
  const histories: LaneHistoryCache = new Map();

  for (const { shipmentId, status } of opts.shipments) {
    const shipment = rows.get(shipmentId);
    if (!shipment) continue;
    const destination = placeFromAddress(shipment.shipping_address);
    const destinationCalendar = deliveryCalendar(calendars, destination, shipment.carrier, settings);
    const { parts, lane } = shipmentLane({
      origin,
      destination,
      carrier: shipment.carrier,
      lane: shipment.lane,
    });
    if (!destinationCalendar || !parts || !lane) continue;
    const levels = await loadLaneHistories(tx, merchantId, widerLanes(parts), HISTORY_LIMIT, histories);
    const estimate = reestimate({
      status,
      now: opts.now,
      shippedAt: shipment.shipped_at,
      orderedAt: shipment.placed_at,
      timeZone: merchant.timezone,
      processingDays: settings.processingDays,
      cutoff: settings.cutoff,
      origin: originCalendar,
      destination: destinationCalendar,
      history: levels[0]?.transitDays ?? [],
      lane,
      wider: levels.slice(1),
      rule: transitRule({
        carrier: shipment.carrier,
        service: shipment.service,
        international: isInternational(parts),
      }),
    });
    if (estimate && (estimate.method === 'history' || PINNED.has(status))) out.set(shipmentId, estimate);
  }
  return out;
}
