import { type Insertable, type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { CustomersTable } from '../../db/schema.ts';

export type CustomerRow = Selectable<CustomersTable>;

export async function findCustomer(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The customer a new order belongs to: first by the channel's own customer id, then by email, then by
 * phone. One query; the CASE orders the candidates by how sure the match is.
 */
export async function matchCustomer(
  db: DbOrTx,
  m: {
    merchantId: string;
    source: string;
    externalId: string | null;
    email: string | null;
    phone: string | null;
  },
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers as c')
    .selectAll('c')
    .where('c.merchant_id', '=', m.merchantId)
    .where((eb) =>
      eb.or([
        m.externalId
          ? eb.exists(
              eb
                .selectFrom('customer_identities as ci')
                .select('ci.customer_id')
                .where('ci.merchant_id', '=', m.merchantId)
                .where('ci.source', '=', m.source)
                .where('ci.external_id', '=', m.externalId)
                .whereRef('ci.customer_id', '=', 'c.id'),
            )
          : eb.val(false),
        m.email ? eb(sql`lower(c.email)`, '=', m.email) : eb.val(false),
        m.phone ? eb('c.phone', '=', m.phone) : eb.val(false),
      ]),
    )
    .orderBy(sql`CASE WHEN lower(c.email) = ${m.email} THEN 1 WHEN c.phone = ${m.phone} THEN 2 ELSE 0 END`)
    .limit(1)
    .executeTakeFirst();
}

/** Inserts unless the email or phone was taken meanwhile (a concurrent order); returns the row if inserted. */
export async function insertCustomer(
  db: DbOrTx,
  row: Insertable<CustomersTable>,
): Promise<CustomerRow | undefined> {
  return db
    .insertInto('customers')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Fills in what we did not know yet; never overwrites a known name, email or phone with another. */
export async function enrichCustomer(
  db: DbOrTx,
  merchantId: string,
  id: string,
  facts: {
    email: string | null;
    phone: string | null;
    firstName: string | null;
    lastName: string | null;
    locale: string | null;
    acceptsMarketing: boolean | null;
  },
): Promise<void> {
  await sql`
    UPDATE customers SET
      email = COALESCE(email, ${facts.email}::text),
      phone = COALESCE(phone, ${facts.phone}::text),
      first_name = COALESCE(first_name, ${facts.firstName}::text),
      last_name = COALESCE(last_name, ${facts.lastName}::text),
      locale = COALESCE(${facts.locale}::text, locale),
      accepts_marketing = accepts_marketing OR COALESCE(${facts.acceptsMarketing}::boolean, false),
      updated_at = now()
    WHERE merchant_id = ${merchantId} AND id = ${id}
      AND (email IS NULL AND ${facts.email}::text IS NOT NULL
        OR phone IS NULL AND ${facts.phone}::text IS NOT NULL
        OR first_name IS NULL AND ${facts.firstName}::text IS NOT NULL
        OR last_name IS NULL AND ${facts.lastName}::text IS NOT NULL
        OR locale IS DISTINCT FROM COALESCE(${facts.locale}::text, locale)
        OR NOT accepts_marketing AND COALESCE(${facts.acceptsMarketing}::boolean, false))
      -- another customer may already own this email or phone: then leave both as they are
      AND NOT EXISTS (SELECT 1 FROM customers o WHERE o.merchant_id = ${merchantId} AND o.id <> ${id}
        AND (lower(o.email) = ${facts.email}::text OR o.phone = ${facts.phone}::text))`.execute(db);
}

export async function addIdentity(
  db: DbOrTx,
  row: { merchantId: string; source: string; externalId: string; customerId: string; channel: string },
): Promise<void> {
  await db
    .insertInto('customer_identities')
    .values({
      merchant_id: row.merchantId,
      source: row.source,
      external_id: row.externalId,
      customer_id: row.customerId,
      channel: row.channel,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function listIdentities(db: DbOrTx, merchantId: string, customerId: string) {
  return db
    .selectFrom('customer_identities')
    .select(['source', 'external_id', 'channel', 'created_at'])
    .where('merchant_id', '=', merchantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute();
}

export async function listCustomers(
  db: DbOrTx,
  opts: {
    merchantId: string;
    limit: number;
    after?: { sortValue: string; id: string };
    email?: string;
    phone?: string;
    updatedSince?: Date;
  },
): Promise<CustomerRow[]> {
  let q = db.selectFrom('customers').selectAll().where('merchant_id', '=', opts.merchantId);
  if (opts.email) q = q.where(sql`lower(email)`, '=', opts.email);
  if (opts.phone) q = q.where('phone', '=', opts.phone);
  if (opts.updatedSince) q = q.where('updated_at', '>=', opts.updatedSince);
  if (opts.after) {
    const { sortValue, id } = opts.after;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', new Date(sortValue)),
        eb.and([eb('created_at', '=', new Date(sortValue)), eb('id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

/** Recomputes the order counters from the orders themselves (idempotent, safe to run any number of times). */
export async function refreshCustomerStats(
  db: DbOrTx,
  merchantId: string,
  customerId: string,
): Promise<void> {
  await sql`
    UPDATE customers c SET
      orders_count = s.n, first_order_at = s.first_at, last_order_at = s.last_at, updated_at = now()
    FROM (SELECT count(*)::int AS n, min(placed_at) AS first_at, max(placed_at) AS last_at
          FROM orders WHERE merchant_id = ${merchantId} AND customer_id = ${customerId} AND status <> 'cancelled') s
    WHERE c.merchant_id = ${merchantId} AND c.id = ${customerId}`.execute(db);
}
