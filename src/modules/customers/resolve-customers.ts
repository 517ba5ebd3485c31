import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import type { CustomerRow } from './repo.ts';

export interface CustomerFacts {
  /** The channel's own id for this customer (Shopify customer id, loyalty card number), if any. */
  externalId?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  locale?: string | null;
  acceptsMarketing?: boolean | null;
}

export interface Resolved {
  customer: CustomerRow;
  created: boolean;
}

interface Candidates {
  byExternal: Map<string, CustomerRow>;
  byEmail: Map<string, CustomerRow>;
  byPhone: Map<string, CustomerRow>;
}

/**
 * Finds or creates the one customer behind each of many orders, whatever channel they came through (web
 * shop, store, marketplace, app): matched by the channel's customer id, then email, then phone (email and
 * phone already normalised). Set-based: a constant number of statements for any number of orders.
 * Facts with nothing to identify anyone (a guest till sale) give null.
 */
export async function resolveCustomers(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  channel: string | ((index: number) => string);
  facts: CustomerFacts[];
  /** Row timestamps for new customers (historical imports); defaults to now. */
  createdAt?: (index: number) => Date;
}): Promise<Array<Resolved | null>> {
  const { tx, merchantId, source, facts } = opts;
  const channelOf = (i: number) => (typeof opts.channel === 'function' ? opts.channel(i) : opts.channel);
  let found = await findCandidates(tx, merchantId, source, facts);
  const match = (f: CustomerFacts, c: Candidates) =>
    (f.externalId && c.byExternal.get(f.externalId)) ||
    (f.email && c.byEmail.get(f.email)) ||
    (f.phone && c.byPhone.get(f.phone)) ||
    undefined;

  // New customers, one per person even when the same person is on several orders of the batch.
  const fresh = new Map<string, Record<string, unknown>>();
  const keyOf = (f: CustomerFacts) =>
    f.email ? `e:${f.email}` : f.phone ? `p:${f.phone}` : `x:${f.externalId}`;
  facts.forEach((f, i) => {
    if (!(f.externalId || f.email || f.phone) || match(f, found) || fresh.has(keyOf(f))) return;
    fresh.set(keyOf(f), {
      merchant_id: merchantId,
      id: newId('cus', opts.createdAt?.(i).getTime()),
      email: f.email ?? null,
      phone: f.phone ?? null,
      first_name: f.firstName ?? null,
      last_name: f.lastName ?? null,
      locale: f.locale ?? null,
      accepts_marketing: f.acceptsMarketing ?? false,
    });
  });
  const createdIds = new Set<string>();
  if (fresh.size > 0) {
    // A concurrent order may insert the same email or phone first: then theirs is the customer.
    const { rows } = await sql<CustomerRow>`
      INSERT INTO customers (merchant_id, id, email, phone, first_name, last_name, locale, accepts_marketing)
      SELECT merchant_id, id, email, phone, first_name, last_name, locale, accepts_marketing
      FROM json_populate_recordset(null::customers, ${JSON.stringify([...fresh.values()])}::json)
      ON CONFLICT DO NOTHING
      RETURNING *`.execute(tx);
    for (const r of rows) createdIds.add(r.id);
    found = mergeCandidates(found, rows);
    // Customers known only by a channel id (a loyalty card, an imported CustomerID) are found by that id.
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [key, row] of fresh) {
      const created = byId.get(row.id as string);
      if (created && key.startsWith('x:')) found.byExternal.set(key.slice(2), created);
    }
    if (createdIds.size < fresh.size)
      found = mergeCandidates(found, [], await findCandidates(tx, merchantId, source, facts));
  }

  const resolved = facts.map((f) => {
    const customer = match(f, found);
    return customer ? { customer, created: createdIds.has(customer.id) } : null;
  });
  await linkIdentities(tx, merchantId, source, facts, resolved, channelOf);
  await enrich(tx, merchantId, facts, resolved, createdIds);
  return resolved;
}

/** One indexed lookup per key kind (identity, email, phone); an OR across them would scan the table. */
async function findCandidates(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  facts: CustomerFacts[],
): Promise<Candidates> {
  const ext = [...new Set(facts.map((f) => f.externalId).filter((x): x is string => Boolean(x)))];
  const emails = [...new Set(facts.map((f) => f.email).filter((x): x is string => Boolean(x)))];
  const phones = [...new Set(facts.map((f) => f.phone).filter((x): x is string => Boolean(x)))];
  const c: Candidates = { byExternal: new Map(), byEmail: new Map(), byPhone: new Map() };
  if (ext.length + emails.length + phones.length === 0) return c;
  const { rows } = await sql<CustomerRow & { kind: string; key: string }>`
    SELECT 'x' AS kind, ci.external_id AS key, c.* FROM customer_identities ci
      JOIN customers c ON c.merchant_id = ci.merchant_id AND c.id = ci.customer_id
      WHERE ci.merchant_id = ${merchantId} AND ci.source = ${source} AND ci.external_id = ANY(${ext}::text[])
    UNION ALL
    SELECT 'e', lower(c.email), c.* FROM customers c WHERE c.merchant_id = ${merchantId} AND lower(c.email) = ANY(${emails}::text[])
    UNION ALL
    SELECT 'p', c.phone, c.* FROM customers c WHERE c.merchant_id = ${merchantId} AND c.phone = ANY(${phones}::text[])`.execute(
    tx,
  );
  for (const { kind, key, ...row } of rows) {
    (kind === 'x' ? c.byExternal : kind === 'e' ? c.byEmail : c.byPhone).set(key, row as CustomerRow);
  }
  return c;
}

function mergeCandidates(c: Candidates, inserted: CustomerRow[], more?: Candidates): Candidates {
  for (const row of inserted) {
    if (row.email) c.byEmail.set(row.email, row);
    if (row.phone) c.byPhone.set(row.phone, row);
  }
  if (more) {
    for (const [k, v] of more.byExternal) c.byExternal.set(k, v);
    for (const [k, v] of more.byEmail) c.byEmail.set(k, v);
    for (const [k, v] of more.byPhone) c.byPhone.set(k, v);
  }
  return c;
}

async function linkIdentities(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  facts: CustomerFacts[],
  resolved: Array<Resolved | null>,
  channelOf: (i: number) => string,
) {
  const rows = new Map<string, Record<string, unknown>>();
  facts.forEach((f, i) => {
    const r = resolved[i];
    if (f.externalId && r && !rows.has(f.externalId)) {
      rows.set(f.externalId, {
        merchant_id: merchantId,
        source,
        external_id: f.externalId,
        customer_id: r.customer.id,
        channel: channelOf(i),
      });
    }
  });
  if (rows.size === 0) return;
  await sql`
    INSERT INTO customer_identities (merchant_id, source, external_id, customer_id, channel)
    SELECT merchant_id, source, external_id, customer_id, channel
    FROM json_populate_recordset(null::customer_identities, ${JSON.stringify([...rows.values()])}::json)
    ON CONFLICT DO NOTHING`.execute(tx);
}

/**
 * Fills in what we did not know about existing customers (a phone, a name, a newer locale, marketing
 * consent given); never overwrites a known name, email or phone with another, and never takes an email or
 * phone another customer already has.
 */
async function enrich(
  tx: DbOrTx,
  merchantId: string,
  facts: CustomerFacts[],
  resolved: Array<Resolved | null>,
  createdIds: Set<string>,
) {
  const updates = new Map<string, Record<string, unknown>>();
  facts.forEach((f, i) => {
    const c = resolved[i]?.customer;
    if (!c || createdIds.has(c.id)) return;
    const u = {
      id: c.id,
      email: !c.email && f.email ? f.email : null,
      phone: !c.phone && f.phone ? f.phone : null,
      first_name: !c.first_name && f.firstName ? f.firstName : null,
      last_name: !c.last_name && f.lastName ? f.lastName : null,
      locale: f.locale && f.locale !== c.locale ? f.locale : null,
      accepts_marketing: !c.accepts_marketing && f.acceptsMarketing ? true : null,
    };
    if (Object.entries(u).some(([k, v]) => k !== 'id' && v !== null)) updates.set(c.id, u);
  });
  if (updates.size === 0) return;
  // Each column is guarded on its own: an email or phone another customer already has is not taken,
  // but the name, locale and consent from the same order still are.
  await sql`
    UPDATE customers c SET
      email = CASE WHEN c.email IS NULL AND NOT EXISTS (SELECT 1 FROM customers o
                WHERE o.merchant_id = c.merchant_id AND o.id <> c.id AND lower(o.email) = u.email)
              THEN u.email ELSE c.email END,
      phone = CASE WHEN c.phone IS NULL AND NOT EXISTS (SELECT 1 FROM customers o
                WHERE o.merchant_id = c.merchant_id AND o.id <> c.id AND o.phone = u.phone)
              THEN u.phone ELSE c.phone END,
      first_name = COALESCE(c.first_name, u.first_name),
      last_name = COALESCE(c.last_name, u.last_name),
      locale = COALESCE(u.locale, c.locale),
      accepts_marketing = c.accepts_marketing OR COALESCE(u.accepts_marketing, false),
      updated_at = now()
    FROM json_populate_recordset(null::customers, ${JSON.stringify([...updates.values()])}::json) u
    WHERE c.merchant_id = ${merchantId} AND c.id = u.id`.execute(tx);
}
