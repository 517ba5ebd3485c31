import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, type InjectResponse } from '../../../test/api-fixtures.ts';
import { createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { withTransaction } from '../../db/pool.ts';
import { buildOpenApi } from '../../http/openapi.ts';
import { silentLogger } from '../../lib/logger.ts';
import { issueGiftVoucher } from './issue-gift-voucher.ts';
import { creditRoutes } from './routes.ts';
import { assertLedgerInvariants, createCreditTestApp } from './testing.ts';

type Shop = Awaited<ReturnType<typeof createTestMerchant>>;
let t: TestApp;
let shop: Shop;
let other: Shop;

function call(
  s: Shop,
  method: 'GET' | 'POST',
  url: string,
  body?: object,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    headers: { ...s.auth, ...headers },
    ...(body ? { payload: body } : {}),
  });
}
function ok(res: InjectResponse, status = 200) {
  assert.equal(res.statusCode, status, res.body);
  return res.json();
}
async function gift(amount: number, merchantId = shop.id) {
  const g = await withTransaction(t.database.db, (tx) =>
    issueGiftVoucher({ tx, merchantId, amount, currency: 'USD' }),
  );
  return g.code!;
}

before(async () => {
  t = await createCreditTestApp();
  shop = await createTestMerchant(t, { currency: 'USD' });
  other = await createTestMerchant(t, { currency: 'USD' });
});
after(async () => {
  await assertLedgerInvariants(t.database.db);
  await t.close();
});

describe('credit API', () => {
  test('the routes document themselves in OpenAPI', () => {
    const doc = buildOpenApi(creditRoutes({ db: t.database.db, config: t.config, logger: silentLogger }), {
      version: 'test',
      serverUrl: 'http://shop.test',
    }) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/api/v1/vouchers/redeem']);
  });

  test('store credit by email with a bonus, replayed by Idempotency-Key, shown with its statement', async () => {
    const body = { email: 'Ana@Example.com', currency: 'USD', amount: 2000, bonus: 200, reason: 'refund' };
    const first = ok(
      await call(shop, 'POST', '/api/v1/credit', body, { 'idempotency-key': 'credit-1' }),
      201,
    );
    assert.equal(first.account.balance, 2200);
    assert.deepEqual(
      first.transactions.map((x: { kind: string }) => x.kind),
      ['refund', 'bonus'],
    );
    const again = await call(shop, 'POST', '/api/v1/credit', body, { 'idempotency-key': 'credit-1' });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const customerId = first.account.customerId;
    const credit = ok(await call(shop, 'GET', `/api/v1/customers/${customerId}/credit`));
    assert.deepEqual(
      credit.balances.map((b: { balance: number }) => b.balance),
      [2200],
    );
    assert.equal(credit.statement.length, 2);
    assertError(await call(other, 'GET', `/api/v1/customers/${customerId}/credit`), 404, 'not_found');
    assertError(
      await call(other, 'POST', '/api/v1/credit', { customerId, currency: 'USD', amount: 1 }),
      404,
      'not_found',
    );
    // Spent at checkout by customer id.
    const spent = ok(
      await call(shop, 'POST', '/api/v1/vouchers/redeem', {
        customerId,
        amount: 700,
        currency: 'USD',
        orderRef: '#S1',
      }),
      201,
    );
    assert.equal(spent.balanceAfter, 1500);
    const check = ok(
      await call(shop, 'POST', '/api/v1/vouchers/validate', {
        customerId,
        currency: 'USD',
        orderTotal: 9000,
      }),
    );
    assert.deepEqual([check.kind, check.balance, check.applicableAmount], ['store_credit', 1500, 1500]);
  });

  test('validate, redeem in parts, refusals with stable codes, reverse', async () => {
    const code = await gift(5000);
    const check = ok(await call(shop, 'POST', '/api/v1/vouchers/validate', { code, orderTotal: 1200 }));
    assert.deepEqual(
      [check.valid, check.kind, check.balance, check.currency, check.applicableAmount],
      [true, 'gift_voucher', 5000, 'USD', 1200],
    );
    const unknown = assertError(
      await call(shop, 'POST', '/api/v1/vouchers/validate', { code: 'AAAA-BBBB-CCCC-DDDD' }),
      404,
      'code_not_found',
    );
    const foreign = assertError(
      await call(other, 'POST', '/api/v1/vouchers/validate', { code }),
      404,
      'code_not_found',
    );
    assert.deepEqual(foreign, unknown, "another shop's code looks exactly like an unknown one");

    const redeem = (amount: number, extra: object = {}, headers: Record<string, string> = {}) =>
      call(
        shop,
        'POST',
        '/api/v1/vouchers/redeem',
        { code, amount, currency: 'USD', orderRef: '#A1', ...extra },
        headers,
      );
    const first = ok(await redeem(3000, { redemptionId: 'chk-1' }), 201);
    assert.equal(first.balanceAfter, 2000);
    const retry = ok(await redeem(3000, { redemptionId: 'chk-1' }), 201);
    assert.deepEqual([retry.id, retry.replayed], [first.id, true]);
    assertError(await redeem(10, { redemptionId: 'chk-1' }), 422, 'idempotency_key_reused');
    const insufficient = assertError(await redeem(2001), 422, 'insufficient_balance');
    assert.deepEqual(insufficient.details, { balance: 2000, currency: 'USD', requested: 2001 });
    assertError(await redeem(100, { currency: 'BRL' }), 422, 'currency_mismatch');
    const byHeader = ok(await redeem(500, {}, { 'idempotency-key': 'hdr-1' }), 201);
    const byHeaderAgain = await redeem(500, {}, { 'idempotency-key': 'hdr-1' });
    assert.equal(byHeaderAgain.json().id, byHeader.id);

    const back = ok(await call(shop, 'POST', `/api/v1/vouchers/redemptions/${first.id}/reverse`, {}), 201);
    assert.deepEqual([back.amount, back.balanceAfter], [3000, 4500]);
    assertError(
      await call(shop, 'POST', `/api/v1/vouchers/redemptions/${first.id}/reverse`, {}),
      409,
      'already_reversed',
    );
    assertError(
      await call(other, 'POST', `/api/v1/vouchers/redemptions/${byHeader.id}/reverse`, {}),
      404,
      'not_found',
    );
  });

  test('20 concurrent redeem requests of the same code: never more than the balance', async () => {
    const code = await gift(10_000);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(shop, 'POST', '/api/v1/vouchers/redeem', {
          code,
          amount: 2001,
          currency: 'USD',
          orderRef: `#C${i}`,
        }),
      ),
    );
    const won = responses.filter((r) => r.statusCode === 201);
    assert.equal(won.length, 4);
    for (const r of responses.filter((x) => x.statusCode !== 201))
      assertError(r, 422, 'insufficient_balance');
    const check = ok(await call(shop, 'POST', '/api/v1/vouchers/validate', { code }));
    assert.equal(check.balance, 10_000 - 4 * 2001);
    await assertLedgerInvariants(t.database.db);
  });

  test('bad input: one of code or customerId; amounts are integers', async () => {
    assertError(
      await call(shop, 'POST', '/api/v1/vouchers/redeem', { amount: 1, currency: 'USD', orderRef: '#1' }),
      400,
      'validation_failed',
    );
    assertError(
      await call(shop, 'POST', '/api/v1/vouchers/redeem', {
        code: 'X',
        amount: 1.5,
        currency: 'USD',
        orderRef: '#1',
      }),
      400,
      'validation_failed',
    );
  });
});
