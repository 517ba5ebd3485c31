import type { DbOrTx } from '../../db/pool.ts';
import { hashCode, voucherCodeForm } from './codes.ts';
import { CodeNotFoundError } from './errors.ts';
import { type AccountRow, findAccountByCodeHash, findVoucherByCode, type VoucherRow } from './repo.ts';

export type FoundCode = { type: 'account'; account: AccountRow } | { type: 'discount'; voucher: VoucherRow };

/**
 * What a code a customer typed stands for: a value-bearing account (gift voucher, amount thank-you code),
 * found by the hash of the code, or a percent-off voucher. Scoped to the merchant: another shop's code is
 * "not found", exactly like a code that does not exist.
 */
export async function findCode(db: DbOrTx, merchantId: string, code: string): Promise<FoundCode> {
  const account = await findAccountByCodeHash(db, merchantId, hashCode(code));
  if (account) return { type: 'account', account };
  const voucher = await findVoucherByCode(db, merchantId, voucherCodeForm(code));
  if (voucher && voucher.percent_off !== null) return { type: 'discount', voucher };
  throw new CodeNotFoundError();
}

/** The first reason a value account cannot pay now, or null. */
export function accountProblem(account: AccountRow, now: Date): 'code_disabled' | 'code_expired' | null {
  if (account.status === 'disabled') return 'code_disabled';
  if (account.status === 'expired' || (account.expires_at !== null && account.expires_at <= now))
    return 'code_expired';
  return null;
}
