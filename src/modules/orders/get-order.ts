import type { DbOrTx } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findOrder, listLines } from './repo.ts';
import type { OrderView } from './schemas.ts';
import { toOrderView } from './view.ts';

export async function getOrder(opts: {
  db: DbOrTx;
  merchantId: string;
  orderId: string;
}): Promise<OrderView> {
  const order = await findOrder(opts.db, opts.merchantId, opts.orderId);
  if (!order) throw new NotFoundError('Order', { id: opts.orderId });
  return toOrderView(order, await listLines(opts.db, opts.merchantId, [order.id]));
}
