import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { MessagesTable } from '../../db/schema.ts';

export type MessageRow = Selectable<MessagesTable>;

export async function insertMessage(
  db: DbOrTx,
  row: Insertable<MessagesTable>,
): Promise<MessageRow | undefined> {
  return db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['merchant_id', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findMessage(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findMessageByKey(
  db: DbOrTx,
  merchantId: string,
  key: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function lockMessage(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Marks a queued (or interrupted `sending`) message as `sending` and returns it, in one atomic statement;
 * null when it is no longer ours to send (already sent, suppressed, failed).
 */
export async function claimMessage(db: DbOrTx, merchantId: string, id: string): Promise<MessageRow | null> {
  const { rows } = await sql<MessageRow>`
    UPDATE messages SET status = 'sending', attempts = attempts + 1, updated_at = now()
    WHERE merchant_id = ${merchantId} AND id = ${id} AND status IN ('queued', 'sending')
    RETURNING *`.execute(db);
  return rows[0] ?? null;
}

/** Records the provider's acceptance and the 'sent' event in one statement. */
export async function markSent(
  db: DbOrTx,
  s: {
    merchantId: string;
    messageId: string;
    provider: string;
    providerId: string;
    subject: string | null;
    templateVersion: number;
    warnings: string[];
  },
): Promise<void> {
  await sql`
    WITH sent AS (
      UPDATE messages SET status = 'sent', status_reason = NULL, provider = ${s.provider}, provider_id = ${s.providerId},
        sent_at = now(), subject = ${s.subject}, template_version = ${s.templateVersion},
        warnings = ${JSON.stringify(s.warnings)}::jsonb, updated_at = now()
      WHERE merchant_id = ${s.merchantId} AND id = ${s.messageId}
      RETURNING merchant_id, id
    )
    INSERT INTO message_events (merchant_id, message_id, type, detail)
    SELECT merchant_id, id, 'sent', ${JSON.stringify({ provider: s.provider })}::jsonb FROM sent`.execute(db);
}

export async function findMessageByProviderId(
  db: DbOrTx,
  provider: string,
  providerId: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_id', '=', providerId)
    .executeTakeFirst();
}

export async function updateMessage(
  db: DbOrTx,
  merchantId: string,
  id: string,
  changes: Updateable<MessagesTable>,
): Promise<void> {
  await db
    .updateTable('messages')
    .set({ ...changes, updated_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .execute();
}

export async function addMessageEvent(
  db: DbOrTx,
  e: { merchantId: string; messageId: string; type: string; detail?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await db
    .insertInto('message_events')
    .values({
      merchant_id: e.merchantId,
      message_id: e.messageId,
      type: e.type,
      detail: JSON.stringify(e.detail ?? {}),
      occurred_at: e.at ?? new Date(),
    })
    .execute();
}

/** Marketing messages a customer was sent (or will be) since `since`: the frequency cap counts these. */
export async function countRecentMarketing(
  db: DbOrTx,
  merchantId: string,
  customerId: string,
  since: Date,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM messages
    WHERE merchant_id = ${merchantId} AND customer_id = ${customerId} AND category = 'marketing'
      AND status IN ('queued', 'sending', 'sent', 'delivered') AND send_after >= ${since}`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function listMessages(
  db: DbOrTx,
  f: { merchantId: string; orderId?: string; customerId?: string; status?: string; limit: number },
): Promise<MessageRow[]> {
  let q = db.selectFrom('messages').selectAll().where('merchant_id', '=', f.merchantId);
  if (f.orderId) q = q.where('order_id', '=', f.orderId);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.status) q = q.where('status', '=', f.status);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

export async function isSuppressed(
  db: DbOrTx,
  merchantId: string,
  channel: string,
  address: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('suppressions')
    .select('reason')
    .where('merchant_id', '=', merchantId)
    .where('channel', '=', channel)
    .where('address', '=', address.toLowerCase())
    .executeTakeFirst();
  return row?.reason ?? null;
}

export async function suppress(
  db: DbOrTx,
  s: { merchantId: string; channel: string; address: string; reason: string },
): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({
      merchant_id: s.merchantId,
      channel: s.channel,
      address: s.address.toLowerCase(),
      reason: s.reason,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'channel', 'address']).doUpdateSet({ reason: s.reason }))
    .execute();
}

/** The customer's marketing consent on a channel: an explicit choice, else (email) what the shop reported. */
export async function marketingConsent(
  db: DbOrTx,
  merchantId: string,
  customerId: string,
  channel: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('customers as c')
    .leftJoin('consents as k', (j) =>
      j
        .onRef('k.merchant_id', '=', 'c.merchant_id')
        .onRef('k.customer_id', '=', 'c.id')
        .on('k.channel', '=', channel),
    )
    .select(['c.accepts_marketing', 'k.granted'])
    .where('c.merchant_id', '=', merchantId)
    .where('c.id', '=', customerId)
    .executeTakeFirst();
  if (!row) return false;
  if (row.granted !== null) return row.granted;
  return channel === 'email' ? row.accepts_marketing : false;
}

export async function setConsent(
  db: DbOrTx,
  c: { merchantId: string; customerId: string; channel: string; granted: boolean; source: string },
): Promise<void> {
  await db
    .insertInto('consents')
    .values({
      merchant_id: c.merchantId,
      customer_id: c.customerId,
      channel: c.channel,
      granted: c.granted,
      source: c.source,
    })
    .onConflict((oc) =>
      oc
        .columns(['merchant_id', 'customer_id', 'channel'])
        .doUpdateSet({ granted: c.granted, source: c.source, updated_at: new Date() }),
    )
    .execute();
}
