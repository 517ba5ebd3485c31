/**
 * Property: for any sequence of issue / gift / redeem / reverse / expire operations, run in concurrent
 * batches (Promise.all against the real database), no customer balance goes negative, every transaction and
 * every currency sums to zero, each account's cached balance is the sum of its entries, and the value the
 * callers were told they moved is exactly what the ledger holds. Failures are only the business refusals.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { type Db, withTransaction } from '../../db/pool.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { expireDue } from './expire-due.ts';
import { issueCredit } from './issue-credit.ts';
import { issueGiftVoucher } from './issue-gift-voucher.ts';
import { redeemCode } from './redeem-code.ts';
import { reverseRedemption } from './reverse-redemption.ts';
import { assertLedgerInvariants } from './testing.ts';

const NOW = new Date('2026-06-01T00:00:00Z').getTime();
const DAY = 86_400_000;
const REFUSALS = new Set([
  'insufficient_balance',
  'code_expired',
  'already_reversed',
  'reversal_exceeds_redemption',
  'idempotency_key_reused',
]);

let database: TestDatabase;
let db: Db;

before(async () => {
  database = await createTestDatabase();
  db = database.db;
});
after(() => database.drop());

const expiry = fc.option(fc.integer({ min: 1, max: 20 }), { nil: null });
const op = fc.oneof(
  fc.record({
    t: fc.constant('issue' as const),
    c: fc.nat(2),
    amount: fc.integer({ min: 1, max: 5000 }),
    bonus: fc.integer({ min: 0, max: 300 }),
    days: expiry,
  }),
  fc.record({ t: fc.constant('gift' as const), amount: fc.integer({ min: 1, max: 8000 }), days: expiry }),
  fc.record({
    t: fc.constant('redeem' as const),
    target: fc.nat(7),
    amount: fc.integer({ min: 1, max: 6000 }),
    key: fc.option(fc.nat(3), { nil: null }),
  }),
  fc.record({
    t: fc.constant('reverse' as const),
    r: fc.nat(9),
    amount: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: null }),
  }),
  fc.record({ t: fc.constant('expire' as const), day: fc.integer({ min: 0, max: 25 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

interface Run {
  merchantId: string;
  customers: string[];
  targets: Array<{ customerId: string } | { code: string }>;
  redemptions: string[];
  today: number;
  /** What the callers were told moved into (+) and out of (-) customer accounts. */
  told: number;
}

async function apply(run: Run, o: Op, today: number): Promise<void> {
  const { merchantId } = run;
  const now = new Date(NOW + today * DAY);
  const expiresAt = (days: number | null) => (days === null ? null : new Date(NOW + (today + days) * DAY));
  switch (o.t) {
    case 'issue': {
      const customerId = run.customers[o.c]!;
      const r = await withTransaction(db, (tx) =>
        issueCredit({
          tx,
          merchantId,
          customerId,
          currency: 'USD',
          amount: o.amount,
          bonus: o.bonus,
          expiresAt: expiresAt(o.days),
          now,
        }),
      );
      run.told += r.transactions.reduce((s, t) => s + t.amount, 0);
      run.targets.push({ customerId });
      return;
    }
    case 'gift': {
      const r = await withTransaction(db, (tx) =>
        issueGiftVoucher({ tx, merchantId, amount: o.amount, currency: 'USD', expiresAt: expiresAt(o.days) }),
      );
      run.told += r.transaction.amount;
      run.targets.push({ code: r.code! });
      return;
    }
    case 'redeem': {
      if (run.targets.length === 0) return;
      const target = run.targets[o.target % run.targets.length]!;
      const r = await redeemCode({
        db,
        merchantId,
        input: {
          ...target,
          amount: o.amount,
          currency: 'USD',
          orderRef: `#${o.amount}`,
          ...(o.key === null
            ? {}
            : { redemptionId: `${'code' in target ? target.code : target.customerId}:${o.key}` }),
        },
        now,
      });
      if (!r.replayed) {
        run.told += r.amount;
        run.redemptions.push(r.id);
      }
      return;
    }
    case 'reverse': {
      if (run.redemptions.length === 0) return;
      const r = await reverseRedemption({
        db,
        merchantId,
        redemptionId: run.redemptions[o.r % run.redemptions.length]!,
        ...(o.amount === null ? {} : { amount: o.amount }),
        now,
      });
      run.told += r.amount;
      return;
    }
    case 'expire': {
      run.today = Math.max(run.today, o.day);
      const r = await expireDue({ db, merchantId, now: new Date(NOW + run.today * DAY) });
      run.told -= r.amounts.USD ?? 0;
      return;
    }
  }
}

test('any concurrent mix of ledger operations keeps every invariant', async () => {
  const t = { database, config: testConfig() };
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
      async (batches) => {
        const merchantId = (await createTestMerchant(t)).id;
        const customers = [newId('cus'), newId('cus'), newId('cus')];
        await db
          .insertInto('customers')
          .values(customers.map((id) => ({ merchant_id: merchantId, id })))
          .execute();
        const run: Run = { merchantId, customers, targets: [], redemptions: [], today: 0, told: 0 };
        for (const batch of batches) {
          const today = run.today;
          const results = await Promise.allSettled(batch.map((o) => apply(run, o, today)));
          for (const r of results) {
            if (r.status === 'fulfilled') continue;
            const err = r.reason as AppError;
            assert.ok(
              err instanceof AppError && REFUSALS.has(err.code),
              `unexpected failure: ${err?.stack ?? err}`,
            );
          }
        }
        await assertLedgerInvariants(db);
        const held = await db
          .selectFrom('credit_accounts')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('balance_minor'), eb.lit(0)).as('total'))
          .where('merchant_id', '=', merchantId)
          .where('kind', 'in', ['store_credit', 'gift_voucher', 'thank_you'])
          .executeTakeFirstOrThrow();
        assert.equal(Number(held.total), run.told, 'the ledger holds what callers were told');
      },
    ),
    { numRuns: 30 },
  );
});
