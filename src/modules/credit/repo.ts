import { type Insertable, type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type {
  CreditAccountsTable,
  CreditEntriesTable,
  CreditTransactionsTable,
  VoucherRedemptionsTable,
  VouchersTable,
} from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { SystemKind } from './status.ts';

export type AccountRow = Selectable<CreditAccountsTable>;
export type TransactionRow = Selectable<CreditTransactionsTable>;
export type EntryRow = Selectable<CreditEntriesTable>;
export type VoucherRow = Selectable<VouchersTable>;
export type VoucherRedemptionRow = Selectable<VoucherRedemptionsTable>;

// ---- accounts ----------------------------------------------------------------------------------------

export function findAccount(db: DbOrTx, merchantId: string, id: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('credit_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Locks the account row until the transaction ends: two spends of the same money queue up here. */
export function lockAccount(db: DbOrTx, merchantId: string, id: string): Promise<AccountRow | undefined> {
  return db
    .selectFrom('credit_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function findAccountByCodeHash(
  db: DbOrTx,
  merchantId: string,
  codeHash: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('credit_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();
}

export function findAccountBySource(
  db: DbOrTx,
  merchantId: string,
  sourceKey: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('credit_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('source_key', '=', sourceKey)
    .executeTakeFirst();
}

export function findStoreCreditAccount(
  db: DbOrTx,
  merchantId: string,
  customerId: string,
  currency: string,
): Promise<AccountRow | undefined> {
  return db
    .selectFrom('credit_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'store_credit')
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .executeTakeFirst();
}

/** Inserts an account; undefined when its code, source key or (customer, currency) is already taken. */
export function insertAccount(
  db: DbOrTx,
  row: Omit<Insertable<CreditAccountsTable>, 'id'>,
): Promise<AccountRow | undefined> {
  return db
    .insertInto('credit_accounts')
    .values({ ...row, id: newId('crd') })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The merchant's system account of a kind and currency, opened on first use. */
export async function systemAccountId(
  db: DbOrTx,
  merchantId: string,
  kind: SystemKind,
  currency: string,
): Promise<string> {
  const find = () =>
    db
      .selectFrom('credit_accounts')
      .select('id')
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', kind)
      .where('currency', '=', currency)
      .executeTakeFirst();
  const found = (await find()) ?? (await insertAccount(db, { merchant_id: merchantId, kind, currency }));
  // A concurrent first use inserted it: a new statement sees their committed row.
  return (found ?? (await find()))!.id;
}

export async function updateAccount(
  db: DbOrTx,
  merchantId: string,
  id: string,
  set: { status?: AccountRow['status']; expires_at?: Date | null },
): Promise<void> {
  await db
    .updateTable('credit_accounts')
    .set({ ...set, updated_at: sql`now()` })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .execute();
}

/** Moves an account's cached balance; the CHECK refuses a customer balance below zero. */
export async function addToBalance(
  db: DbOrTx,
  merchantId: string,
  accountId: string,
  currency: string,
  amount: number,
): Promise<number | undefined> {
  const { rows } = await sql<{ balance_minor: number }>`
    UPDATE credit_accounts SET balance_minor = balance_minor + ${amount}, updated_at = now()
    WHERE merchant_id = ${merchantId} AND id = ${accountId} AND currency = ${currency}
    RETURNING balance_minor`.execute(db);
  return rows[0]?.balance_minor;
}

export function accountsOfCustomer(
  db: DbOrTx,
  merchantId: string,
  customerId: string,
): Promise<AccountRow[]> {
  return db
    .selectFrom('credit_accounts')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Accounts still holding value past their expiry, across merchants, oldest first. */
export async function dueAccounts(
  db: DbOrTx,
  now: Date,
  limit: number,
  merchantId: string | null,
): Promise<Array<{ merchant_id: string; id: string }>> {
  const { rows } = await sql<{ merchant_id: string; id: string }>`
    SELECT merchant_id, id FROM credit_accounts
    WHERE expires_at IS NOT NULL AND balance_minor > 0
      AND kind IN ('store_credit', 'gift_voucher', 'thank_you') AND expires_at <= ${now}
      AND (${merchantId}::text IS NULL OR merchant_id = ${merchantId})
    ORDER BY expires_at LIMIT ${limit}`.execute(db);
  return rows;
}

// ---- transactions and entries ----------------------------------------------------------------------

export function findTransaction(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<TransactionRow | undefined> {
  return db
    .selectFrom('credit_transactions')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findTransactionByKey(
  db: DbOrTx,
  merchantId: string,
  key: string,
): Promise<TransactionRow | undefined> {
  return db
    .selectFrom('credit_transactions')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Inserts a transaction; undefined when its idempotency key is already taken (the caller replays). */
export function insertTransaction(
  db: DbOrTx,
  row: Omit<Insertable<CreditTransactionsTable>, 'id'>,
): Promise<TransactionRow | undefined> {
  return (
    db
      .insertInto('credit_transactions')
      // clock_timestamp(): two postings in one database transaction (an issue and its bonus) stay in order.
      .values({ ...row, id: newId('ltx'), created_at: sql<Date>`clock_timestamp()` })
      .onConflict((oc) => oc.columns(['merchant_id', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst()
  );
}

export async function insertEntries(db: DbOrTx, rows: Insertable<CreditEntriesTable>[]): Promise<void> {
  await db.insertInto('credit_entries').values(rows).execute();
}

export function entriesOf(db: DbOrTx, merchantId: string, transactionId: string): Promise<EntryRow[]> {
  return db
    .selectFrom('credit_entries')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('transaction_id', '=', transactionId)
    .orderBy('seq')
    .execute();
}

/** How much of a redemption has been given back already. */
export async function reversedAmount(db: DbOrTx, merchantId: string, redeemId: string): Promise<number> {
  const { rows } = await sql<{ total: number }>`
    SELECT coalesce(sum(e.amount_minor), 0)::bigint AS total
    FROM credit_transactions t
    JOIN credit_entries e ON e.merchant_id = t.merchant_id AND e.transaction_id = t.id
    JOIN credit_accounts a ON a.merchant_id = e.merchant_id AND a.id = e.account_id
    WHERE t.merchant_id = ${merchantId} AND t.reverses_id = ${redeemId} AND t.kind = 'reverse'
      AND a.kind IN ('store_credit', 'gift_voucher', 'thank_you')`.execute(db);
  return rows[0]?.total ?? 0;
}

export interface StatementLine {
  transaction_id: string;
  kind: TransactionRow['kind'];
  account_id: string;
  amount_minor: number;
  currency: string;
  balance_after: number;
  reference_type: string | null;
  reference_id: string | null;
  reverses_id: string | null;
  memo: string | null;
  created_at: Date;
}

/** The entries on some accounts, newest first, with what each transaction was about. */
export async function statementOf(
  db: DbOrTx,
  merchantId: string,
  accountIds: string[],
  limit: number,
): Promise<StatementLine[]> {
  if (accountIds.length === 0) return [];
  const { rows } = await sql<StatementLine>`
    SELECT e.transaction_id, t.kind, e.account_id, e.amount_minor, e.currency, e.balance_after,
           t.reference_type, t.reference_id, t.reverses_id, t.memo, e.created_at
    FROM credit_entries e
    JOIN credit_transactions t ON t.merchant_id = e.merchant_id AND t.id = e.transaction_id
    WHERE e.merchant_id = ${merchantId} AND e.account_id = ANY(${accountIds}::text[])
    ORDER BY e.created_at DESC, e.transaction_id DESC, e.seq DESC
    LIMIT ${limit}`.execute(db);
  return rows;
}

// ---- percent-off vouchers (no value: a discount, single use) --------------------------------------

export function findVoucherByCode(
  db: DbOrTx,
  merchantId: string,
  code: string,
): Promise<VoucherRow | undefined> {
  return db
    .selectFrom('vouchers')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function lockVoucher(db: DbOrTx, merchantId: string, id: string): Promise<VoucherRow | undefined> {
  return db
    .selectFrom('vouchers')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function setVoucherRedeemed(
  db: DbOrTx,
  merchantId: string,
  id: string,
  at: Date | null,
): Promise<void> {
  await db
    .updateTable('vouchers')
    .set({ redeemed_at: at })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .execute();
}

export function insertVoucherRedemption(
  db: DbOrTx,
  row: Omit<Insertable<VoucherRedemptionsTable>, 'id'>,
): Promise<VoucherRedemptionRow> {
  return db
    .insertInto('voucher_redemptions')
    .values({ ...row, id: newId('vrd') })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findVoucherRedemption(
  db: DbOrTx,
  merchantId: string,
  by: { id: string } | { key: string },
  lock = false,
): Promise<VoucherRedemptionRow | undefined> {
  let q = db.selectFrom('voucher_redemptions').selectAll().where('merchant_id', '=', merchantId);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('idempotency_key', '=', by.key);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export async function setRedemptionReversed(
  db: DbOrTx,
  merchantId: string,
  id: string,
  at: Date,
): Promise<VoucherRedemptionRow> {
  return db
    .updateTable('voucher_redemptions')
    .set({ reversed_at: at })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
