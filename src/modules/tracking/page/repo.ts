import { type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../../db/pool.ts';
import type { TrackingEventsTable } from '../../../db/schema.ts';
import { findMerchant, type MerchantRow } from '../../merchants/index.ts';
import { findOrder, listLines, type OrderLineRow, type OrderRow } from '../../orders/index.ts';
import { listShipmentLines, listShipmentsOfOrders, type ShipmentRow } from '../../shipments/index.ts';
import { listTrackingEvents } from '../repo.ts';

/**
 * The reads behind the public tracking page. Orders, lines and shipments come through their modules'
 * index; the two queries written here (the customer's time zone and the lookup by number + email or postal
 * code) have no equivalent there and only read. Every query is scoped by merchant_id.
 */

export type TrackingEventRow = Selectable<TrackingEventsTable>;

/** What decides whether a rendered page is still current: the order and its shipments as they are now. */
export interface OrderHead {
  merchant: MerchantRow;
  order: OrderRow;
  shipments: ShipmentRow[];
}

export interface OrderDetail {
  lines: OrderLineRow[];
  shipmentLines: Array<{ shipment_id: string; order_line_id: string; quantity: number }>;
  events: TrackingEventRow[];
  customerTimeZone: string | null;
}

export async function loadOrderHead(
  db: DbOrTx,
  merchantId: string,
  orderId: string,
): Promise<OrderHead | undefined> {
  const [merchant, order] = await Promise.all([
    findMerchant(db, merchantId),
    findOrder(db, merchantId, orderId),
  ]);
  if (!merchant || !order) return undefined;
  const shipments = await listShipmentsOfOrders(db, merchantId, [orderId]);
  return { merchant, order, shipments };
}

/** The rest of the page: only read when the cached render is stale. */
export async function loadOrderDetail(db: DbOrTx, head: OrderHead): Promise<OrderDetail> {
  const merchantId = head.merchant.id;
  const ids = head.shipments.map((s) => s.id);
  const [lines, shipmentLines, events, customer] = await Promise.all([
    listLines(db, merchantId, [head.order.id]),
    listShipmentLines(db, merchantId, ids),
    listTrackingEvents(db, merchantId, ids),
    head.order.customer_id
      ? db
          .selectFrom('customers')
          .select('timezone')
          .where('merchant_id', '=', merchantId)
          .where('id', '=', head.order.customer_id)
          .executeTakeFirst()
      : undefined,
  ]);
  return { lines, shipmentLines, events, customerTimeZone: customer?.timezone ?? null };
}

/** How a customer may prove an order is theirs: the email used at checkout, or the delivery postal code. */
export type LookupProof = { email: string } | { postalCode: string };

/**
 * The order with this number whose email (on the order or its customer) or shipping postal code matches,
 * in one statement, so a wrong email costs the same as an unknown number. Numbers match with or without a
 * leading '#'; postal codes ignore spaces, dashes and case ("01310-100" = "01310100", "sw1a 1aa" = "SW1A1AA").
 */
export async function findOrderForLookup(
  db: DbOrTx,
  merchantId: string,
  number: string,
  proof: LookupProof,
): Promise<{ id: string } | undefined> {
  const bare = number.trim().replace(/^#+/, '');
  const numbers = [...new Set([number.trim(), bare, `#${bare}`])];
  const email = 'email' in proof ? proof.email.trim().toLowerCase() : null;
  const postal = 'postalCode' in proof ? normalizePostalCode(proof.postalCode) : null;
  const { rows } = await sql<{ id: string }>`
    SELECT o.id
    FROM orders o
    LEFT JOIN customers c ON c.merchant_id = o.merchant_id AND c.id = o.customer_id
    WHERE o.merchant_id = ${merchantId}
      AND o.number = ANY(${numbers}::text[])
      AND (
        (${email}::text IS NOT NULL AND (lower(o.email) = ${email}::text OR lower(c.email) = ${email}::text))
        OR (${postal}::text IS NOT NULL
            AND upper(regexp_replace(o.shipping_address->>'postalCode', '[^A-Za-z0-9]', '', 'g')) = ${postal}::text)
      )
    ORDER BY o.placed_at DESC
    LIMIT 1`.execute(db);
  return rows[0];
}

export function normalizePostalCode(value: string): string {
  return value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

export async function findMerchantBySlug(db: DbOrTx, slug: string): Promise<MerchantRow | undefined> {
  return db.selectFrom('merchants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** The merchant that lists `host` among its tracking domains (merchants.settings.tracking.domains). */
export async function findMerchantByDomain(db: DbOrTx, host: string): Promise<MerchantRow | undefined> {
  return db
    .selectFrom('merchants')
    .selectAll()
    .where(sql<boolean>`settings->'tracking'->'domains' @> to_jsonb(${host}::text)`)
    .orderBy('created_at')
    .executeTakeFirst();
}

/** The only merchant of a single-store install, or undefined when there are none or several. */
export async function findSoleMerchant(db: DbOrTx): Promise<MerchantRow | undefined> {
  const rows = await db.selectFrom('merchants').selectAll().limit(2).execute();
  return rows.length === 1 ? rows[0] : undefined;
}

/** What a cached page's freshness and language depend on, read in one round trip. */
export interface PageVersion {
  orderLocale: string;
  merchantLocale: string;
  merchantTimeZone: string;
  /** Changes whenever the order, any of its shipments (every scan touches one) or the brand changes. */
  version: string;
}

export async function loadPageVersion(
  db: DbOrTx,
  merchantId: string,
  orderId: string,
): Promise<PageVersion | undefined> {
  const { rows } = await sql<PageVersion>`
    SELECT o.locale AS "orderLocale", m.locale AS "merchantLocale", m.timezone AS "merchantTimeZone",
           concat_ws('|', (extract(epoch FROM o.updated_at) * 1e6)::bigint, (extract(epoch FROM m.updated_at) * 1e6)::bigint,
             (SELECT string_agg(s.id || '@' || (extract(epoch FROM s.updated_at) * 1e6)::bigint, ',' ORDER BY s.id)
              FROM shipments s WHERE s.merchant_id = o.merchant_id AND s.order_id = o.id)) AS version
    FROM orders o
    JOIN merchants m ON m.id = o.merchant_id
    WHERE o.merchant_id = ${merchantId} AND o.id = ${orderId}`.execute(db);
  return rows[0];
}
