import type { AccountRow, EntryRow, TransactionRow, VoucherRedemptionRow } from './repo.ts';
import type { CustomerKind } from './status.ts';

export type CodeKind = CustomerKind | 'percent_off';

/** A movement of value as the API shows it, from the side of the customer's account or code. */
export interface TransactionView {
  id: string;
  kind: TransactionRow['kind'];
  codeKind: CodeKind | null;
  accountId: string | null;
  /** Minor units moved; positive into the customer's account or code, negative out of it. */
  amount: number;
  currency: string;
  /** The account's balance right after this transaction (null for percent-off codes). */
  balanceAfter: number | null;
  referenceType: string | null;
  referenceId: string | null;
  reversesId: string | null;
  createdAt: string;
  /** True when this answers a retry: nothing new was written. */
  replayed: boolean;
}

export interface AccountView {
  id: string;
  kind: CustomerKind;
  customerId: string | null;
  currency: string;
  balance: number;
  status: AccountRow['status'];
  expiresAt: string | null;
  /** Last four characters of the code, for gift vouchers and thank-you codes. */
  codeHint: string | null;
  createdAt: string;
}

export function toAccountView(a: AccountRow): AccountView {
  return {
    id: a.id,
    kind: a.kind as CustomerKind,
    customerId: a.customer_id,
    currency: a.currency,
    balance: a.balance_minor,
    status: a.status,
    expiresAt: a.expires_at?.toISOString() ?? null,
    codeHint: a.code_hint,
    createdAt: a.created_at.toISOString(),
  };
}

export function toTransactionView(
  t: TransactionRow,
  entries: EntryRow[],
  account: Pick<AccountRow, 'id' | 'kind'>,
  replayed: boolean,
): TransactionView {
  const own = entries.filter((e) => e.account_id === account.id);
  return {
    id: t.id,
    kind: t.kind,
    codeKind: account.kind as CustomerKind,
    accountId: account.id,
    amount: own.reduce((s, e) => s + e.amount_minor, 0),
    currency: t.currency,
    balanceAfter: own.at(-1)?.balance_after ?? null,
    referenceType: t.reference_type,
    referenceId: t.reference_id,
    reversesId: t.reverses_id,
    createdAt: t.created_at.toISOString(),
    replayed,
  };
}

export function toVoucherRedemptionView(
  r: VoucherRedemptionRow,
  kind: 'redeem' | 'reverse',
  replayed: boolean,
): TransactionView {
  return {
    id: r.id,
    kind,
    codeKind: 'percent_off',
    accountId: null,
    amount: kind === 'redeem' ? -r.discount_minor : r.discount_minor,
    currency: r.currency,
    balanceAfter: null,
    referenceType: 'order',
    referenceId: r.order_ref,
    reversesId: kind === 'reverse' ? r.id : null,
    createdAt: (kind === 'reverse' && r.reversed_at ? r.reversed_at : r.created_at).toISOString(),
    replayed,
  };
}
