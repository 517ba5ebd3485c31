/** Test support for the credit ledger: an app with the credit routes, and the ledger's invariants. */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestApp, testConfig } from '../../../test/helpers.ts';
import type { DbOrTx } from '../../db/pool.ts';
import { registerApiRoutes } from '../../http/api.ts';
import { apiRoutes, buildApp } from '../../http/app.ts';
import { silentLogger } from '../../lib/logger.ts';
import { creditRoutes } from './routes.ts';

/** The test app, with the credit routes mounted when src/http/app.ts does not mount them (yet). */
export async function createCreditTestApp(): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig();
  const deps = { db: database.db, config, logger: silentLogger };
  const app = await buildApp(deps);
  if (!apiRoutes(deps).some((r) => r.url === '/api/v1/vouchers/redeem'))
    registerApiRoutes(app, creditRoutes(deps), deps);
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * The ledger's invariants, over every merchant: each transaction's entries sum to zero, so does each
 * currency; every account's cached balance is the sum of its entries (and, for customer accounts, whose
 * postings are serialised by the row lock taken before the transaction's timestamp, its last entry's
 * balance_after);
 * no customer-facing balance is negative; an entry's currency is its account's.
 */
export async function assertLedgerInvariants(db: DbOrTx): Promise<void> {
  const unbalancedTx = await sql<{ id: string; total: number }>`
    SELECT transaction_id AS id, sum(amount_minor)::bigint AS total FROM credit_entries
    GROUP BY merchant_id, transaction_id HAVING sum(amount_minor) <> 0`.execute(db);
  assert.deepEqual(unbalancedTx.rows, [], 'every transaction sums to zero');
  const unbalancedCurrency = await sql<{ currency: string }>`
    SELECT merchant_id, currency, sum(amount_minor)::bigint AS total FROM credit_entries
    GROUP BY merchant_id, currency HAVING sum(amount_minor) <> 0`.execute(db);
  assert.deepEqual(unbalancedCurrency.rows, [], 'entries sum to zero per merchant and currency');
  const drift = await sql<{ id: string; cached: number; summed: number; last: number | null }>`
    SELECT a.id, a.balance_minor AS cached, coalesce(s.total, 0)::bigint AS summed, l.balance_after AS last
    FROM credit_accounts a
    LEFT JOIN (SELECT merchant_id, account_id, sum(amount_minor) AS total FROM credit_entries
               GROUP BY merchant_id, account_id) s ON s.merchant_id = a.merchant_id AND s.account_id = a.id
    LEFT JOIN LATERAL (SELECT balance_after FROM credit_entries e
                       WHERE e.merchant_id = a.merchant_id AND e.account_id = a.id
                       ORDER BY e.created_at DESC, e.transaction_id DESC, e.seq DESC LIMIT 1) l ON true
    WHERE a.balance_minor <> coalesce(s.total, 0)
       OR (a.kind IN ('store_credit', 'gift_voucher', 'thank_you') AND a.balance_minor <> coalesce(l.balance_after, 0))`.execute(
    db,
  );
  assert.deepEqual(drift.rows, [], 'cached balances equal the sum of entries');
  const negative = await sql<{ id: string }>`
    SELECT id, balance_minor FROM credit_accounts
    WHERE kind IN ('store_credit', 'gift_voucher', 'thank_you') AND balance_minor < 0`.execute(db);
  assert.deepEqual(negative.rows, [], 'no customer balance is negative');
  const wrongCurrency = await sql<{ id: string }>`
    SELECT e.transaction_id AS id FROM credit_entries e
    JOIN credit_accounts a ON a.merchant_id = e.merchant_id AND a.id = e.account_id
    JOIN credit_transactions t ON t.merchant_id = e.merchant_id AND t.id = e.transaction_id
    WHERE e.currency <> a.currency OR e.currency <> t.currency`.execute(db);
  assert.deepEqual(wrongCurrency.rows, [], "entries are in their account's currency");
}
