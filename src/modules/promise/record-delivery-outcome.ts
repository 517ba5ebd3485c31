import type { DbOrTx } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findMerchant } from '../merchants/index.ts';
import { businessDaysBetween, calendarFor, daysBetween, isKnownCountry } from './calendar.ts';
import { localDayAndTime } from './estimate.ts';
import { isInternational, laneKey, laneParts, parseLane } from './lane.ts';
import { merchantOrigin, placeFromAddress } from './places.ts';
import { findShipmentForOutcome, writeDeliveryOutcome } from './repo.ts';
import { carrierDeliveryDays } from './rules.ts';
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
 * What a delivery teaches us, written on the shipment in the caller's transaction (the tracking ingest
 * calls this when a shipment becomes delivered): its lane, the business days it took (the destination's
 * calendar on the carrier's delivery days — this is what lane histories are made of) and whether the
 * order's promise was kept, compared by day where the parcel arrived.
 */
export async function recordDeliveryOutcome(opts: {
  tx: DbOrTx;
  merchantId: string;
  shipmentId: string;
  deliveredAt: Date;
}): Promise<DeliveryOutcome> {
  const { tx, merchantId, shipmentId } = opts;
  const shipment = await findShipmentForOutcome(tx, merchantId, shipmentId);
  if (!shipment) throw new NotFoundError('Shipment', { id: shipmentId });
  const merchant = await findMerchant(tx, merchantId);
  if (!merchant) throw new NotFoundError('Merchant', { id: merchantId });
  const settings = shippingSettings(merchant.settings);

  const origin = merchantOrigin(merchant, settings);
  const destination = placeFromAddress(shipment.shipping_address);
  const parts =
    (shipment.lane ? parseLane(shipment.lane) : null) ??
    (origin && destination ? laneParts(origin, destination, shipment.carrier) : null);
  const lane = shipment.lane ?? (parts ? laneKey(parts) : null);

  const calendar =
    destination && isKnownCountry(destination.country)
      ? calendarFor({
          ...destination,
          weekdays: carrierDeliveryDays(shipment.carrier, settings.carrierDeliveryDays),
        })
      : null;
  // Days are read where they happen: shipped in the merchant's time zone, delivered in the destination's.
  const deliveredDay = localDayAndTime(opts.deliveredAt, calendar?.timeZone ?? merchant.timezone).day;
  let transitDays: number | null = null;
  if (calendar && shipment.shipped_at && lane) {
    const shippedDay = localDayAndTime(shipment.shipped_at, merchant.timezone).day;
    const days = businessDaysBetween(calendar, shippedDay, deliveredDay);
    if (days >= 0 && days <= MAX_LEARNED_TRANSIT_DAYS) transitDays = days;
  }
  const daysVsPromise = shipment.promised_latest ? daysBetween(shipment.promised_latest, deliveredDay) : null;
  const outcome: DeliveryOutcome = {
    shipmentId,
    lane,
    transitDays,
    promiseKept: daysVsPromise === null ? null : daysVsPromise <= 0,
    daysVsPromise,
  };
  await writeDeliveryOutcome(tx, merchantId, shipmentId, {
    ...outcome,
    international: parts ? isInternational(parts) : null,
  });
  return outcome;
}
