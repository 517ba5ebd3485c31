import type { DbOrTx } from '../../../db/pool.ts';
import type { OrderLineRow } from '../../orders/index.ts';

/**
 * Before a refund, the other sizes and colours of the same product that are in stock (unknown stock counts
 * as available): the simplest alternative that keeps the sale. Similar products from the category come with
 * the recommendation engine.
 */
export async function exchangeAlternatives(
  db: DbOrTx,
  merchantId: string,
  line: OrderLineRow,
): Promise<Array<{ id: string; label: string }>> {
  if (!line.product_id) return [];
  const rows = await db
    .selectFrom('variants')
    .select(['id', 'title', 'size', 'color', 'sku', 'inventory'])
    .where('merchant_id', '=', merchantId)
    .where('product_id', '=', line.product_id)
    .where((eb) => eb.or([eb('inventory', 'is', null), eb('inventory', '>', 0)]))
    .orderBy('id')
    .limit(50)
    .execute();
  return rows
    .filter((v) => v.id !== line.variant_id)
    .map((v) => ({
      id: v.id,
      label: v.title ?? ([v.size, v.color].filter(Boolean).join(' / ') || v.sku || v.id),
    }));
}
