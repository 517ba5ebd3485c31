import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { CustomerRow } from '../customers/index.ts';
import type { MerchantRow } from '../merchants/index.ts';
import type { OrderLineRow, OrderRow } from '../orders/index.ts';
import type { ShipmentRow } from '../shipments/index.ts';

export interface MessageFacts {
  merchant: MerchantRow | null;
  customer: CustomerRow | null;
  order: OrderRow | null;
  lines: OrderLineRow[];
  shipment: ShipmentRow | null;
  care: Array<{ title: string; tips: string }>;
  voucher: {
    code: string;
    percent_off: number | null;
    amount_minor: number | null;
    currency: string | null;
    expires_at: Date | null;
  } | null;
}

/** JSON hands timestamps back as text: turn every `*_at` field into a Date, as the row types promise. */
function revive<T>(row: unknown): T | null {
  if (!row || typeof row !== 'object') return null;
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out))
    if (k.endsWith('_at') && typeof v === 'string') out[k] = new Date(v);
  return out as T;
}

/**
 * Everything a message is rendered from — merchant, customer, order, lines, latest (or given) shipment, the
 * products' care tips, a voucher — in ONE round trip. Sending is bound by round trips on small machines, and
 * this replaced six.
 */
export async function loadMessageFacts(
  db: DbOrTx,
  r: {
    merchantId: string;
    customerId: string | null;
    orderId: string | null;
    shipmentId: string | null;
    voucherId: string | null;
  },
): Promise<MessageFacts> {
  const { rows } = await sql<Record<keyof MessageFacts, unknown>>`
    SELECT
      (SELECT row_to_json(m) FROM merchants m WHERE m.id = ${r.merchantId}) AS merchant,
      (SELECT row_to_json(c) FROM customers c WHERE c.merchant_id = ${r.merchantId} AND c.id = ${r.customerId}) AS customer,
      (SELECT row_to_json(o) FROM orders o WHERE o.merchant_id = ${r.merchantId} AND o.id = ${r.orderId}) AS "order",
      (SELECT coalesce(json_agg(l ORDER BY l.position), '[]') FROM order_lines l
        WHERE l.merchant_id = ${r.merchantId} AND l.order_id = ${r.orderId}) AS lines,
      (SELECT row_to_json(s) FROM shipments s
        WHERE s.merchant_id = ${r.merchantId}
          AND (s.id = ${r.shipmentId} OR (${r.shipmentId}::text IS NULL AND s.order_id = ${r.orderId}))
        ORDER BY s.created_at DESC LIMIT 1) AS shipment,
      (SELECT coalesce(json_agg(json_build_object('title', p.title, 'tips', p.care_tips) ORDER BY p.title), '[]')
        FROM products p WHERE p.merchant_id = ${r.merchantId} AND p.care_tips IS NOT NULL
          AND p.id IN (SELECT product_id FROM order_lines WHERE merchant_id = ${r.merchantId} AND order_id = ${r.orderId})) AS care,
      (SELECT json_build_object('code', v.code, 'percent_off', v.percent_off, 'amount_minor', v.amount_minor,
              'currency', v.currency, 'expires_at', v.expires_at)
        FROM vouchers v WHERE v.merchant_id = ${r.merchantId} AND v.id = ${r.voucherId}) AS voucher`.execute(
    db,
  );
  const row = rows[0]!;
  return {
    merchant: revive<MerchantRow>(row.merchant),
    customer: revive<CustomerRow>(row.customer),
    order: revive<OrderRow>(row.order),
    lines: ((row.lines as unknown[]) ?? []).map((l) => revive<OrderLineRow>(l)!),
    shipment: revive<ShipmentRow>(row.shipment),
    care: (row.care as MessageFacts['care']) ?? [],
    voucher: revive<NonNullable<MessageFacts['voucher']>>(row.voucher),
  };
}
