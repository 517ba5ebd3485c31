import { type Db, withTransaction } from '../../db/pool.ts';
import { NotFoundError, UnprocessableError } from '../../lib/errors.ts';
import { AlreadyReversedError, KeyReusedError } from './errors.ts';
import { post } from './ledger.ts';
import {
  entriesOf,
  findTransaction,
  findTransactionByKey,
  findVoucherRedemption,
  lockAccount,
  lockVoucher,
  reversedAmount,
  setRedemptionReversed,
  setVoucherRedeemed,
  systemAccountId,
} from './repo.ts';
import { type TransactionView, toTransactionView, toVoucherRedemptionView } from './view.ts';

/**
 * Gives a redemption back (the order was cancelled or refunded): the value returns to the code or the store
 * credit it came from, in full or in part (`amount`), never more than was spent in total. Onto an expired
 * code the value returns too, and the next expiry run takes it, so the statement tells the whole story.
 * A percent-off code becomes usable again.
 */
export async function reverseRedemption(opts: {
  db: Db;
  merchantId: string;
  redemptionId: string;
  amount?: number;
  memo?: string | null;
  idempotencyKey?: string | null;
  now: Date;
}): Promise<TransactionView> {
  const { db, merchantId, redemptionId, now } = opts;
  const key = opts.idempotencyKey ? `idem:${opts.idempotencyKey}` : null;
  if (redemptionId.startsWith('vrd_')) return reverseDiscount(db, merchantId, redemptionId, now);
  const redeem = await findTransaction(db, merchantId, redemptionId);
  if (redeem?.kind !== 'redeem') throw new NotFoundError('Redemption', { id: redemptionId });
  const spent = (await entriesOf(db, merchantId, redeem.id)).find((e) => e.amount_minor < 0)!;
  return withTransaction(db, async (tx) => {
    const account = (await lockAccount(tx, merchantId, spent.account_id))!;
    if (key) {
      const first = await findTransactionByKey(tx, merchantId, key);
      if (first) {
        const view = toTransactionView(first, await entriesOf(tx, merchantId, first.id), account, true);
        if (first.reverses_id !== redeem.id || (opts.amount !== undefined && view.amount !== opts.amount))
          throw new KeyReusedError();
        return view;
      }
    }
    const remaining = -spent.amount_minor - (await reversedAmount(tx, merchantId, redeem.id));
    if (remaining <= 0) throw new AlreadyReversedError();
    const amount = opts.amount ?? remaining;
    if (amount > remaining)
      throw new UnprocessableError(
        'reversal_exceeds_redemption',
        'More cannot be given back than the redemption took.',
        { remaining, currency: redeem.currency },
      );
    const posted = await post(tx, {
      merchantId,
      kind: 'reverse',
      currency: redeem.currency,
      idempotencyKey: key,
      referenceType: redeem.reference_type,
      referenceId: redeem.reference_id,
      reversesId: redeem.id,
      memo: opts.memo,
      legs: [
        { accountId: account.id, amount, system: false },
        {
          accountId: await systemAccountId(tx, merchantId, 'redemption', redeem.currency),
          amount: -amount,
          system: true,
        },
      ],
    });
    return toTransactionView(posted.transaction, posted.entries, account, posted.replayed);
  });
}

function reverseDiscount(db: Db, merchantId: string, id: string, now: Date): Promise<TransactionView> {
  return withTransaction(db, async (tx) => {
    const redemption = await findVoucherRedemption(tx, merchantId, { id }, true);
    if (!redemption) throw new NotFoundError('Redemption', { id });
    if (redemption.reversed_at) throw new AlreadyReversedError();
    const voucher = (await lockVoucher(tx, merchantId, redemption.voucher_id))!;
    if (voucher.redeemed_at) await setVoucherRedeemed(tx, merchantId, voucher.id, null);
    return toVoucherRedemptionView(await setRedemptionReversed(tx, merchantId, id, now), 'reverse', false);
  });
}
