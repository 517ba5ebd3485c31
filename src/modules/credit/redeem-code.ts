import { type Db, type DbOrTx, withTransaction } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findCustomer } from '../customers/index.ts';
import {
  AlreadyRedeemedError,
  CodeDisabledError,
  CodeExpiredError,
  CurrencyMismatchError,
  InsufficientBalanceError,
  KeyReusedError,
} from './errors.ts';
import { accountProblem, findCode } from './find-code.ts';
import { post } from './ledger.ts';
import {
  type AccountRow,
  entriesOf,
  findStoreCreditAccount,
  findTransactionByKey,
  findVoucherRedemption,
  insertVoucherRedemption,
  lockAccount,
  lockVoucher,
  setVoucherRedeemed,
  systemAccountId,
  type VoucherRow,
} from './repo.ts';
import { type TransactionView, toTransactionView, toVoucherRedemptionView } from './view.ts';

export interface RedeemInput {
  /** A gift voucher or thank-you code... */
  code?: string;
  /** ...or the customer whose store credit pays. */
  customerId?: string;
  /** Minor units to take off the order (for a percent-off code: the discount it gave). */
  amount: number;
  currency: string;
  /** The storefront's order (number or id) the value went to. */
  orderRef: string;
  /** The caller's own id for this redemption: a retry with it finds the first one. */
  redemptionId?: string;
}

/**
 * Spends value on an order, in one database transaction: the account row is locked (SELECT ... FOR UPDATE)
 * before its balance is read, so two requests for the same money queue and the second sees what the first
 * left. Partial redemption leaves the rest on the code. With a redemption id or an Idempotency-Key a retry
 * answers the first redemption again (replayed: true) and the same key for another request is refused.
 * Percent-off codes are single use: the voucher row is locked and marked redeemed in the same transaction.
 */
export async function redeemCode(opts: {
  db: Db;
  merchantId: string;
  input: RedeemInput;
  idempotencyKey?: string | null;
  now: Date;
}): Promise<TransactionView> {
  const { db, merchantId, input, now } = opts;
  const key = input.redemptionId
    ? `redeem:${input.redemptionId}`
    : opts.idempotencyKey
      ? `idem:${opts.idempotencyKey}`
      : null;
  const found = input.code
    ? await findCode(db, merchantId, input.code)
    : { type: 'account' as const, account: await storeCreditAccount(db, merchantId, input) };
  if (found.type === 'discount') return redeemDiscount(db, found.voucher, input, key, now);
  return withTransaction(db, async (tx) => {
    const account = (await lockAccount(tx, merchantId, found.account.id))!;
    if (key) {
      const first = await findTransactionByKey(tx, merchantId, key);
      if (first) {
        const view = toTransactionView(first, await entriesOf(tx, merchantId, first.id), account, true);
        const same =
          first.kind === 'redeem' &&
          view.amount === -input.amount &&
          first.currency === input.currency &&
          first.reference_id === input.orderRef;
        if (!same) throw new KeyReusedError();
        return view;
      }
    }
    checkSpendable(account, input, now);
    const posted = await post(tx, {
      merchantId,
      kind: 'redeem',
      currency: account.currency,
      idempotencyKey: key,
      referenceType: 'order',
      referenceId: input.orderRef,
      legs: [
        { accountId: account.id, amount: -input.amount, system: false },
        {
          accountId: await systemAccountId(tx, merchantId, 'redemption', account.currency),
          amount: input.amount,
          system: true,
        },
      ],
    });
    return toTransactionView(posted.transaction, posted.entries, account, posted.replayed);
  });
}

function checkSpendable(account: AccountRow, input: RedeemInput, now: Date) {
  const problem = accountProblem(account, now);
  if (problem === 'code_disabled') throw new CodeDisabledError();
  if (problem === 'code_expired') throw new CodeExpiredError(account.expires_at);
  if (account.currency !== input.currency) throw new CurrencyMismatchError(account.currency, input.currency);
  if (input.amount > account.balance_minor)
    throw new InsufficientBalanceError(account.balance_minor, account.currency, input.amount);
}

async function storeCreditAccount(db: DbOrTx, merchantId: string, input: RedeemInput): Promise<AccountRow> {
  const customerId = input.customerId!;
  if (!(await findCustomer(db, merchantId, customerId)))
    throw new NotFoundError('Customer', { id: customerId });
  const account = await findStoreCreditAccount(db, merchantId, customerId, input.currency);
  if (!account) throw new InsufficientBalanceError(0, input.currency, input.amount);
  return account;
}

function redeemDiscount(
  db: Db,
  found: VoucherRow,
  input: RedeemInput,
  key: string | null,
  now: Date,
): Promise<TransactionView> {
  const merchantId = found.merchant_id;
  return withTransaction(db, async (tx) => {
    const voucher = (await lockVoucher(tx, merchantId, found.id))!;
    if (key) {
      const first = await findVoucherRedemption(tx, merchantId, { key });
      if (first) {
        const same =
          first.voucher_id === voucher.id &&
          first.order_ref === input.orderRef &&
          first.discount_minor === input.amount &&
          first.currency === input.currency;
        if (!same) throw new KeyReusedError();
        return toVoucherRedemptionView(first, 'redeem', true);
      }
    }
    if (voucher.expires_at !== null && voucher.expires_at <= now)
      throw new CodeExpiredError(voucher.expires_at);
    if (voucher.single_use && voucher.redeemed_at !== null) throw new AlreadyRedeemedError();
    if (voucher.currency && voucher.currency !== input.currency)
      throw new CurrencyMismatchError(voucher.currency, input.currency);
    const redemption = await insertVoucherRedemption(tx, {
      merchant_id: merchantId,
      voucher_id: voucher.id,
      idempotency_key: key,
      order_ref: input.orderRef,
      discount_minor: input.amount,
      currency: input.currency,
    });
    if (voucher.single_use) await setVoucherRedeemed(tx, merchantId, voucher.id, now);
    return toVoucherRedemptionView(redemption, 'redeem', false);
  });
}
