import { type Db, withTransaction } from '../../db/pool.ts';
import { post } from './ledger.ts';
import { dueAccounts, lockAccount, systemAccountId, updateAccount } from './repo.ts';
import { accountStatus } from './status.ts';

/**
 * Expires the value left on accounts past their expiry date: an `expire` transaction moves the balance to
 * the merchant's expiry account (breakage) and the account becomes expired. One database transaction per
 * account, re-checked under its lock, so a redemption in flight or a second worker is never double counted.
 */
export async function expireDue(opts: {
  db: Db;
  now: Date;
  limit?: number;
  /** Only this merchant's accounts (the job runs over all). */
  merchantId?: string;
}): Promise<{ expired: number; amounts: Record<string, number> }> {
  const { db, now } = opts;
  const amounts: Record<string, number> = {};
  let expired = 0;
  for (const due of await dueAccounts(db, now, opts.limit ?? 500, opts.merchantId ?? null)) {
    await withTransaction(db, async (tx) => {
      const account = await lockAccount(tx, due.merchant_id, due.id);
      if (!account?.expires_at || account.expires_at > now || account.balance_minor <= 0) return;
      const amount = account.balance_minor;
      await post(tx, {
        merchantId: account.merchant_id,
        kind: 'expire',
        currency: account.currency,
        referenceType: 'expiry',
        referenceId: account.expires_at.toISOString(),
        legs: [
          { accountId: account.id, amount: -amount, system: false },
          {
            accountId: await systemAccountId(tx, account.merchant_id, 'expiry', account.currency),
            amount,
            system: true,
          },
        ],
      });
      if (accountStatus.can(account.status, 'expired'))
        await updateAccount(tx, account.merchant_id, account.id, { status: 'expired' });
      expired++;
      amounts[account.currency] = (amounts[account.currency] ?? 0) + amount;
    });
  }
  return { expired, amounts };
}
