import type { DbOrTx } from '../../db/pool.ts';
import { type CustomerFacts, type Resolved, resolveCustomers } from './resolve-customers.ts';

export type { CustomerFacts };

/**
 * Finds or creates the one customer behind an order (see resolveCustomers). Returns null when the order
 * carries nothing to identify anyone (a guest till sale).
 */
export async function resolveCustomer(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  channel: string;
  facts: CustomerFacts;
}): Promise<Resolved | null> {
  const [resolved] = await resolveCustomers({ ...opts, facts: [opts.facts] });
  return resolved ?? null;
}
