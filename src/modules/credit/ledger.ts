import type { DbOrTx } from '../../db/pool.ts';
import { InsufficientBalanceError } from './errors.ts';
import {
  addToBalance,
  type EntryRow,
  entriesOf,
  findTransactionByKey,
  insertEntries,
  insertTransaction,
  type TransactionRow,
} from './repo.ts';

export interface Leg {
  accountId: string;
  /** Signed minor units: positive adds to the account, negative takes from it. */
  amount: number;
  /** System accounts are updated after customer accounts (see post). */
  system: boolean;
}

export interface Posted {
  transaction: TransactionRow;
  entries: EntryRow[];
  /** The idempotency key was taken: this is the transaction posted earlier, nothing new was written. */
  replayed: boolean;
}

/**
 * Posts one balanced ledger transaction inside the caller's database transaction: the transaction row, one
 * entry per leg and every touched account's cached balance. Callers lock the customer account (SELECT ...
 * FOR UPDATE) and check the balance first; the CHECK on credit_accounts is the last line of defence.
 *
 * Lock order is always customer accounts, then system accounts (each group by id), so two postings can only
 * queue behind each other, never deadlock. System accounts are a per-merchant, per-currency hot row: postings
 * of one merchant and currency serialise on it for the few milliseconds until commit, which is far above
 * any shop's voucher traffic and keeps every balance exact.
 */
export async function post(
  tx: DbOrTx,
  p: {
    merchantId: string;
    kind: TransactionRow['kind'];
    currency: string;
    idempotencyKey?: string | null;
    referenceType?: string | null;
    referenceId?: string | null;
    reversesId?: string | null;
    memo?: string | null;
    legs: Leg[];
  },
): Promise<Posted> {
  if (p.legs.length < 2) throw new Error('a ledger transaction needs at least two legs');
  if (p.legs.some((l) => !Number.isSafeInteger(l.amount) || l.amount === 0))
    throw new Error('ledger amounts are non-zero integer minor units');
  if (p.legs.reduce((s, l) => s + l.amount, 0) !== 0) throw new Error('ledger legs must sum to zero');

  const transaction = await insertTransaction(tx, {
    merchant_id: p.merchantId,
    kind: p.kind,
    currency: p.currency,
    idempotency_key: p.idempotencyKey ?? null,
    reference_type: p.referenceType ?? null,
    reference_id: p.referenceId ?? null,
    reverses_id: p.reversesId ?? null,
    memo: p.memo ?? null,
  });
  if (!transaction) {
    const existing = (await findTransactionByKey(tx, p.merchantId, p.idempotencyKey!))!;
    return { transaction: existing, entries: await entriesOf(tx, p.merchantId, existing.id), replayed: true };
  }

  const ordered = p.legs
    .map((leg, seq) => ({ leg, seq }))
    .sort(
      (a, b) => Number(a.leg.system) - Number(b.leg.system) || a.leg.accountId.localeCompare(b.leg.accountId),
    );
  const balances = new Map<number, number>();
  for (const { leg, seq } of ordered) {
    let balance: number | undefined;
    try {
      balance = await addToBalance(tx, p.merchantId, leg.accountId, p.currency, leg.amount);
    } catch (err) {
      if ((err as { code?: string }).code === '23514')
        throw new InsufficientBalanceError(0, p.currency, -leg.amount);
      throw err;
    }
    if (balance === undefined) throw new Error(`no ${p.currency} account ${leg.accountId}`);
    balances.set(seq, balance);
  }
  const rows = p.legs.map((leg, seq) => ({
    merchant_id: p.merchantId,
    transaction_id: transaction.id,
    seq,
    account_id: leg.accountId,
    amount_minor: leg.amount,
    currency: p.currency,
    balance_after: balances.get(seq)!,
    created_at: transaction.created_at,
  }));
  await insertEntries(tx, rows);
  return { transaction, entries: rows, replayed: false };
}
