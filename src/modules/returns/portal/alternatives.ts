import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/pool.ts';
import type { OrderLineRow } from '../../orders/index.ts';

export interface Alternative {
  id: string;
  label: string;
  /** Another size or colour of the same product (a variant exchange), or a similar product. */
  sameProduct: boolean;
}

/**
 * What to offer before a refund: the other sizes and colours of the same product, then products of the
 * same category, all in stock (unknown stock counts as available). Simple rules until the recommendation
 * engine plugs in here.
 */
export async function exchangeAlternatives(
  db: DbOrTx,
  merchantId: string,
  line: OrderLineRow,
): Promise<Alternative[]> {
  if (!line.product_id) return [];
  const { rows } = await sql<{ id: string; label: string; same: boolean }>`
    WITH own AS (
      SELECT id, category FROM products WHERE merchant_id = ${merchantId} AND id = ${line.product_id}
    )
    SELECT v.id,
           CASE WHEN p.id = own.id
                THEN coalesce(v.title, concat_ws(' / ', v.size, v.color), v.sku, v.id)
                ELSE concat(p.title, ' — ', coalesce(v.title, concat_ws(' / ', v.size, v.color), v.sku)) END AS label,
           p.id = own.id AS same
    FROM own
    JOIN products p ON p.merchant_id = ${merchantId}
                   AND (p.id = own.id OR (own.category IS NOT NULL AND p.category = own.category))
    JOIN variants v ON v.merchant_id = p.merchant_id AND v.product_id = p.id
    WHERE (v.inventory IS NULL OR v.inventory > 0)
      AND v.id IS DISTINCT FROM ${line.variant_id}
    ORDER BY (p.id = own.id) DESC, p.title, v.id
    LIMIT 30`.execute(db);
  return rows.map((r) => ({ id: r.id, label: r.label, sameProduct: r.same }));
}
