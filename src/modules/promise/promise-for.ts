import { type Db, withTransaction } from '../../db/pool.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendEvents } from '../events/index.ts';
import { findMerchant } from '../merchants/index.ts';
import { findOrder, lockOrder, orderEvent } from '../orders/index.ts';
import { calendarFor } from './calendar.ts';
import { type DeliveryEstimate, estimateDelivery, type PromiseMethod } from './estimate.ts';
import { isInternational, laneKey, laneParts, type Place, widerLanes } from './lane.ts';
import { checkPlace, merchantOrigin } from './places.ts';
import { insertDeliveryPromise, loadLaneHistories, setOrderPromise } from './repo.ts';
import { carrierDeliveryDays, transitRule } from './rules.ts';
import { shippingSettings } from './settings.ts';

export interface PromiseRequest {
  /** Where the parcel leaves from; defaults to the shipping settings' origin, then the merchant's address. */
  origin?: Place | null;
  destination: Place;
  carrier?: string | null;
  service?: string | null;
  /** Defaults to the order's placed_at when an order is named, else now. */
  orderedAt?: Date | null;
  /** Override the merchant's shipping settings for this promise. */
  processingDays?: number | null;
  cutoff?: string | null;
  /** Store the promise for this order: a delivery_promises row and the order's promised dates. */
  orderId?: string | null;
}

export interface DeliveryPromise {
  earliest: string;
  likely: string;
  latest: string;
  confidence: number;
  method: PromiseMethod;
  lane: string;
  /** Deliveries on the exact lane behind the estimate. */
  sampleSize: number;
  /** The stored delivery_promises row, when an order was named. */
  promiseId: string | null;
  basis: DeliveryEstimate['basis'];
}

/**
 * The delivery window for a parcel not yet sent: the merchant's processing and cut-off, the lane's
 * learned transit times (this merchant's deliveries only), the calendars at both ends. With an order id
 * it is also the order's promise, recorded in the same transaction as an order.updated event.
 */
export async function promiseDelivery(opts: {
  db: Db;
  merchantId: string;
  input: PromiseRequest;
  now: Date;
}): Promise<DeliveryPromise> {
  const { db, merchantId, input } = opts;
  const merchant = await findMerchant(db, merchantId);
  if (!merchant) throw new NotFoundError('Merchant', { id: merchantId });
  const settings = shippingSettings(merchant.settings);
  const givenOrigin = input.origin ?? merchantOrigin(merchant, settings);
  if (!givenOrigin) {
    throw new UnprocessableError(
      'origin_unknown',
      'Say where the parcel leaves from (origin), or set the merchant postal address or shipping origin.',
      { field: 'origin' },
    );
  }
  const origin = checkPlace(givenOrigin, 'origin');
  const destination = checkPlace(input.destination, 'destination');
  const order = input.orderId ? await findOrder(db, merchantId, input.orderId) : undefined;
  if (input.orderId && !order) throw new NotFoundError('Order', { id: input.orderId });

  const parts = laneParts(origin, destination, input.carrier);
  const lane = laneKey(parts);
  const levels = await loadLaneHistories(db, merchantId, widerLanes(parts));
  const processingDays = input.processingDays ?? settings.processingDays;
  const cutoff = input.cutoff ?? settings.cutoff;
  const orderedAt = input.orderedAt ?? order?.placed_at ?? opts.now;
  const estimate = estimateDelivery({
    orderedAt,
    timeZone: merchant.timezone,
    processingDays,
    cutoff,
    origin: calendarFor({ ...origin, weekdays: settings.workingDays }),
    destination: calendarFor({
      ...destination,
      weekdays: carrierDeliveryDays(input.carrier, settings.carrierDeliveryDays),
    }),
    history: levels[0]?.transitDays ?? [],
    lane,
    wider: levels.slice(1),
    rule: transitRule({
      carrier: input.carrier,
      service: input.service,
      international: isInternational(parts),
    }),
  });

  let promiseId: string | null = null;
  if (order) {
    promiseId = newId('dpr');
    const id = promiseId;
    await withTransaction(db, async (tx) => {
      const locked = await lockOrder(tx, merchantId, order.id);
      await insertDeliveryPromise(tx, {
        merchant_id: merchantId,
        id,
        order_id: order.id,
        shipment_id: null,
        earliest: estimate.earliest,
        likely: estimate.likely,
        latest: estimate.latest,
        confidence: estimate.confidence,
        method: estimate.method,
        lane,
        inputs: JSON.stringify({
          origin,
          destination,
          carrier: input.carrier ?? null,
          service: input.service ?? null,
          orderedAt: orderedAt.toISOString(),
          processingDays,
          cutoff,
          basis: estimate.basis,
        }),
      });
      await setOrderPromise(tx, merchantId, order.id, estimate);
      await appendEvents(tx, [
        orderEvent(locked, 'order.updated', {
          changed: ['promisedDelivery'],
          promisedDelivery: { earliest: estimate.earliest, likely: estimate.likely, latest: estimate.latest },
        }),
      ]);
    });
  }
  return {
    earliest: estimate.earliest,
    likely: estimate.likely,
    latest: estimate.latest,
    confidence: estimate.confidence,
    method: estimate.method,
    lane,
    sampleSize: estimate.basis.sampleSize,
    promiseId,
    basis: estimate.basis,
  };
}
