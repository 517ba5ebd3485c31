import { type Insertable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { DeliveryPromisesTable, PostalAddress } from '../../db/schema.ts';
import type { LaneHistory } from './estimate.ts';
import { type LaneParts, laneKey } from './lane.ts';

/** The newest deliveries of a lane that its history keeps: recent enough to follow a carrier's pace. */
export const HISTORY_LIMIT = 500;
/**
 * A lane with this many deliveries leaves under 3% of the weight to wider lanes (priorWeight 5), so those
 * are not queried: the wider queries cannot use the lane index and scan the merchant's deliveries.
 */
const ENOUGH_HISTORY = 200;

/** 'BR-SP' matches itself only; 'BR' (a widened end) matches 'BR' and every 'BR-xx'. */
function endPattern(code: string): string {
  return code.includes('-') ? code : `${code}(-[A-Z0-9]+)?`;
}

/**
 * Transit days of a lane's newest deliveries, then of its wider lanes while the narrower ones are thin
 * (`levels` narrowest first, as widerLanes gives them). A lane without carrier matches every carrier.
 */
export async function loadLaneHistories(
  db: DbOrTx,
  merchantId: string,
  levels: readonly LaneParts[],
  limit = HISTORY_LIMIT,
): Promise<LaneHistory[]> {
  const out: LaneHistory[] = [];
  for (const level of levels) {
    const lane = laneKey(level);
    const exact = !!level.carrier && level.origin.includes('-') && level.destination.includes('-');
    // Lane codes are [A-Z0-9-] and carrier slugs [a-z0-9_] (lane.ts), so they need no regex escaping.
    const match = exact
      ? sql`lane = ${lane}`
      : sql`lane ~ ${`^${endPattern(level.origin)}>${endPattern(level.destination)}:${level.carrier ?? '.+'}$`}`;
    const { rows } = await sql<{ transit_days: number }>`
      SELECT transit_days FROM shipments
      WHERE merchant_id = ${merchantId} AND transit_days IS NOT NULL AND ${match}
      ORDER BY delivered_at DESC
      LIMIT ${limit}`.execute(db);
    out.push({ lane, transitDays: rows.map((r) => r.transit_days) });
    if (rows.length >= ENOUGH_HISTORY) break;
  }
  return out;
}

export async function insertDeliveryPromise(
  db: DbOrTx,
  row: Insertable<DeliveryPromisesTable>,
): Promise<void> {
  await db.insertInto('delivery_promises').values(row).execute();
}

/** The promise shown at checkout, kept on the order (later re-estimates go on the shipment). */
export async function setOrderPromise(
  db: DbOrTx,
  merchantId: string,
  orderId: string,
  window: { earliest: string; likely: string; latest: string },
): Promise<void> {
  await sql`
    UPDATE orders
    SET promised_earliest = ${window.earliest}, promised_likely = ${window.likely},
        promised_latest = ${window.latest}, updated_at = now()
    WHERE merchant_id = ${merchantId} AND id = ${orderId}`.execute(db);
}

export interface ShipmentForOutcome {
  id: string;
  order_id: string;
  carrier: string | null;
  lane: string | null;
  shipped_at: Date | null;
  shipping_address: PostalAddress | null;
  promised_latest: string | null;
}

/** A shipment with what its delivery is measured against: where it went and the order's promise. */
export async function findShipmentForOutcome(
  db: DbOrTx,
  merchantId: string,
  shipmentId: string,
): Promise<ShipmentForOutcome | undefined> {
  const { rows } = await sql<ShipmentForOutcome>`
    SELECT s.id, s.order_id, s.carrier, s.lane, s.shipped_at, o.shipping_address, o.promised_latest
    FROM shipments s
    JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
    WHERE s.merchant_id = ${merchantId} AND s.id = ${shipmentId}`.execute(db);
  return rows[0];
}

export async function writeDeliveryOutcome(
  db: DbOrTx,
  merchantId: string,
  shipmentId: string,
  outcome: {
    lane: string | null;
    /** Null keeps what the shipment says. */
    international: boolean | null;
    transitDays: number | null;
    promiseKept: boolean | null;
    daysVsPromise: number | null;
  },
): Promise<void> {
  await sql`
    UPDATE shipments
    SET lane = ${outcome.lane}, international = coalesce(${outcome.international}::boolean, international),
        transit_days = ${outcome.transitDays}, promise_kept = ${outcome.promiseKept},
        days_vs_promise = ${outcome.daysVsPromise}, updated_at = now()
    WHERE merchant_id = ${merchantId} AND id = ${shipmentId}`.execute(db);
}
