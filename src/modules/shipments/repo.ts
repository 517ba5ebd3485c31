import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { ShipmentLinesTable, ShipmentsTable } from '../../db/schema.ts';

export type ShipmentRow = Selectable<ShipmentsTable>;
export type ShipmentLineRow = Selectable<ShipmentLinesTable>;

export async function findShipment(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<ShipmentRow | undefined> {
  return db
    .selectFrom('shipments')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findShipmentBySourceForUpdate(
  db: DbOrTx,
  merchantId: string,
  source: string,
  externalId: string,
): Promise<ShipmentRow | undefined> {
  return db
    .selectFrom('shipments')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertShipment(db: DbOrTx, row: Insertable<ShipmentsTable>): Promise<ShipmentRow> {
  return db.insertInto('shipments').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateShipment(
  db: DbOrTx,
  merchantId: string,
  id: string,
  changes: Updateable<ShipmentsTable>,
): Promise<ShipmentRow> {
  return db
    .updateTable('shipments')
    .set({ ...changes, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertShipmentLines(db: DbOrTx, rows: Insertable<ShipmentLinesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('shipment_lines').values(rows).execute();
}

export async function listShipmentsOfOrders(
  db: DbOrTx,
  merchantId: string,
  orderIds: string[],
): Promise<ShipmentRow[]> {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('shipments')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('order_id', 'in', orderIds)
    .orderBy('created_at')
    .execute();
}

export async function listShipmentLines(
  db: DbOrTx,
  merchantId: string,
  shipmentIds: string[],
): Promise<ShipmentLineRow[]> {
  if (shipmentIds.length === 0) return [];
  return db
    .selectFrom('shipment_lines')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('shipment_id', 'in', shipmentIds)
    .execute();
}
