import type { DbOrTx } from '../../db/pool.ts';
import { CodeDisabledError, KeyReusedError } from './errors.ts';
import { post } from './ledger.ts';
import {
  type AccountRow,
  entriesOf,
  findStoreCreditAccount,
  findTransactionByKey,
  insertAccount,
  lockAccount,
  systemAccountId,
  updateAccount,
} from './repo.ts';
import { accountStatus } from './status.ts';
import { type AccountView, type TransactionView, toAccountView, toTransactionView } from './view.ts';

export interface IssuedCredit {
  account: AccountView;
  /** The issue (or refund) transaction, then the bonus transaction when there was a bonus. */
  transactions: TransactionView[];
  replayed: boolean;
}

/**
 * Gives a customer store credit in one currency. A bonus (a return's "take credit and get 10 % more") is a
 * separate `bonus` transaction funded from the bonus account, so analytics can tell promotional value from
 * refunded value. `kind: 'refund'` marks credit paid out instead of money back. A retry with the same
 * idempotency key returns the first answer.
 *
 * Store credit is one account per customer and currency, so one expiry covers the whole balance: a new grant
 * never shortens it (a later date wins; no date means never), and on an empty or expired account the new
 * grant's date applies.
 */
export async function issueCredit(opts: {
  tx: DbOrTx;
  merchantId: string;
  customerId: string;
  currency: string;
  amount: number;
  bonus?: number;
  kind?: 'issue' | 'refund';
  expiresAt?: Date | null;
  idempotencyKey?: string | null;
  reference?: { type: string; id: string } | null;
  memo?: string | null;
  now: Date;
}): Promise<IssuedCredit> {
  const { tx, merchantId, customerId, currency, amount, now } = opts;
  const bonus = opts.bonus ?? 0;
  const key = opts.idempotencyKey ?? null;
  let account =
    (await findStoreCreditAccount(tx, merchantId, customerId, currency)) ??
    (await insertAccount(tx, {
      merchant_id: merchantId,
      kind: 'store_credit',
      currency,
      customer_id: customerId,
      expires_at: opts.expiresAt ?? null,
    })) ??
    (await findStoreCreditAccount(tx, merchantId, customerId, currency))!;
  account = (await lockAccount(tx, merchantId, account.id))!;

  if (key) {
    const replay = await replayIssue(tx, merchantId, key, account, amount, bonus);
    if (replay) return replay;
  }
  if (account.status === 'disabled') throw new CodeDisabledError();
  await renewExpiry(tx, account, opts.expiresAt ?? null, now);

  const issued = await post(tx, {
    merchantId,
    kind: opts.kind ?? 'issue',
    currency,
    idempotencyKey: key,
    referenceType: opts.reference?.type,
    referenceId: opts.reference?.id,
    memo: opts.memo,
    legs: [
      { accountId: account.id, amount, system: false },
      {
        accountId: await systemAccountId(tx, merchantId, 'issuance', currency),
        amount: -amount,
        system: true,
      },
    ],
  });
  const posted = [issued];
  if (bonus > 0) {
    posted.push(
      await post(tx, {
        merchantId,
        kind: 'bonus',
        currency,
        idempotencyKey: key ? `${key}#bonus` : null,
        referenceType: opts.reference?.type,
        referenceId: opts.reference?.id,
        memo: opts.memo,
        legs: [
          { accountId: account.id, amount: bonus, system: false },
          {
            accountId: await systemAccountId(tx, merchantId, 'bonus', currency),
            amount: -bonus,
            system: true,
          },
        ],
      }),
    );
  }
  const fresh = (await lockAccount(tx, merchantId, account.id))!;
  return {
    account: toAccountView(fresh),
    transactions: posted.map((p) => toTransactionView(p.transaction, p.entries, fresh, false)),
    replayed: false,
  };
}

async function renewExpiry(tx: DbOrTx, account: AccountRow, given: Date | null, now: Date) {
  const lapsed =
    account.status === 'expired' ||
    account.balance_minor === 0 ||
    (account.expires_at !== null && account.expires_at <= now);
  const old = account.expires_at;
  const expiresAt = lapsed ? given : old === null || given === null ? null : old > given ? old : given;
  if (account.status !== 'active') accountStatus.assert(account.status, 'active');
  if (account.status !== 'active' || old?.getTime() !== expiresAt?.getTime())
    await updateAccount(tx, account.merchant_id, account.id, { status: 'active', expires_at: expiresAt });
}

async function replayIssue(
  tx: DbOrTx,
  merchantId: string,
  key: string,
  account: AccountRow,
  amount: number,
  bonus: number,
): Promise<IssuedCredit | null> {
  const first = await findTransactionByKey(tx, merchantId, key);
  if (!first) return null;
  const entries = await entriesOf(tx, merchantId, first.id);
  const view = toTransactionView(first, entries, account, true);
  const bonusTx = await findTransactionByKey(tx, merchantId, `${key}#bonus`);
  const bonusView = bonusTx
    ? toTransactionView(bonusTx, await entriesOf(tx, merchantId, bonusTx.id), account, true)
    : null;
  if (
    !['issue', 'refund'].includes(first.kind) ||
    view.amount !== amount ||
    (bonusView?.amount ?? 0) !== bonus
  )
    throw new KeyReusedError();
  return {
    account: toAccountView(account),
    transactions: bonusView ? [view, bonusView] : [view],
    replayed: true,
  };
}
