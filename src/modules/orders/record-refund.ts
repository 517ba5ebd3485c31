import type { DbOrTx } from '../../db/pool.ts';
import { ConflictError, UnprocessableError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendEvents } from '../events/index.ts';
import { lockOrder, orderEvent } from './change-order.ts';
import { findRefundBySource, insertRefund, listLines, updateOrder } from './repo.ts';
import { type PaymentStatus, paymentLifecycle } from './status.ts';

const REFUNDABLE = new Set<PaymentStatus>(['partially_paid', 'paid', 'partially_refunded', 'refunded']);

export interface RefundInput {
  orderId: string;
  source: string;
  /** The refund's id at its source; the same refund reported twice is recorded once. */
  externalId: string;
  amount: number;
  reason: string | null;
  lines: Array<{ lineId: string; quantity: number }>;
  refundedAt: Date;
}

/**
 * Records money given back on an order, in the caller's transaction, and moves the payment to
 * partially_refunded or refunded. Never more than what was paid; the same refund twice is one refund.
 */
export async function recordRefund(opts: {
  tx: DbOrTx;
  merchantId: string;
  refund: RefundInput;
}): Promise<{ refundId: string; created: boolean }> {
  const { tx, merchantId, refund } = opts;
  const order = await lockOrder(tx, merchantId, refund.orderId);
  const remaining = order.total_minor - order.refunded_minor;
  const lines = await listLines(tx, merchantId, [order.id]);
  for (const l of refund.lines) {
    const line = lines.find((x) => x.id === l.lineId);
    if (!line)
      throw new UnprocessableError('unknown_line', `Line ${l.lineId} is not on this order.`, {
        lineId: l.lineId,
      });
    if (l.quantity > line.quantity) {
      throw new UnprocessableError('quantity_exceeds_line', `Line ${l.lineId} has only ${line.quantity}.`, l);
    }
  }
  const already = await findRefundBySource(tx, merchantId, refund.source, refund.externalId);
  if (already) return { refundId: already.id, created: false };
  if (refund.amount > remaining) {
    throw new UnprocessableError(
      'refund_exceeds_total',
      `Only ${remaining} (minor units) is left to refund.`,
      {
        requested: refund.amount,
        refundable: remaining,
      },
    );
  }
  const refunded = order.refunded_minor + refund.amount;
  const current = order.payment_status as PaymentStatus;
  if (!REFUNDABLE.has(current)) {
    throw new ConflictError('not_refundable', `An order whose payment is ${current} cannot be refunded.`, {
      paymentStatus: current,
    });
  }
  // A platform may have reported the order "refunded" before the refund itself arrived: the money is
  // still recorded, and the status only ever moves forward.
  const wanted: PaymentStatus = refunded >= order.total_minor ? 'refunded' : 'partially_refunded';
  const target = paymentLifecycle.can(current, wanted) ? wanted : current;
  // Every check above runs before the first write, so a refusal leaves the caller's transaction clean.
  const id = newId('rfd');
  await insertRefund(tx, {
    merchant_id: merchantId,
    id,
    order_id: order.id,
    source: refund.source,
    external_id: refund.externalId,
    amount_minor: refund.amount,
    currency: order.currency,
    reason: refund.reason,
    lines: JSON.stringify(refund.lines.map((l) => ({ orderLineId: l.lineId, quantity: l.quantity }))),
    refunded_at: refund.refundedAt,
  });
  await updateOrder(tx, merchantId, order.id, { refunded_minor: refunded, payment_status: target });
  await appendEvents(tx, [
    {
      ...orderEvent(order, 'order.refunded', {
        refundId: id,
        amount: refund.amount,
        refunded,
        reason: refund.reason,
      }),
      occurredAt: refund.refundedAt,
    },
  ]);
  return { refundId: id, created: true };
}
