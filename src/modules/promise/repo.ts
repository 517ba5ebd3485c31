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

/** Lane histories already read in a batch, by lane key. */
export type LaneHistoryCache = Map<string, Promise<LaneHistory>>;

/**
 * Transit days of a lane's newest deliveries, then of its wider lanes while the narrower ones are thin
 * (`levels` narrowest first, as widerLanes gives them). A lane without carrier matches every carrier.
 * A batch passes one `cache` for all its parcels: a lane they share is read once, and its array is the same
 * object each time, so estimate.ts sorts it once.
 */
export async function loadLaneHistories(
  db: DbOrTx,
  merchantId: string,
  levels: readonly LaneParts[],
  limit = HISTORY_LIMIT,
  cache?: LaneHistoryCache,
): Promise<LaneHistory[]> {
  const out: LaneHistory[] = [];
  for (const level of levels) {
    const key = laneKey(level);
    let history = cache?.get(key);
    if (!history) {
      history = loadLaneHistory(db, merchantId, level, limit);
      cache?.set(key, history);
    }
    const loaded = await history;
    out.push(loaded);
    if (loaded.transitDays.length >= ENOUGH_HISTORY) break;
  }
  return out;
}

async function loadLaneHistory(
  db: DbOrTx,
  merchantId: string,
  level: LaneParts,
  limit: number,
): Promise<LaneHistory> {
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
  return { lane, transitDays: rows.map((r) => r.transit_days) };
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

/** A shipment with what its delivery is estimated and measured by: where it went, when, and the promise. */
export interface ShipmentForPromise {
  id: string;
  carrier: string | null;
  service: string | null;
  lane: string | null;
  shipped_at: Date | null;
  shipping_address: PostalAddress | null;
  placed_at: Date;
  promised_latest: string | null;
}

export async function findShipmentsForPromise(
  db: DbOrTx,
  merchantId: string,
  shipmentIds: readonly string[],
): Promise<ShipmentForPromise[]> {
  if (shipmentIds.length === 0) return [];
  const { rows } = await sql<ShipmentForPromise>`
    SELECT s.id, s.carrier, s.service, s.lane, s.shipped_at,
           o.shipping_address, o.placed_at, o.promised_latest
    FROM shipments s
    JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
    WHERE s.merchant_id = ${merchantId} AND s.id = ANY(${shipmentIds}::text[])`.execute(db);
  return rows;
}

export interface DeliveryOutcomeRow {
  shipmentId: string;
  lane: string | null;
  /** Null keeps what the shipment says. */
  international: boolean | null;
  transitDays: number | null;
  promiseKept: boolean | null;
  daysVsPromise: number | null;
}

/** Writes the outcomes of many deliveries in one statement. */
export async function writeDeliveryOutcomes(
  db: DbOrTx,
  merchantId: string,
  outcomes: readonly DeliveryOutcomeRow[],
): Promise<void> {
  if (outcomes.length === 0) return;
  await sql`
    UPDATE shipments s
    SET lane = o."lane", international = coalesce(o."international", s.international),
        transit_days = o."transitDays", promise_kept = o."promiseKept",
        days_vs_promise = o."daysVsPromise", updated_at = now()
    FROM json_to_recordset(${JSON.stringify(outcomes)}::json) AS o(
      "shipmentId" text, "lane" text, "international" boolean, "transitDays" integer, "promiseKept" boolean,
      "daysVsPromise" integer)
    WHERE s.merchant_id = ${merchantId} AND s.id = o."shipmentId"`.execute(db);
}
