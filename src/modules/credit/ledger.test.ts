import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { type Db, withTransaction } from '../../db/pool.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { issueVoucher } from '../vouchers/issue-voucher.ts';
import { accountStatement, customerCredit } from './credit-statement.ts';
import { expireDue } from './expire-due.ts';
import { issueCredit } from './issue-credit.ts';
import { issueGiftVoucher } from './issue-gift-voucher.ts';
import { redeemCode } from './redeem-code.ts';
import { reverseRedemption } from './reverse-redemption.ts';
import { assertLedgerInvariants } from './testing.ts';
import { validateCode } from './validate-code.ts';

let database: TestDatabase;
let db: Db;
let merchantId: string;
let otherMerchantId: string;
const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

async function customer(email = `${newId('cus')}@example.com`): Promise<string> {
  const id = newId('cus');
  await db.insertInto('customers').values({ merchant_id: merchantId, id, email }).execute();
  return id;
}

async function gift(amount: number, extra: { expiresAt?: Date; currency?: string; merchant?: string } = {}) {
  return withTransaction(db, (tx) =>
    issueGiftVoucher({
      tx,
      merchantId: extra.merchant ?? merchantId,
      amount,
      currency: extra.currency ?? 'USD',
      expiresAt: extra.expiresAt ?? null,
    }),
  );
}

async function rejects(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    return true;
  });
}

before(async () => {
  database = await createTestDatabase();
  db = database.db;
  const t = { database, config: testConfig() };
  merchantId = (await createTestMerchant(t)).id;
  otherMerchantId = (await createTestMerchant(t)).id;
});
after(async () => {
  await assertLedgerInvariants(db);
  await database.drop();
});

describe('store credit', () => {
  test('issue with a bonus: two transactions, the bonus funded from the bonus account', async () => {
    const customerId = await customer();
    const issued = await withTransaction(db, (tx) =>
      issueCredit({
        tx,
        merchantId,
        customerId,
        currency: 'USD',
        amount: 5000,
        bonus: 500,
        kind: 'refund',
        reference: { type: 'return', id: 'R100' },
        idempotencyKey: 'ret-100',
        now: NOW,
      }),
    );
    assert.equal(issued.account.balance, 5500);
    assert.deepEqual(
      issued.transactions.map((t) => [t.kind, t.amount, t.balanceAfter]),
      [
        ['refund', 5000, 5000],
        ['bonus', 500, 5500],
      ],
    );
    const again = await withTransaction(db, (tx) =>
      issueCredit({
        tx,
        merchantId,
        customerId,
        currency: 'USD',
        amount: 5000,
        bonus: 500,
        idempotencyKey: 'ret-100',
        now: NOW,
      }),
    );
    assert.equal(again.replayed, true);
    assert.deepEqual(
      again.transactions.map((t) => t.id),
      issued.transactions.map((t) => t.id),
    );
    assert.equal(again.account.balance, 5500, 'a retry issues nothing');
    await rejects(
      withTransaction(db, (tx) =>
        issueCredit({
          tx,
          merchantId,
          customerId,
          currency: 'USD',
          amount: 99,
          idempotencyKey: 'ret-100',
          now: NOW,
        }),
      ),
      'idempotency_key_reused',
    );
    const credit = await customerCredit({ db, merchantId, customerId, limit: 10 });
    assert.deepEqual(
      credit.statement.map((l) => [l.kind, l.amount, l.balanceAfter, l.referenceId]),
      [
        ['bonus', 500, 5500, 'R100'],
        ['refund', 5000, 5000, 'R100'],
      ],
    );
  });

  test('spent by customer id; a second currency is its own account', async () => {
    const customerId = await customer();
    for (const currency of ['USD', 'SEK'])
      await withTransaction(db, (tx) =>
        issueCredit({ tx, merchantId, customerId, currency, amount: 1000, now: NOW }),
      );
    const spent = await redeemCode({
      db,
      merchantId,
      input: { customerId, amount: 400, currency: 'SEK', orderRef: '#1' },
      now: NOW,
    });
    assert.equal(spent.balanceAfter, 600);
    const credit = await customerCredit({ db, merchantId, customerId, limit: 10 });
    assert.deepEqual(credit.balances.map((b) => [b.currency, b.balance]).sort(), [
      ['SEK', 600],
      ['USD', 1000],
    ]);
    await rejects(
      redeemCode({
        db,
        merchantId,
        input: { customerId, amount: 1, currency: 'EUR', orderRef: '#1' },
        now: NOW,
      }),
      'insufficient_balance',
    );
    await rejects(customerCredit({ db, merchantId: otherMerchantId, customerId, limit: 10 }), 'not_found');
  });

  test('expiry: a later grant never shortens it; expireDue moves what is left to breakage', async () => {
    const customerId = await customer();
    const issue = (amount: number, expiresAt: Date | null, now = NOW) =>
      withTransaction(db, (tx) =>
        issueCredit({ tx, merchantId, customerId, currency: 'USD', amount, expiresAt, now }),
      );
    await issue(1000, new Date(NOW.getTime() + 30 * DAY));
    const second = await issue(500, new Date(NOW.getTime() + 10 * DAY));
    assert.equal(second.account.expiresAt, new Date(NOW.getTime() + 30 * DAY).toISOString());
    const result = await expireDue({ db, now: new Date(NOW.getTime() + 31 * DAY) });
    assert.ok(result.expired >= 1);
    const credit = await customerCredit({ db, merchantId, customerId, limit: 10 });
    assert.equal(credit.balances[0]!.balance, 0);
    assert.equal(credit.balances[0]!.status, 'expired');
    assert.equal(credit.statement[0]!.kind, 'expire');
    assert.equal(credit.statement[0]!.amount, -1500);
    // Credit issued again brings the account back with the new grant's date.
    const later = new Date(NOW.getTime() + 40 * DAY);
    const revived = await issue(200, null, later);
    assert.equal(revived.account.status, 'active');
    assert.equal(revived.account.expiresAt, null);
    assert.equal((await expireDue({ db, now: new Date(NOW.getTime() + 400 * DAY) })).amounts.USD ?? 0, 0);
  });
});

describe('gift vouchers', () => {
  test('the code is shown once, stored hashed, redeemed in parts, and given back', async () => {
    const g = await gift(10_000);
    assert.match(g.code!, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const row = await db
      .selectFrom('credit_accounts')
      .selectAll()
      .where('id', '=', g.account.id)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(g.code!.replace(/-/g, '')), 'the code is not stored');
    assert.equal(row.code_hint, g.code!.slice(-4));

    const typed = g.code!.toLowerCase().replace(/-/g, ' ');
    const check = await validateCode({
      db,
      merchantId,
      code: typed,
      orderTotal: 2500,
      currency: 'USD',
      now: NOW,
    });
    assert.deepEqual(
      [check.valid, check.kind, check.balance, check.applicableAmount],
      [true, 'gift_voucher', 10_000, 2500],
    );
    const first = await redeemCode({
      db,
      merchantId,
      input: { code: typed, amount: 2500, currency: 'USD', orderRef: '#1001', redemptionId: 'r-1' },
      now: NOW,
    });
    assert.deepEqual(
      [first.kind, first.amount, first.balanceAfter, first.replayed],
      ['redeem', -2500, 7500, false],
    );
    const retry = await redeemCode({
      db,
      merchantId,
      input: { code: g.code!, amount: 2500, currency: 'USD', orderRef: '#1001', redemptionId: 'r-1' },
      now: NOW,
    });
    assert.deepEqual([retry.id, retry.replayed, retry.balanceAfter], [first.id, true, 7500]);
    await rejects(
      redeemCode({
        db,
        merchantId,
        input: { code: g.code!, amount: 100, currency: 'USD', orderRef: '#1001', redemptionId: 'r-1' },
        now: NOW,
      }),
      'idempotency_key_reused',
    );
    await rejects(
      redeemCode({
        db,
        merchantId,
        input: { code: g.code!, amount: 7501, currency: 'USD', orderRef: '#2' },
        now: NOW,
      }),
      'insufficient_balance',
    );
    await rejects(
      redeemCode({
        db,
        merchantId,
        input: { code: g.code!, amount: 1, currency: 'EUR', orderRef: '#2' },
        now: NOW,
      }),
      'currency_mismatch',
    );
    await rejects(
      redeemCode({
        db,
        merchantId: otherMerchantId,
        input: { code: g.code!, amount: 1, currency: 'USD', orderRef: '#2' },
        now: NOW,
      }),
      'code_not_found',
    );

    const back = await reverseRedemption({ db, merchantId, redemptionId: first.id, amount: 1000, now: NOW });
    assert.deepEqual(
      [back.kind, back.amount, back.balanceAfter, back.reversesId],
      ['reverse', 1000, 8500, first.id],
    );
    await rejects(
      reverseRedemption({ db, merchantId, redemptionId: first.id, amount: 1501, now: NOW }),
      'reversal_exceeds_redemption',
    );
    const rest = await reverseRedemption({ db, merchantId, redemptionId: first.id, now: NOW });
    assert.equal(rest.balanceAfter, 10_000);
    await rejects(
      reverseRedemption({ db, merchantId, redemptionId: first.id, now: NOW }),
      'already_reversed',
    );
    await rejects(
      reverseRedemption({ db, merchantId: otherMerchantId, redemptionId: first.id, now: NOW }),
      'not_found',
    );
    const statement = await accountStatement({ db, merchantId, accountId: g.account.id, limit: 10 });
    assert.deepEqual(
      statement.statement.map((l) => [l.kind, l.amount]),
      [
        ['reverse', 1500],
        ['reverse', 1000],
        ['redeem', -2500],
        ['issue', 10_000],
      ],
    );
  });

  test('an expired code: valid false with code_expired, redeem refused, expiry takes the balance', async () => {
    const g = await gift(3000, { expiresAt: new Date(NOW.getTime() - DAY) });
    const check = await validateCode({ db, merchantId, code: g.code!, now: NOW });
    assert.deepEqual([check.valid, check.reason?.code, check.applicableAmount], [false, 'code_expired', 0]);
    await rejects(
      redeemCode({
        db,
        merchantId,
        input: { code: g.code!, amount: 1, currency: 'USD', orderRef: '#9' },
        now: NOW,
      }),
      'code_expired',
    );
    await expireDue({ db, now: NOW });
    const after = await accountStatement({ db, merchantId, accountId: g.account.id, limit: 5 });
    assert.deepEqual([after.account.balance, after.account.status], [0, 'expired']);
  });

  test('unknown codes are code_not_found', async () => {
    await rejects(validateCode({ db, merchantId, code: 'AAAA-BBBB-CCCC-DDDD', now: NOW }), 'code_not_found');
  });

  test('20 concurrent redemptions of more than a fifth each never spend more than the balance', async () => {
    const g = await gift(10_000);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        redeemCode({
          db,
          merchantId,
          input: { code: g.code!, amount: 2100, currency: 'USD', orderRef: `#c${i}` },
          now: NOW,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 4, 'four times 2100 fit into 10000, a fifth does not');
    assert.deepEqual(
      new Set(failed.map((r) => (r.reason as AppError).code)),
      new Set(['insufficient_balance']),
    );
    const after = await accountStatement({ db, merchantId, accountId: g.account.id, limit: 50 });
    assert.equal(after.account.balance, 10_000 - 4 * 2100);
    await assertLedgerInvariants(db);
  });
});

describe('thank-you vouchers from journeys', () => {
  test('an amount voucher carries its value in the ledger and is spent by its code', async () => {
    const customerId = await customer();
    const v = await withTransaction(db, (tx) =>
      issueVoucher(tx, {
        merchantId,
        sourceKey: 'journey:step:1',
        kind: 'thank_you',
        customerId,
        orderId: null,
        amountMinor: 1500,
        expiresAt: new Date(NOW.getTime() + 60 * DAY),
        prefix: 'THANKS',
      }),
    );
    const again = await withTransaction(db, (tx) =>
      issueVoucher(tx, {
        merchantId,
        sourceKey: 'journey:step:1',
        kind: 'thank_you',
        customerId,
        orderId: null,
        amountMinor: 1500,
        expiresAt: new Date(NOW.getTime() + 60 * DAY),
        prefix: 'THANKS',
      }),
    );
    assert.equal(again.code, v.code);
    const check = await validateCode({ db, merchantId, code: v.code, now: NOW });
    assert.deepEqual([check.kind, check.balance, check.currency], ['thank_you', 1500, 'USD']);
    const spent = await redeemCode({
      db,
      merchantId,
      input: { code: v.code.toLowerCase(), amount: 1500, currency: 'USD', orderRef: '#T1' },
      now: NOW,
    });
    assert.equal(spent.balanceAfter, 0);
    const credit = await customerCredit({ db, merchantId, customerId, limit: 10 });
    assert.deepEqual(
      credit.balances.map((b) => [b.kind, b.balance]),
      [['thank_you', 0]],
    );
  });

  test('a percent-off voucher: single use, idempotent, usable again after a reversal', async () => {
    const v = await withTransaction(db, (tx) =>
      issueVoucher(tx, {
        merchantId,
        sourceKey: 'journey:step:2',
        kind: 'thank_you',
        customerId: null,
        orderId: null,
        percentOff: 10,
        expiresAt: new Date(NOW.getTime() + 60 * DAY),
        prefix: 'THANKS',
      }),
    );
    const check = await validateCode({ db, merchantId, code: v.code, orderTotal: 4999, now: NOW });
    assert.deepEqual(
      [check.valid, check.kind, check.percentOff, check.applicableAmount],
      [true, 'percent_off', 10, 499],
    );
    const redeem = (redemptionId: string, orderRef = '#P1') =>
      redeemCode({
        db,
        merchantId,
        input: { code: v.code, amount: 499, currency: 'USD', orderRef, redemptionId },
        now: NOW,
      });
    const results = await Promise.allSettled([redeem('p-1'), redeem('p-2', '#P2'), redeem('p-3', '#P3')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'single use under concurrency');
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    const first = (results[winner] as PromiseFulfilledResult<Awaited<ReturnType<typeof redeem>>>).value;
    assert.equal(first.codeKind, 'percent_off');
    const replay = await redeem(`p-${winner + 1}`, ['#P1', '#P2', '#P3'][winner]);
    assert.deepEqual([replay.id, replay.replayed], [first.id, true]);
    await rejects(redeem('p-9'), 'already_redeemed');
    const used = await validateCode({ db, merchantId, code: v.code, now: NOW });
    assert.deepEqual([used.valid, used.reason?.code], [false, 'already_redeemed']);
    await reverseRedemption({ db, merchantId, redemptionId: first.id, now: NOW });
    await rejects(
      reverseRedemption({ db, merchantId, redemptionId: first.id, now: NOW }),
      'already_reversed',
    );
    assert.equal(
      (await redeem('p-10', '#P10')).replayed,
      false,
      'usable again after the order was cancelled',
    );
  });
});
