import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type {
  ReturnLinesTable,
  ReturnPhotosTable,
  ReturnsTable,
  ReturnTransitionsTable,
} from '../../db/schema.ts';

/** The returns module's SQL. Every statement is scoped by merchant_id. */

export type ReturnRow = Selectable<ReturnsTable>;
export type ReturnLineRow = Selectable<ReturnLinesTable>;
export type ReturnTransitionRow = Selectable<ReturnTransitionsTable>;
export type ReturnPhotoMeta = Omit<Selectable<ReturnPhotosTable>, 'data'>;

export async function insertReturn(
  tx: DbOrTx,
  row: Insertable<ReturnsTable>,
  lines: Array<Insertable<ReturnLinesTable>>,
): Promise<void> {
  await tx.insertInto('returns').values(row).execute();
  if (lines.length > 0) await tx.insertInto('return_lines').values(lines).execute();
}

export async function findReturn(db: DbOrTx, merchantId: string, id: string): Promise<ReturnRow | undefined> {
  return db
    .selectFrom('returns')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findReturnForUpdate(
  tx: DbOrTx,
  merchantId: string,
  id: string,
): Promise<ReturnRow | undefined> {
  return tx
    .selectFrom('returns')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findReturnByRequestKey(
  db: DbOrTx,
  merchantId: string,
  requestKey: string,
): Promise<ReturnRow | undefined> {
  return db
    .selectFrom('returns')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('request_key', '=', requestKey)
    .executeTakeFirst();
}

export async function listReturnLines(
  db: DbOrTx,
  merchantId: string,
  returnIds: string[],
): Promise<ReturnLineRow[]> {
  if (returnIds.length === 0) return [];
  return db
    .selectFrom('return_lines')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('return_id', 'in', returnIds)
    .orderBy('id')
    .execute();
}

/** Returns this customer started in the last `days` days (the abuse limit counts them). */
export async function countRecentReturns(
  db: DbOrTx,
  merchantId: string,
  customerId: string,
  since: Date,
): Promise<number> {
  const row = await db
    .selectFrom('returns')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('merchant_id', '=', merchantId)
    .where('customer_id', '=', customerId)
    .where('created_at', '>=', since)
    .where('status', '!=', 'cancelled')
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function updateReturn(
  tx: DbOrTx,
  merchantId: string,
  id: string,
  changes: Updateable<ReturnsTable>,
): Promise<void> {
  await tx
    .updateTable('returns')
    .set({ ...changes, updated_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .execute();
}

export async function updateReturnLine(
  tx: DbOrTx,
  merchantId: string,
  id: string,
  changes: Updateable<ReturnLinesTable>,
): Promise<void> {
  await tx
    .updateTable('return_lines')
    .set(changes)
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .execute();
}

/** Appends a step to the audit trail; seq counts the return's steps from 1. */
export async function insertTransition(
  tx: DbOrTx,
  t: Omit<Insertable<ReturnTransitionsTable>, 'seq'>,
): Promise<void> {
  await sql`
    INSERT INTO return_transitions (merchant_id, return_id, seq, from_status, to_status, actor, note)
    SELECT ${t.merchant_id}, ${t.return_id}, coalesce(max(seq), 0) + 1, ${t.from_status}, ${t.to_status},
           ${t.actor}, ${t.note ?? null}
    FROM return_transitions
    WHERE merchant_id = ${t.merchant_id} AND return_id = ${t.return_id}`.execute(tx);
}

export async function listTransitions(
  db: DbOrTx,
  merchantId: string,
  returnId: string,
): Promise<ReturnTransitionRow[]> {
  return db
    .selectFrom('return_transitions')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('return_id', '=', returnId)
    .orderBy('seq')
    .execute();
}

export async function insertPhoto(tx: DbOrTx, row: Insertable<ReturnPhotosTable>): Promise<void> {
  await tx.insertInto('return_photos').values(row).execute();
}

export async function listPhotos(
  db: DbOrTx,
  merchantId: string,
  returnId: string,
): Promise<ReturnPhotoMeta[]> {
  return db
    .selectFrom('return_photos')
    .select([
      'merchant_id',
      'id',
      'return_id',
      'return_line_id',
      'content_type',
      'size_bytes',
      'sha256',
      'created_at',
    ])
    .where('merchant_id', '=', merchantId)
    .where('return_id', '=', returnId)
    .orderBy('id')
    .execute();
}

/** The staff queue: returns in the given statuses, oldest first, after a cursor. */
export async function listReturns(
  db: DbOrTx,
  merchantId: string,
  filter: { statuses?: string[]; orderId?: string; after?: { createdAt: string; id: string }; limit: number },
): Promise<ReturnRow[]> {
  let q = db.selectFrom('returns').selectAll().where('merchant_id', '=', merchantId);
  if (filter.statuses && filter.statuses.length > 0) q = q.where('status', 'in', filter.statuses);
  if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
  if (filter.after) {
    const { createdAt, id } = filter.after;
    q = q.where(sql<boolean>`(created_at, id) > (${createdAt}::timestamptz, ${id})`);
  }
  return q.orderBy('created_at').orderBy('id').limit(filter.limit).execute();
}
