import type { DbOrTx } from '../../db/pool.ts';
import { codeHint, generateCode, hashCode } from './codes.ts';
import { KeyReusedError } from './errors.ts';
import { post } from './ledger.ts';
import {
  type AccountRow,
  entriesOf,
  findAccountBySource,
  findTransactionByKey,
  insertAccount,
  systemAccountId,
} from './repo.ts';
import { type AccountView, type TransactionView, toAccountView, toTransactionView } from './view.ts';

export interface IssuedGiftVoucher {
  account: AccountView;
  /**
   * The code, in full, this once: only its hash is stored. Null on a retry of the same idempotency key, so a
   * caller delivers the code in the same database transaction it issues it (enqueue the message with it).
   */
  code: string | null;
  transaction: TransactionView;
  replayed: boolean;
}

/** A gift voucher: a new code holding `amount`, optionally expiring, optionally tied to a customer. */
export async function issueGiftVoucher(opts: {
  tx: DbOrTx;
  merchantId: string;
  amount: number;
  currency: string;
  expiresAt?: Date | null;
  customerId?: string | null;
  idempotencyKey?: string | null;
  reference?: { type: string; id: string } | null;
  memo?: string | null;
}): Promise<IssuedGiftVoucher> {
  const { tx, merchantId, amount, currency } = opts;
  const key = opts.idempotencyKey ?? null;
  const sourceKey = key ? `gift:${key}` : null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = generateCode();
    const account = await insertAccount(tx, {
      merchant_id: merchantId,
      kind: 'gift_voucher',
      currency,
      customer_id: opts.customerId ?? null,
      code_hash: hashCode(code),
      code_hint: codeHint(code),
      expires_at: opts.expiresAt ?? null,
      source_key: sourceKey,
    });
    if (account) {
      const issued = await fund(tx, account, amount, key, opts);
      return {
        account: toAccountView({ ...account, balance_minor: amount }),
        code,
        transaction: toTransactionView(issued.transaction, issued.entries, account, false),
        replayed: false,
      };
    }
    if (sourceKey) {
      const existing = await findAccountBySource(tx, merchantId, sourceKey);
      if (existing) {
        const first = (await findTransactionByKey(tx, merchantId, key!))!;
        const view = toTransactionView(first, await entriesOf(tx, merchantId, first.id), existing, true);
        if (existing.kind !== 'gift_voucher' || view.amount !== amount || existing.currency !== currency)
          throw new KeyReusedError();
        return { account: toAccountView(existing), code: null, transaction: view, replayed: true };
      }
    }
    // Otherwise two random codes met (2^-80): draw again.
  }
  throw new Error('could not find a free gift voucher code');
}

/**
 * Opens the ledger account behind one of the journeys' amount thank-you vouchers (the plain code stays in
 * `vouchers`, because the thank-you message is rendered from it later). Once per voucher.
 */
export async function openThankYouAccount(opts: {
  tx: DbOrTx;
  merchantId: string;
  voucherId: string;
  code: string;
  amount: number;
  currency: string;
  customerId: string | null;
  expiresAt: Date | null;
}): Promise<string> {
  const { tx, merchantId } = opts;
  const sourceKey = `voucher:${opts.voucherId}`;
  const account = await insertAccount(tx, {
    merchant_id: merchantId,
    kind: 'thank_you',
    currency: opts.currency,
    customer_id: opts.customerId,
    code_hash: hashCode(opts.code),
    code_hint: codeHint(opts.code),
    voucher_id: opts.voucherId,
    expires_at: opts.expiresAt,
    source_key: sourceKey,
  });
  if (!account) return (await findAccountBySource(tx, merchantId, sourceKey))!.id;
  await fund(tx, account, opts.amount, sourceKey, {
    reference: { type: 'voucher', id: opts.voucherId },
  });
  return account.id;
}

function fund(
  tx: DbOrTx,
  account: AccountRow,
  amount: number,
  key: string | null,
  opts: { reference?: { type: string; id: string } | null; memo?: string | null },
) {
  return systemAccountId(tx, account.merchant_id, 'issuance', account.currency).then((issuance) =>
    post(tx, {
      merchantId: account.merchant_id,
      kind: 'issue',
      currency: account.currency,
      idempotencyKey: key,
      referenceType: opts.reference?.type,
      referenceId: opts.reference?.id,
      memo: opts.memo,
      legs: [
        { accountId: account.id, amount, system: false },
        { accountId: issuance, amount: -amount, system: true },
      ],
    }),
  );
}
