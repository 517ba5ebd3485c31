import { type Selectable, sql } from 'kysely';
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

/**
 * Adds newly written orders to their customers' counters without re-reading every order they ever placed
 * (bulk imports: the recount grows with history, this does not).
 */
export async function countNewOrders(
  db: DbOrTx,
  merchantId: string,
  orders: Array<{ customerId: string; placedAt: Date }>,
): Promise<void> {
  const byCustomer = new Map<string, { customer_id: string; n: number; first_at: string; last_at: string }>();
  for (const o of orders) {
    const at = o.placedAt.toISOString();
    const c = byCustomer.get(o.customerId);
    if (!c) byCustomer.set(o.customerId, { customer_id: o.customerId, n: 1, first_at: at, last_at: at });
    else {
      c.n++;
      if (at < c.first_at) c.first_at = at;
      if (at > c.last_at) c.last_at = at;
    }
  }
  if (byCustomer.size === 0) return;
  await sql`
    UPDATE customers c SET
      orders_count = c.orders_count + d.n,
      first_order_at = LEAST(c.first_order_at, d.first_at),
      last_order_at = GREATEST(c.last_order_at, d.last_at),
      updated_at = now()
    FROM json_to_recordset(${JSON.stringify([...byCustomer.values()])}::json)
      AS d(customer_id text, n int, first_at timestamptz, last_at timestamptz)
    WHERE c.merchant_id = ${merchantId} AND c.id = d.customer_id`.execute(db);
}

/** Recomputes order counters from the orders themselves (idempotent, safe to run any number of times). */
export async function refreshCustomerStats(
  db: DbOrTx,
  merchantId: string,
  customerIds: string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  await sql`
    UPDATE customers c SET orders_count = coalesce(s.n, 0), first_order_at = s.first_at, last_order_at = s.last_at, updated_at = now()
    FROM (SELECT id FROM unnest(${customerIds}::text[]) AS id) wanted
    LEFT JOIN (SELECT customer_id, count(*)::int AS n, min(placed_at) AS first_at, max(placed_at) AS last_at
               FROM orders WHERE merchant_id = ${merchantId} AND customer_id = ANY(${customerIds}::text[]) AND status <> 'cancelled'
               GROUP BY customer_id) s ON s.customer_id = wanted.id
    WHERE c.merchant_id = ${merchantId} AND c.id = wanted.id`.execute(db);
}
