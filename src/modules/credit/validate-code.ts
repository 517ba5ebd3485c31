import type { DbOrTx } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findCustomer } from '../customers/index.ts';
import { accountProblem, findCode } from './find-code.ts';
import { findStoreCreditAccount } from './repo.ts';
import type { CodeKind } from './view.ts';

const REASONS = {
  code_expired: 'This code has expired and can no longer be used.',
  code_disabled: 'This code has been disabled by the shop.',
  currency_mismatch: 'This code cannot pay in this currency.',
  insufficient_balance: 'There is no balance left on this code.',
  already_redeemed: 'This code has already been used.',
} as const;

export interface CodeValidation {
  valid: boolean;
  kind: CodeKind;
  /** Value left, in minor units (null for percent-off codes). */
  balance: number | null;
  currency: string | null;
  percentOff: number | null;
  expiresAt: string | null;
  /** What it would take off `orderTotal` now (all the balance, or the discount, when no total is given). */
  applicableAmount: number | null;
  /** Why the code cannot be used now (absent when valid). */
  reason?: { code: keyof typeof REASONS; message: string };
}

/**
 * Checks a code (or a customer's store credit) before checkout without changing anything. An unknown code
 * is a 404 code_not_found; a known one that cannot be used now answers valid: false with the reason.
 */
export async function validateCode(opts: {
  db: DbOrTx;
  merchantId: string;
  code?: string;
  customerId?: string;
  currency?: string;
  orderTotal?: number;
  now: Date;
}): Promise<CodeValidation> {
  const { db, merchantId, currency, orderTotal, now } = opts;
  const found = opts.code
    ? await findCode(db, merchantId, opts.code)
    : await storeCredit(db, merchantId, opts.customerId!, currency!);
  let reason: keyof typeof REASONS | null;
  if (found.type === 'discount') {
    const v = found.voucher;
    reason =
      v.expires_at !== null && v.expires_at <= now
        ? 'code_expired'
        : v.single_use && v.redeemed_at !== null
          ? 'already_redeemed'
          : currency && v.currency && v.currency !== currency
            ? 'currency_mismatch'
            : null;
    return result(reason, {
      kind: 'percent_off',
      balance: null,
      currency: v.currency ?? currency ?? null,
      percentOff: v.percent_off,
      expiresAt: v.expires_at?.toISOString() ?? null,
      applicableAmount:
        reason || orderTotal === undefined ? null : Math.floor((orderTotal * v.percent_off!) / 100),
    });
  }
  const a = found.account;
  reason =
    accountProblem(a, now) ??
    (currency && currency !== a.currency
      ? 'currency_mismatch'
      : a.balance_minor === 0
        ? 'insufficient_balance'
        : null);
  return result(reason, {
    kind: a.kind as CodeKind,
    balance: a.balance_minor,
    currency: a.currency,
    percentOff: null,
    expiresAt: a.expires_at?.toISOString() ?? null,
    applicableAmount: reason ? 0 : Math.min(a.balance_minor, orderTotal ?? a.balance_minor),
  });
}

function result(reason: keyof typeof REASONS | null, v: Omit<CodeValidation, 'valid' | 'reason'>) {
  return reason
    ? { valid: false, ...v, reason: { code: reason, message: REASONS[reason] } }
    : { valid: true, ...v };
}

/** A customer's store credit in one currency, shown as a zero balance when none was ever issued. */
async function storeCredit(db: DbOrTx, merchantId: string, customerId: string, currency: string) {
  if (!(await findCustomer(db, merchantId, customerId)))
    throw new NotFoundError('Customer', { id: customerId });
  const account = await findStoreCreditAccount(db, merchantId, customerId, currency);
  return {
    type: 'account' as const,
    account: account ?? {
      merchant_id: merchantId,
      id: '',
      kind: 'store_credit' as const,
      currency,
      customer_id: customerId,
      code_hash: null,
      code_hint: null,
      voucher_id: null,
      status: 'active' as const,
      balance_minor: 0,
      expires_at: null,
      source_key: null,
      created_at: new Date(0),
      updated_at: new Date(0),
    },
  };
}
