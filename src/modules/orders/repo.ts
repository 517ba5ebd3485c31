import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { OrderLinesTable, OrdersTable, RefundsTable } from '../../db/schema.ts';

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type RefundRow = Selectable<RefundsTable>;

export async function findOrder(db: DbOrTx, merchantId: string, id: string): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Locks the order row for the rest of the transaction, so concurrent updates to one order queue up. */
export async function findOrderForUpdate(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findOrderBySourceForUpdate(
  db: DbOrTx,
  merchantId: string,
  source: string,
  externalId: string,
): Promise<OrderRow | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateOrder(
  db: DbOrTx,
  merchantId: string,
  id: string,
  changes: Updateable<OrdersTable>,
): Promise<OrderRow> {
  return db
    .updateTable('orders')
    .set({ ...changes, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listLines(db: DbOrTx, merchantId: string, orderIds: string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('order_lines')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('position')
    .execute();
}

/** Writes an order's lines in one statement: new lines inserted, known ones (same id) updated. */
export async function upsertLines(db: DbOrTx, rows: Insertable<OrderLinesTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('order_lines')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['merchant_id', 'id']).doUpdateSet((eb) => ({
        position: eb.ref('excluded.position'),
        product_id: eb.ref('excluded.product_id'),
        variant_id: eb.ref('excluded.variant_id'),
        sku: eb.ref('excluded.sku'),
        title: eb.ref('excluded.title'),
        variant_title: eb.ref('excluded.variant_title'),
        brand: eb.ref('excluded.brand'),
        size: eb.ref('excluded.size'),
        color: eb.ref('excluded.color'),
        properties: eb.ref('excluded.properties'),
        quantity: eb.ref('excluded.quantity'),
        unit_price_minor: eb.ref('excluded.unit_price_minor'),
        discount_minor: eb.ref('excluded.discount_minor'),
        tax_minor: eb.ref('excluded.tax_minor'),
        tax_lines: eb.ref('excluded.tax_lines'),
        requires_shipping: eb.ref('excluded.requires_shipping'),
        image_url: eb.ref('excluded.image_url'),
      })),
    )
    .execute();
}

/** Removes lines an order edit took out, except lines already shipped (the shipment still names them). */
export async function deleteLinesExcept(
  db: DbOrTx,
  merchantId: string,
  orderId: string,
  keepIds: string[],
): Promise<void> {
  await sql`
    DELETE FROM order_lines l
    WHERE l.merchant_id = ${merchantId} AND l.order_id = ${orderId}
      AND NOT (l.id = ANY(${keepIds}::text[]))
      AND NOT EXISTS (SELECT 1 FROM shipment_lines s WHERE s.merchant_id = l.merchant_id AND s.order_line_id = l.id)`.execute(
    db,
  );
}

/** Temporarily moves line positions out of the way so a reordered edit does not collide on (order, position). */
export async function shiftLinePositions(db: DbOrTx, merchantId: string, orderId: string): Promise<void> {
  await sql`UPDATE order_lines SET position = -position - 1 WHERE merchant_id = ${merchantId} AND order_id = ${orderId}`.execute(
    db,
  );
}

/** Lines an edit removed but that already shipped keep existing; give them positions after the current lines. */
export async function renumberRemovedLines(db: DbOrTx, merchantId: string, orderId: string): Promise<void> {
  await sql`
    UPDATE order_lines l SET position = s.n + (SELECT coalesce(max(position), 0) FROM order_lines
                                              WHERE merchant_id = ${merchantId} AND order_id = ${orderId})
    FROM (SELECT id, row_number() OVER (ORDER BY position DESC) AS n FROM order_lines
          WHERE merchant_id = ${merchantId} AND order_id = ${orderId} AND position < 0) s
    WHERE l.merchant_id = ${merchantId} AND l.id = s.id`.execute(db);
}

export interface OrderListFilters {
  merchantId: string;
  limit: number;
  after?: { sortValue: string; id: string };
  status?: string;
  paymentStatus?: string;
  customerId?: string;
  email?: string;
  channel?: string;
  campaignTag?: string;
  number?: string;
  placedFrom?: Date;
  placedTo?: Date;
  updatedSince?: Date;
}

export async function listOrders(db: DbOrTx, f: OrderListFilters): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll().where('merchant_id', '=', f.merchantId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.paymentStatus) q = q.where('payment_status', '=', f.paymentStatus);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.email) q = q.where(sql`lower(email)`, '=', f.email.toLowerCase());
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.campaignTag) q = q.where(sql<boolean>`campaign_tags @> ARRAY[${f.campaignTag}]::text[]`);
  if (f.number) q = q.where('number', '=', f.number);
  if (f.placedFrom) q = q.where('placed_at', '>=', f.placedFrom);
  if (f.placedTo) q = q.where('placed_at', '<', f.placedTo);
  if (f.updatedSince) q = q.where('updated_at', '>=', f.updatedSince);
  if (f.after) {
    const at = new Date(f.after.sortValue);
    const id = f.after.id;
    q = q.where((eb) =>
      eb.or([eb('placed_at', '<', at), eb.and([eb('placed_at', '=', at), eb('id', '<', id)])]),
    );
  }
  return q.orderBy('placed_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

export async function insertRefund(db: DbOrTx, row: Insertable<RefundsTable>): Promise<RefundRow> {
  return db.insertInto('refunds').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findRefundBySource(
  db: DbOrTx,
  merchantId: string,
  source: string,
  externalId: string,
): Promise<RefundRow | undefined> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function listRefunds(db: DbOrTx, merchantId: string, orderId: string): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('order_id', '=', orderId)
    .orderBy('refunded_at')
    .execute();
}

/** Quantity shipped so far per order line (voided shipments do not count). */
export async function shippedQuantities(
  db: DbOrTx,
  merchantId: string,
  orderId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('shipment_lines as sl')
    .innerJoin('shipments as s', (j) =>
      j.onRef('s.merchant_id', '=', 'sl.merchant_id').onRef('s.id', '=', 'sl.shipment_id'),
    )
    .select(['sl.order_line_id', sql<number>`sum(sl.quantity)::int`.as('qty')])
    .where('sl.merchant_id', '=', merchantId)
    .where('s.order_id', '=', orderId)
    .where('s.status', '<>', 'cancelled')
    .groupBy('sl.order_line_id')
    .execute();
  return new Map(rows.map((r) => [r.order_line_id, r.qty]));
}
