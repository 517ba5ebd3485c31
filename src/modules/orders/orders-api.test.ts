import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t, { currency: 'BRL', locale: 'pt-BR', timezone: 'America/Sao_Paulo' });
});
after(() => t.close());

const order = (number: string, extra: Record<string, unknown> = {}) => ({
  number,
  currency: 'BRL',
  customer: { email: 'Ana.Souza@Example.com', firstName: 'Ana', phone: '(11) 98765-4321' },
  shippingAddress: { country: 'BR', city: 'São Paulo', postalCode: '01310-100' },
  lines: [
    {
      sku: 'TEE-M',
      title: 'Camiseta',
      variantTitle: 'M / Azul',
      size: 'M',
      color: 'Azul',
      quantity: 2,
      unitPrice: 7990,
      properties: [{ name: 'Bordado', value: 'AS' }],
    },
    { sku: 'CAP', title: 'Boné', quantity: 1, unitPrice: 4990, discount: 500 },
  ],
  shipping: { method: 'SEDEX', price: 1500 },
  discounts: [{ code: 'BEMVINDA', amount: 1000 }],
  ...extra,
});

describe('orders over the REST API', () => {
  test('creates an order with computed totals, a matched customer and order.placed', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: shop.auth,
      payload: order('#1001'),
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.status, 'placed');
    assert.equal(body.paymentStatus, 'pending');
    assert.equal(body.locale, 'pt-BR');
    assert.deepEqual(body.totals, {
      subtotal: 20970,
      discount: 1500,
      tax: 0,
      shipping: 1500,
      total: 20970,
      refunded: 0,
      currency: 'BRL',
    });
    assert.equal(body.lines.length, 2);
    assert.deepEqual(body.lines[0].properties, [{ name: 'Bordado', value: 'AS' }]);
    assert.equal(body.email, 'ana.souza@example.com');
    assert.equal(body.phone, '+5511987654321');
    const customer = await t.app.inject({ url: `/api/v1/customers/${body.customerId}`, headers: shop.auth });
    assert.equal(customer.json().email, 'ana.souza@example.com');
    const events = await t.app.inject({ url: `/api/v1/events?subjectId=${body.id}`, headers: shop.auth });
    assert.deepEqual(
      events.json().data.map((e: { type: string }) => e.type),
      ['order.placed'],
    );
  });

  test('the same customer is found again by phone from another channel', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: shop.auth,
      payload: order('#1002', { channel: 'store', customer: { phone: '+55 11 98765 4321' } }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const first = await t.app.inject({ url: '/api/v1/orders?number=%231001', headers: shop.auth });
    assert.equal(res.json().customerId, first.json().data[0].customerId);
  });

  test('a total that does not add up is refused and nothing is written', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: shop.auth,
      payload: order('#1003', { total: 100 }),
    });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().error.code, 'totals_mismatch');
    const list = await t.app.inject({ url: '/api/v1/orders?number=%231003', headers: shop.auth });
    assert.equal(list.json().data.length, 0);
  });

  test('pay, refund in part, refund too much, and the lifecycle refuses illegal moves', async () => {
    const created = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: shop.auth,
        payload: order('#1004'),
      })
    ).json();
    const paid = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.id}/pay`,
      headers: shop.auth,
    });
    assert.equal(paid.json().paymentStatus, 'paid');
    const refund = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.id}/refunds`,
      headers: shop.auth,
      payload: { amount: 1000, reason: 'late' },
    });
    assert.equal(refund.statusCode, 201, refund.body);
    assert.equal(refund.json().paymentStatus, 'partially_refunded');
    assert.equal(refund.json().totals.refunded, 1000);
    const tooMuch = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.id}/refunds`,
      headers: shop.auth,
      payload: { amount: 999_999 },
    });
    assert.equal(tooMuch.statusCode, 422);
    assert.equal(tooMuch.json().error.code, 'refund_exceeds_total');
    const ship = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.id}/shipments`,
      headers: shop.auth,
      payload: { carrier: 'Correios', trackingNumber: 'OJ876543216BR' },
    });
    assert.equal(ship.statusCode, 201, ship.body);
    const order2 = await t.app.inject({ url: `/api/v1/orders/${created.id}`, headers: shop.auth });
    assert.equal(order2.json().status, 'shipped');
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${created.id}/cancel`,
      headers: shop.auth,
    });
    assert.equal(cancel.statusCode, 409);
    assert.equal(cancel.json().error.code, 'illegal_transition');
    const events = await t.app.inject({ url: `/api/v1/events?subjectId=${created.id}`, headers: shop.auth });
    assert.deepEqual(
      events.json().data.map((e: { type: string }) => e.type),
      ['order.placed', 'order.paid', 'order.refunded', 'order.shipped'],
    );
  });

  test('Idempotency-Key replays the first answer and refuses a different body', async () => {
    const headers = { ...shop.auth, 'idempotency-key': 'abc-123' };
    const a = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers, payload: order('#1005') });
    const b = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers, payload: order('#1005') });
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(a.json().id, b.json().id);
    const c = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers, payload: order('#1006') });
    assert.equal(c.statusCode, 422);
    assert.equal(c.json().error.code, 'idempotency_key_reused');
  });
});
