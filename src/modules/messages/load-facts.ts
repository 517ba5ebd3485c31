import { type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { ReturnsTable } from '../../db/schema.ts';
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
  /** The return a return message is about, with what the messages need from around it. */
  ret: ReturnFacts | null;
}

export interface ReturnFacts {
  row: Selectable<ReturnsTable>;
  lines: Array<{
    title: string;
    variant: string | null;
    quantity: number;
    unit_price_minor: number;
    inspection: string | null;
  }>;
  /** Every status it entered, oldest first, with the note given (a rejection's reason). */
  history: Array<{ to: string; note: string | null }>;
  /** The `return.resolved` event's payload: the one place a gift voucher's code exists in full. */
  resolved: { voucherCode?: string | null } | null;
  exchangeOrderNumber: string | null;
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
 * products' care tips, a voucher, a return — in ONE round trip. Sending is bound by round trips on small machines, and
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
    returnId?: string | null;
  },
): Promise<MessageFacts> {
  const returnId = r.returnId ?? null;
  const { rows } = await sql<
    Record<
      | Exclude<keyof MessageFacts, 'ret'>
      | 'ret'
      | 'ret_lines'
      | 'ret_history'
      | 'ret_resolved'
      | 'ret_exchange',
      unknown
    >
  >`
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
        FROM vouchers v WHERE v.merchant_id = ${r.merchantId} AND v.id = ${r.voucherId}) AS voucher,
      (SELECT row_to_json(rt) FROM returns rt WHERE rt.merchant_id = ${r.merchantId} AND rt.id = ${returnId}) AS ret,
      (SELECT coalesce(json_agg(json_build_object('title', ol.title,
              'variant', coalesce(ol.variant_title, nullif(concat_ws(' / ', ol.size, ol.color), '')),
              'quantity', rl.quantity, 'unit_price_minor', rl.unit_price_minor, 'inspection', rl.inspection) ORDER BY ol.position, rl.id), '[]')
        FROM return_lines rl JOIN order_lines ol ON ol.merchant_id = rl.merchant_id AND ol.id = rl.order_line_id
        WHERE rl.merchant_id = ${r.merchantId} AND rl.return_id = ${returnId}) AS ret_lines,
      (SELECT coalesce(json_agg(json_build_object('to', tr.to_status, 'note', tr.note) ORDER BY tr.seq), '[]')
        FROM return_transitions tr WHERE tr.merchant_id = ${r.merchantId} AND tr.return_id = ${returnId}) AS ret_history,
      (SELECT e.payload FROM events e WHERE e.merchant_id = ${r.merchantId} AND e.subject_id = ${returnId}
        AND e.type = 'return.resolved' ORDER BY e.seq DESC LIMIT 1) AS ret_resolved,
      (SELECT xo.number FROM orders xo JOIN returns xr ON xr.merchant_id = xo.merchant_id AND xr.exchange_order_id = xo.id
        WHERE xr.merchant_id = ${r.merchantId} AND xr.id = ${returnId}) AS ret_exchange`.execute(db);
  const row = rows[0]!;
  return {
    merchant: revive<MerchantRow>(row.merchant),
    customer: revive<CustomerRow>(row.customer),
    order: revive<OrderRow>(row.order),
    lines: ((row.lines as unknown[]) ?? []).map((l) => revive<OrderLineRow>(l)!),
    shipment: revive<ShipmentRow>(row.shipment),
    care: (row.care as MessageFacts['care']) ?? [],
    voucher: revive<NonNullable<MessageFacts['voucher']>>(row.voucher),
    ret: row.ret
      ? {
          row: revive<Selectable<ReturnsTable>>(row.ret)!,
          lines: row.ret_lines as ReturnFacts['lines'],
          history: row.ret_history as ReturnFacts['history'],
          resolved: (row.ret_resolved as ReturnFacts['resolved']) ?? null,
          exchangeOrderNumber: (row.ret_exchange as string | null) ?? null,
        }
      : null,
  };
}
