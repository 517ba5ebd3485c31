import type { DbOrTx } from '../../../db/pool.ts';
import { countNewOrders } from '../../customers/index.ts';
import { createOrders } from '../create-orders.ts';
import type { ImportOrder } from './types.ts';

/**
 * Writes a batch of imported orders in the caller's transaction through the shared set-based order writer,
 * then refreshes the order counters of the customers involved. Orders already present (same source and
 * external id) are skipped and returned as duplicates. Imports are history: they append no per-order
 * events, so no journey mails a customer about a purchase from 2010.
 */
export async function writeOrderBatch(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  defaultLocale: string;
  orders: ImportOrder[];
}): Promise<{ orders: number; lines: number; duplicates: ImportOrder[] }> {
  const { tx, merchantId, orders } = opts;
  const created = await createOrders({
    tx,
    merchantId,
    source: opts.source,
    defaultLocale: opts.defaultLocale,
    orders: orders.map((o) => ({ data: o.data, status: o.status })),
    events: false,
  });
  const duplicates = orders.filter((_, i) => !created[i]?.orderId);
  const lines = orders.reduce((sum, o, i) => sum + (created[i]?.orderId ? o.data.lines.length : 0), 0);
  await countNewOrders(
    tx,
    merchantId,
    orders.flatMap((o, i) => {
      const c = created[i];
      return c?.orderId && c.customerId && o.status !== 'cancelled'
        ? [{ customerId: c.customerId, placedAt: o.data.placedAt }]
        : [];
    }),
  );
  return { orders: orders.length - duplicates.length, lines, duplicates };
}
