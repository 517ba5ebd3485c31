import type { DbOrTx } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findMerchant } from '../merchants/index.ts';
import { type BusinessCalendar, businessDaysBetween, daysBetween } from './calendar.ts';
import { localDayAndTime } from './estimate.ts';
import { isInternational } from './lane.ts';
import { deliveryCalendar, merchantOrigin, placeFromAddress, shipmentLane } from './places.ts';
import { type DeliveryOutcomeRow, findShipmentsForPromise, writeDeliveryOutcomes } from './repo.ts';
import { shippingSettings } from './settings.ts';

/**
 * A transit longer than this is a parcel lost and found, a return or a data error, not a carrier's pace:
 * it is not learned from (it would stretch every later promise on the lane). The promise outcome still is.
 */
const MAX_LEARNED_TRANSIT_DAYS = 60;

export interface DeliveryOutcome {
  shipmentId: string;
  lane: string | null;
  /** Business days from shipping to delivery at the destination; null when it cannot be measured. */
  transitDays: number | null;
  promiseKept: boolean | null;
  /** Delivered day minus the order's latest promised day, in calendar days; negative is early. */
  daysVsPromise: number | null;
}

/**
 * What deliveries teach us, written on their shipments in the caller's transaction: the lane, the business
 * days each took (the destination's calendar on the carrier's delivery days — this is what lane histories
 * are made of) and whether the order's promise was kept, compared by day where the parcel arrived.
 * The tracking ingest calls this for the shipments a batch delivers, which can be thousands (a 3PL's
 * nightly push), so it takes them all at once: three statements however many there are.
 * Shipments that are not this merchant's are left out of the answer.
 */
export async function recordDeliveryOutcomes(opts: {
  tx: DbOrTx;
  merchantId: string;
  deliveries: ReadonlyArray<{ shipmentId: string; deliveredAt: Date }>;
}): Promise<DeliveryOutcome[]> {
  const { tx, merchantId, deliveries } = opts;
  if (deliveries.length === 0) return [];
  const merchant = await findMerchant(tx, merchantId);
  if (!merchant) throw new NotFoundError('Merchant', { id: merchantId });
  const settings = shippingSettings(merchant.settings);
  const origin = merchantOrigin(merchant, settings);
  const shipments = new Map(
    (
      await findShipmentsForPromise(
        tx,
        merchantId,
        deliveries.map((d) => d.shipmentId),
      )
    ).map((s) => [s.id, s]),
  );
  const calendars = new Map<string, BusinessCalendar | null>();

  const outcomes: DeliveryOutcome[] = [];
  const rows: DeliveryOutcomeRow[] = [];
  for (const { shipmentId, deliveredAt } of deliveries) {
    const shipment = shipments.get(shipmentId);
    if (!shipment) continue;
    const destination = placeFromAddress(shipment.shipping_address);
    const { parts, lane } = shipmentLane({
      origin,
      destination,
      carrier: shipment.carrier,
      lane: shipment.lane,
    });
    const calendar = deliveryCalendar(calendars, destination, shipment.carrier, settings);
    // Days are read where they happen: shipped in the merchant's time zone, delivered in the destination's.
    const deliveredDay = localDayAndTime(deliveredAt, calendar?.timeZone ?? merchant.timezone).day;
    let transitDays: number | null = null;
    if (calendar && shipment.shipped_at && lane) {
      const shippedDay = localDayAndTime(shipment.shipped_at, merchant.timezone).day;
      const days = businessDaysBetween(calendar, shippedDay, deliveredDay);
      if (days >= 0 && days <= MAX_LEARNED_TRANSIT_DAYS) transitDays = days;
    }
    const daysVsPromise = shipment.promised_latest
      ? daysBetween(shipment.promised_latest, deliveredDay)
      : null;
    const outcome: DeliveryOutcome = {
      shipmentId,
      lane,
      transitDays,
      promiseKept: daysVsPromise === null ? null : daysVsPromise <= 0,
      daysVsPromise,
    };
    outcomes.push(outcome);
    rows.push({ ...outcome, international: parts ? isInternational(parts) : null });
  }
  await writeDeliveryOutcomes(tx, merchantId, rows);
  return outcomes;
}

/** One delivery's outcome (see recordDeliveryOutcomes); 404 when the shipment is not this merchant's. */
export async function recordDeliveryOutcome(opts: {
  tx: DbOrTx;
  merchantId: string;
  shipmentId: string;
  deliveredAt: Date;
}): Promise<DeliveryOutcome> {
  const [outcome] = await recordDeliveryOutcomes({
    tx: opts.tx,
    merchantId: opts.merchantId,
    deliveries: [{ shipmentId: opts.shipmentId, deliveredAt: opts.deliveredAt }],
  });
  if (!outcome) throw new NotFoundError('Shipment', { id: opts.shipmentId });
  return outcome;
}
