import type { DbOrTx } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findCustomer } from '../customers/index.ts';
import { accountsOfCustomer, findAccount, type StatementLine, statementOf } from './repo.ts';
import { isSystemKind } from './status.ts';
import { type AccountView, toAccountView } from './view.ts';

export interface StatementLineView {
  transactionId: string;
  kind: StatementLine['kind'];
  accountId: string;
  amount: number;
  currency: string;
  balanceAfter: number;
  referenceType: string | null;
  referenceId: string | null;
  reversesId: string | null;
  memo: string | null;
  createdAt: string;
}

function toLine(l: StatementLine): StatementLineView {
  return {
    transactionId: l.transaction_id,
    kind: l.kind,
    accountId: l.account_id,
    amount: l.amount_minor,
    currency: l.currency,
    balanceAfter: l.balance_after,
    referenceType: l.reference_type,
    referenceId: l.reference_id,
    reversesId: l.reverses_id,
    memo: l.memo,
    createdAt: new Date(l.created_at).toISOString(),
  };
}

/** A customer's store credit, gift vouchers and thank-you codes: balances and the latest movements. */
export async function customerCredit(opts: {
  db: DbOrTx;
  merchantId: string;
  customerId: string;
  limit: number;
}): Promise<{ customerId: string; balances: AccountView[]; statement: StatementLineView[] }> {
  const { db, merchantId, customerId } = opts;
  if (!(await findCustomer(db, merchantId, customerId)))
    throw new NotFoundError('Customer', { id: customerId });
  const accounts = await accountsOfCustomer(db, merchantId, customerId);
  const lines = await statementOf(
    db,
    merchantId,
    accounts.map((a) => a.id),
    opts.limit,
  );
  return { customerId, balances: accounts.map(toAccountView), statement: lines.map(toLine) };
}

/** One account's balance and latest movements. */
export async function accountStatement(opts: {
  db: DbOrTx;
  merchantId: string;
  accountId: string;
  limit: number;
}): Promise<{ account: AccountView; statement: StatementLineView[] }> {
  const account = await findAccount(opts.db, opts.merchantId, opts.accountId);
  if (!account || isSystemKind(account.kind)) throw new NotFoundError('Account', { id: opts.accountId });
  const lines = await statementOf(opts.db, opts.merchantId, [account.id], opts.limit);
  return { account: toAccountView(account), statement: lines.map(toLine) };
}
