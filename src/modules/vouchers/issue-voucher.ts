import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { openThankYouAccount } from '../credit/index.ts';

// No 0/O or 1/I: codes are read aloud and typed from paper.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** PREFIX-XXXX-XXXX with 40 random bits: unguessable, short enough to type. */
export function voucherCode(prefix: string): string {
  let body = '';
  for (let i = 0; i < 8; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}-${body.slice(0, 4)}-${body.slice(4)}`;
}

/**
 * Issues a unique, single-use, expiring voucher, once per `sourceKey` (a journey step for an order): asking
 * again returns the voucher already issued. An amount voucher carries its value in the credit ledger (an
 * account opened and funded in the same transaction); a percent-off voucher is a discount and holds none.
 */
export async function issueVoucher(
  tx: DbOrTx,
  v: {
    merchantId: string;
    sourceKey: string;
    kind: string;
    customerId: string | null;
    orderId: string | null;
    percentOff?: number;
    amountMinor?: number;
    currency?: string | null;
    expiresAt: Date;
    prefix: string;
  },
): Promise<{ id: string; code: string }> {
  // Value needs a currency: the order's, else the shop's.
  const currency = v.amountMinor
    ? (v.currency ??
      (
        await tx
          .selectFrom('merchants')
          .select('currency')
          .where('id', '=', v.merchantId)
          .executeTakeFirstOrThrow()
      ).currency)
    : null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { rows } = await sql<{ id: string; code: string }>`
      INSERT INTO vouchers (merchant_id, id, code, kind, customer_id, order_id, source_key, percent_off, amount_minor, currency, expires_at)
      VALUES (${v.merchantId}, ${newId('vch')}, ${voucherCode(v.prefix)}, ${v.kind}, ${v.customerId}, ${v.orderId}, ${v.sourceKey},
              ${v.percentOff ?? null}, ${v.amountMinor ?? null}, ${currency}, ${v.expiresAt})
      ON CONFLICT DO NOTHING
      RETURNING id, code`.execute(tx);
    const created = rows[0];
    if (created) {
      if (v.amountMinor && currency)
        await openThankYouAccount({
          tx,
          merchantId: v.merchantId,
          voucherId: created.id,
          code: created.code,
          amount: v.amountMinor,
          currency,
          customerId: v.customerId,
          expiresAt: v.expiresAt,
        });
      return created;
    }
    const existing = await tx
      .selectFrom('vouchers')
      .select(['id', 'code'])
      .where('merchant_id', '=', v.merchantId)
      .where('source_key', '=', v.sourceKey)
      .executeTakeFirst();
    if (existing) return existing;
    // Otherwise the random code collided with another voucher's: draw again.
  }
  throw new Error('could not find a free voucher code');
}
