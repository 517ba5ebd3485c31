import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { addIdentity, type CustomerRow, enrichCustomer, insertCustomer, matchCustomer } from './repo.ts';

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

/**
 * Finds or creates the one customer behind an order, whatever channel it came through (web shop, store,
 * marketplace, app): matched by the channel's customer id, then email, then phone. Email and phone must
 * already be normalised. Returns null when the order carries nothing to identify anyone (a guest till sale).
 */
export async function resolveCustomer(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  channel: string;
  facts: CustomerFacts;
}): Promise<{ customer: CustomerRow; created: boolean } | null> {
  const f = opts.facts;
  const externalId = f.externalId ?? null;
  const email = f.email ?? null;
  const phone = f.phone ?? null;
  if (!externalId && !email && !phone) return null;
  const key = { merchantId: opts.merchantId, source: opts.source, externalId, email, phone };
  let customer = await matchCustomer(opts.tx, key);
  let created = false;
  if (!customer) {
    customer = await insertCustomer(opts.tx, {
      merchant_id: opts.merchantId,
      id: newId('cus'),
      email,
      phone,
      first_name: f.firstName ?? null,
      last_name: f.lastName ?? null,
      locale: f.locale ?? null,
      timezone: null,
      accepts_marketing: f.acceptsMarketing ?? false,
      first_order_at: null,
      last_order_at: null,
    });
    created = customer !== undefined;
    // Lost a race with a concurrent order for the same person: theirs is the customer.
    customer ??= await matchCustomer(opts.tx, key);
    if (!customer) throw new Error('customer vanished between insert and lookup');
  } else {
    await enrichCustomer(opts.tx, opts.merchantId, customer.id, {
      email,
      phone,
      firstName: f.firstName ?? null,
      lastName: f.lastName ?? null,
      locale: f.locale ?? null,
      acceptsMarketing: f.acceptsMarketing ?? null,
    });
  }
  if (externalId) {
    await addIdentity(opts.tx, {
      merchantId: opts.merchantId,
      source: opts.source,
      externalId,
      customerId: customer.id,
      channel: opts.channel,
    });
  }
  return { customer, created };
}
