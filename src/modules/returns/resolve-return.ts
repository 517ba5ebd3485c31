import { type Db, type DbOrTx, withTransaction } from '../../db/pool.ts';
import { issueCredit, issueGiftVoucher } from '../credit/index.ts';
import { listLines, recordRefund } from '../orders/index.ts';
import { createExchangeOrder } from './exchange-order.ts';
import { type Actor, lockReturn, moveReturn } from './move-return.ts';
import { listReturnLines, type ReturnLineRow, type ReturnRow, updateReturn } from './repo.ts';
import type { Outcome } from './status.ts';

/**
 * Carries out what the customer chose, once the parcel is inspected (or at approval for returnless refunds
 * and "keep it"): money back on the order, credit in the ledger, or the exchange order. Lines inspected as
 * not eligible are left out; the restocking fee and any return shipping the policy charged are taken from
 * refunds, never from exchanges. Everything happens in one transaction with the move to `resolved`.
 */
export async function resolveReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  actor?: Actor;
}): Promise<ReturnRow> {
  return withTransaction(opts.db, async (tx) => {
    const ret = await lockReturn(tx, opts.merchantId, opts.returnId);
    return resolveInTransaction({ tx, ret, actor: opts.actor ?? 'staff' });
  });
}

export async function resolveInTransaction(opts: {
  tx: DbOrTx;
  ret: ReturnRow;
  actor: Actor;
}): Promise<ReturnRow> {
  const { tx, ret } = opts;
  const lines = await listReturnLines(tx, ret.merchant_id, [ret.id]);
  const kept = lines.filter((l) => l.inspection !== 'not_eligible');
  const gross = kept.reduce((sum, l) => sum + l.unit_price_minor * l.quantity, 0);
  const settled = await settle({ tx, ret, lines: kept, gross });
  return moveReturn({
    tx,
    ret,
    to: 'resolved',
    actor: opts.actor,
    changes: {
      outcome: settled.outcome,
      refunded_minor: settled.refundedMinor,
      credited_minor: settled.creditedMinor,
      exchange_order_id: settled.exchangeOrderId ?? ret.exchange_order_id,
      resolved_at: new Date(),
    },
    payload: {
      outcome: settled.outcome,
      refundedMinor: settled.refundedMinor,
      creditedMinor: settled.creditedMinor,
      exchangeOrderId: settled.exchangeOrderId,
      // The one time the voucher code exists in full (only its hash is stored): the message carries it.
      voucherCode: settled.voucherCode,
      currency: ret.currency,
    },
  });
}

interface Settlement {
  outcome: Outcome;
  refundedMinor: number;
  creditedMinor: number;
  exchangeOrderId?: string;
  voucherCode?: string | null;
}

async function settle(opts: {
  tx: DbOrTx;
  ret: ReturnRow;
  lines: ReturnLineRow[];
  gross: number;
}): Promise<Settlement> {
  const { tx, ret, lines, gross } = opts;
  switch (ret.resolution) {
    case 'exchange_variant':
    case 'exchange_product':
    case 'instant_exchange': {
      const orderLines = await listLines(tx, ret.merchant_id, [ret.order_id]);
      const exchange = ret.exchange_order_id
        ? {
            orderId: ret.exchange_order_id,
            priceDifferenceMinor: Number(ret.resolution_detail.priceDifferenceMinor ?? 0),
          }
        : await createExchangeOrder({ tx, ret, lines, orderLines });
      // A cheaper replacement: the difference goes back to the customer's payment.
      const back = Math.max(0, -exchange.priceDifferenceMinor);
      if (back > 0) await refundOnOrder(tx, ret, lines, back);
      return {
        outcome: 'exchanged',
        refundedMinor: back,
        creditedMinor: 0,
        exchangeOrderId: exchange.orderId,
      };
    }
    case 'store_credit':
    case 'gift_voucher':
      return credit(tx, ret, gross);
    default: {
      // A gift's recipient never gets the buyer's money back: "keep it" on a gift is credit too.
      if (ret.is_gift) return credit(tx, ret, gross);
      const amount = Math.max(0, gross - ret.fee_minor - ret.shipping_minor);
      if (amount > 0) await refundOnOrder(tx, ret, lines, amount);
      return { outcome: 'refunded', refundedMinor: amount, creditedMinor: 0 };
    }
  }
}

/**
 * Credit instead of money: store credit on the customer's account (with the bonus the policy offered, as
 * its own ledger transaction, scaled down if inspection left lines out), or a gift voucher code when there
 * is no customer to credit or the customer chose one. Keyed by the return, so it is issued once.
 */
async function credit(tx: DbOrTx, ret: ReturnRow, gross: number): Promise<Settlement> {
  const amount = Math.max(0, gross - ret.fee_minor - ret.shipping_minor);
  const bonus = ret.value_minor > 0 ? Math.floor((ret.bonus_minor * gross) / ret.value_minor) : 0;
  const reference = { type: 'return', id: ret.id };
  const memo = `Return ${ret.number}`;
  if (amount + bonus === 0) return { outcome: 'credited', refundedMinor: 0, creditedMinor: 0 };
  if (ret.resolution === 'store_credit' && ret.customer_id) {
    await issueCredit({
      tx,
      merchantId: ret.merchant_id,
      customerId: ret.customer_id,
      currency: ret.currency,
      amount,
      bonus,
      kind: 'refund',
      idempotencyKey: `return:${ret.id}`,
      reference,
      memo,
      now: new Date(),
    });
    return { outcome: 'credited', refundedMinor: 0, creditedMinor: amount + bonus };
  }
  const voucher = await issueGiftVoucher({
    tx,
    merchantId: ret.merchant_id,
    amount: amount + bonus,
    currency: ret.currency,
    customerId: ret.is_gift ? null : ret.customer_id,
    idempotencyKey: `return:${ret.id}`,
    reference,
    memo,
  });
  return { outcome: 'credited', refundedMinor: 0, creditedMinor: amount + bonus, voucherCode: voucher.code };
}

/** The refund recorded on the order (payment status moves); keyed by the return, so it happens once. */
async function refundOnOrder(
  tx: DbOrTx,
  ret: ReturnRow,
  lines: ReturnLineRow[],
  amount: number,
): Promise<void> {
  await recordRefund({
    tx,
    merchantId: ret.merchant_id,
    refund: {
      orderId: ret.order_id,
      source: 'return',
      externalId: ret.id,
      amount,
      reason: `Return ${ret.number}`,
      lines: lines.map((l) => ({ lineId: l.order_line_id, quantity: l.quantity })),
      refundedAt: new Date(),
    },
  });
  await updateReturn(tx, ret.merchant_id, ret.id, { refunded_minor: amount });
}
