import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../../test/helpers.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t, { currency: 'EUR' });
  other = await createTestMerchant(t, { currency: 'EUR' });
});
after(() => t.close());

const basic = (apiKey: string) => ({
  authorization: `Basic ${Buffer.from(`staff:${apiKey}`).toString('base64')}`,
});

async function returnWaitingForReview() {
  const call = async (url: string, payload: unknown) => {
    const res = await t.app.inject({ method: 'POST', url, headers: shop.auth, payload: payload as never });
    assert.ok(res.statusCode < 300, res.body);
    return res.json();
  };
  const order = await call('/api/v1/orders', {
    number: `#Q${Math.random().toString(36).slice(2, 8)}`,
    currency: 'EUR',
    paymentStatus: 'paid',
    customer: { email: 'q@example.com' },
    lines: [{ sku: 'VASE', title: 'Vase', quantity: 1, unitPrice: 4000 }],
  });
  await call(`/api/v1/orders/${order.id}/shipments`, { carrier: 'dhl' });
  return call('/api/v1/returns', {
    orderId: order.id,
    resolution: 'refund',
    lines: [{ orderLineId: order.lines[0].id, quantity: 1, reason: 'damaged' }],
  });
}

test('staff sign in with the API key, see what waits and why, and take it to a refund', async () => {
  const ret = await returnWaitingForReview();
  assert.equal(ret.status, 'needs_review');
  const anonymous = await t.app.inject({ url: '/admin/returns' });
  assert.equal(anonymous.statusCode, 401);
  assert.match(anonymous.headers['www-authenticate'] as string, /^Basic/);
  const page = await t.app.inject({ url: '/admin/returns', headers: basic(shop.apiKey) });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(ret.number));
  assert.match(page.body, /Please add photos|checks returns for this reason/);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  // Another merchant's key sees none of it.
  const theirs = await t.app.inject({ url: '/admin/returns', headers: basic(other.apiKey) });
  assert.doesNotMatch(theirs.body, new RegExp(ret.number));

  const step = (action: string, body: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/admin/returns/${ret.id}/${action}`,
      headers: { ...basic(shop.apiKey), 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams({ csrf, ...body }).toString(),
    });
  const forged = await t.app.inject({
    method: 'POST',
    url: `/admin/returns/${ret.id}/approve`,
    headers: { ...basic(shop.apiKey), 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'csrf=wrong',
  });
  assert.equal(forged.statusCode, 403);
  const crossSite = await step('approve', {}, { origin: 'https://evil.example', host: 'shop.test' });
  assert.equal(crossSite.statusCode, 403);
  for (const action of ['approve', 'receive', 'inspect', 'resolve']) {
    const res = await step(action);
    assert.equal(res.statusCode, 303, `${action}: ${res.body}`);
    assert.equal(res.headers.location, `/admin/returns?done=${action}`);
  }
  const done = (await t.app.inject({ url: `/api/v1/returns/${ret.id}`, headers: shop.auth })).json();
  assert.equal(done.status, 'resolved');
  assert.equal(done.outcome, 'refunded');
  assert.deepEqual(
    done.history.filter((h: { actor: string }) => h.actor === 'staff').map((h: { to: string }) => h.to),
    ['approved', 'received', 'inspected', 'resolved'],
  );
  // A step out of order comes back as a message on the page, not an error page.
  const again = await step('receive');
  assert.equal(again.statusCode, 303);
  assert.match(again.headers.location as string, /error=/);
});
