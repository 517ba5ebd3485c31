import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { customerCredit } from '../credit/index.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t, { currency: 'EUR', locale: 'es', timezone: 'Europe/Madrid' });
  other = await createTestMerchant(t);
  const product = await call('POST', '/api/v1/products', {
    externalId: 'TEE',
    title: 'Camiseta',
    category: 'tops',
    variants: [
      { externalId: 'TEE-S', sku: 'TEE-S', size: 'S', price: 2500, inventory: 4 },
      { externalId: 'TEE-M', sku: 'TEE-M', size: 'M', price: 2500, inventory: 1 },
      { externalId: 'TEE-L', sku: 'TEE-L', size: 'L', price: 2500, inventory: 0 },
    ],
  });
  assert.equal(product.statusCode, 201, product.body);
  variants = Object.fromEntries(
    product.json().variants.map((v: { sku: string; id: string }) => [v.sku, v.id]),
  );
});
after(() => t.close());

let variants: Record<string, string> = {};
let seq = 0;

function call(method: 'GET' | 'POST', url: string, payload?: unknown, auth = shop.auth) {
  return t.app.inject({ method, url, headers: auth, payload: payload as never });
}

/** An order for two T-shirts size S and a mug, delivered `daysAgo` days ago. */
async function deliveredOrder(daysAgo: number, extra: Record<string, unknown> = {}) {
  seq++;
  const order = await call('POST', '/api/v1/orders', {
    number: `#R${seq}`,
    currency: 'EUR',
    customer: { email: `cliente${seq}@example.es` },
    shippingAddress: { city: 'Madrid', postalCode: '28001', country: 'ES' },
    lines: [
      {
        productExternalId: 'TEE',
        variantExternalId: 'TEE-S',
        sku: 'TEE-S',
        title: 'Camiseta',
        quantity: 2,
        unitPrice: 2500,
      },
      { sku: 'MUG', title: 'Taza', quantity: 1, unitPrice: 1200 },
    ],
    ...extra,
  });
  assert.equal(order.statusCode, 201, order.body);
  const o = order.json();
  assert.equal((await call('POST', `/api/v1/orders/${o.id}/pay`, {})).statusCode, 200);
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const shipped = await call('POST', `/api/v1/orders/${o.id}/shipments`, {
    carrier: 'correos',
    trackingNumber: `RR${String(seq).padStart(9, '0')}ES`,
    shippedAt: at,
  });
  assert.equal(shipped.statusCode, 201, shipped.body);
  const pushed = await call('POST', '/api/v1/tracking-events', {
    events: [{ shipmentId: shipped.json().id, occurredAt: at, status: 'delivered' }],
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  return { id: o.id as string, tee: o.lines[0].id as string, mug: o.lines[1].id as string };
}

const countRows = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('returns')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('returns through the API', () => {
  test('a refund: approved by policy, label, received, inspected, resolved, with every step audited', async () => {
    const o = await deliveredOrder(3);
    const created = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [{ orderLineId: o.tee, quantity: 1, reason: 'fit', subReason: 'too_small' }],
    });
    assert.equal(created.statusCode, 201, created.body);
    const r = created.json();
    assert.equal(r.status, 'approved');
    assert.match(r.number, /^R[0-9A-Z]{8}$/);
    assert.equal(r.valueMinor, 2500);
    assert.equal(r.shippingMinor, 495, 'the default policy charges return shipping on refunds');
    assert.equal(r.lines[0].unitPriceMinor, 2500);

    for (const [action, body] of [
      ['label', { carrier: 'correos', trackingNumber: 'RR000000001ES' }],
      ['receive', {}],
      ['inspect', { lines: [{ lineId: r.lines[0].id, inspection: 'restock' }] }],
      ['resolve', undefined],
      ['close', {}],
    ] as const) {
      const res = await call('POST', `/api/v1/returns/${r.id}/${action}`, body);
      assert.equal(res.statusCode, 200, `${action}: ${res.body}`);
    }
    const done = (await call('GET', `/api/v1/returns/${r.id}`)).json();
    assert.equal(done.status, 'closed');
    assert.equal(done.outcome, 'refunded');
    assert.equal(done.refundedMinor, 2500 - 495);
    assert.deepEqual(
      done.history.map((h: { to: string }) => h.to),
      ['requested', 'approved', 'label_issued', 'received', 'inspected', 'resolved', 'closed'],
    );
    const order = (await call('GET', `/api/v1/orders/${o.id}`)).json();
    assert.equal(order.totals.refunded, 2005);
    assert.equal(order.paymentStatus, 'partially_refunded');
    const events = (await call('GET', `/api/v1/events?subjectId=${r.id}`))
      .json()
      .data.map((e: { type: string }) => e.type);
    assert.deepEqual(events, [
      'return.requested',
      'return.approved',
      'return.label_issued',
      'return.received',
      'return.inspected',
      'return.resolved',
      'return.closed',
    ]);
    // A step out of order is refused and changes nothing.
    const again = await call('POST', `/api/v1/returns/${r.id}/receive`, {});
    assert.equal(again.statusCode, 409);
  });

  test('refused whole, with the rule that refused: more than bought, window passed, final sale of the rest', async () => {
    const before = await countRows();
    const o = await deliveredOrder(3);
    const tooMany = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [
        { orderLineId: o.tee, quantity: 3, reason: 'changed_mind' },
        { orderLineId: o.mug, quantity: 1, reason: 'changed_mind' },
      ],
    });
    assert.equal(tooMany.statusCode, 422, tooMany.body);
    assert.equal(tooMany.json().error.code, 'return_not_allowed');
    assert.ok(
      tooMany
        .json()
        .error.details.rules.some((r: { ruleId: string }) => r.ruleId === 'quantity_exceeds_purchase'),
    );
    assert.equal(await countRows(), before, 'no partial RMA');

    const old = await deliveredOrder(45);
    const late = await call('POST', '/api/v1/returns', {
      orderId: old.id,
      resolution: 'refund',
      lines: [{ orderLineId: old.mug, quantity: 1, reason: 'changed_mind' }],
    });
    assert.equal(late.statusCode, 422);
    assert.ok(late.json().error.details.rules.some((r: { ruleId: string }) => r.ruleId === 'window_closed'));
    assert.match(late.json().error.message, /closed on \d{4}-\d{2}-\d{2}/);
  });

  test('the same units cannot be returned twice; a resubmitted request finds the first', async () => {
    const o = await deliveredOrder(2);
    const body = {
      orderId: o.id,
      resolution: 'store_credit',
      requestKey: `portal-${o.id}`,
      lines: [{ orderLineId: o.tee, quantity: 2, reason: 'style', subReason: 'colour' }],
    };
    const first = await call('POST', '/api/v1/returns', body);
    assert.equal(first.statusCode, 201, first.body);
    const again = await call('POST', '/api/v1/returns', body);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.json().created, false);
    const more = await call('POST', '/api/v1/returns', { ...body, requestKey: undefined });
    assert.equal(more.statusCode, 422);
    assert.ok(
      more.json().error.details.rules.some((r: { ruleId: string }) => r.ruleId === 'already_returned'),
    );
    // Cancelling the first frees the units again.
    assert.equal((await call('POST', `/api/v1/returns/${first.json().id}/cancel`, {})).statusCode, 200);
    const now = await call('POST', '/api/v1/returns', { ...body, requestKey: undefined });
    assert.equal(now.statusCode, 201, now.body);
  });

  test('store credit with the bonus the policy offers, in the ledger once', async () => {
    const o = await deliveredOrder(2);
    const res = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'store_credit',
      lines: [{ orderLineId: o.tee, quantity: 2, reason: 'changed_mind' }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const r = res.json();
    assert.equal(r.bonusMinor, 500, '10 % on 50.00');
    assert.equal(r.shippingMinor, 0, 'free return shipping when taking credit');
    await call('POST', `/api/v1/returns/${r.id}/receive`, {});
    await call('POST', `/api/v1/returns/${r.id}/inspect`, {
      lines: [{ lineId: r.lines[0].id, inspection: 'restock' }],
    });
    const resolved = await call('POST', `/api/v1/returns/${r.id}/resolve`);
    assert.equal(resolved.statusCode, 200, resolved.body);
    assert.equal(resolved.json().outcome, 'credited');
    assert.equal(resolved.json().creditedMinor, 5500);
    const credit = await customerCredit({
      db: t.database.db,
      merchantId: shop.id,
      customerId: r.customerId,
      limit: 10,
    });
    assert.deepEqual(
      credit.balances.map((b) => [b.kind, b.balance, b.currency]),
      [['store_credit', 5500, 'EUR']],
    );
    const order = (await call('GET', `/api/v1/orders/${o.id}`)).json();
    assert.equal(order.totals.refunded, 0, 'no money went back to the card');
  });

  test('damaged needs photos and a person; a file that is not an image is refused', async () => {
    const o = await deliveredOrder(1);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const notImage = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [{ orderLineId: o.mug, quantity: 1, reason: 'damaged' }],
      photos: [{ orderLineId: o.mug, data: Buffer.from('%PDF-1.4 not a photo').toString('base64') }],
    });
    assert.equal(notImage.statusCode, 400);
    assert.equal(notImage.json().error.code, 'photo_unsupported_type');

    const res = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [{ orderLineId: o.mug, quantity: 1, reason: 'damaged', comment: 'Llegó rota' }],
      photos: [{ orderLineId: o.mug, data: png.toString('base64') }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const r = res.json();
    assert.equal(r.status, 'needs_review');
    assert.ok(r.reviewReasons.includes('reason_review'));
    assert.equal(r.shippingMinor, 0, "the shop's fault: free return shipping");
    const rejected = await call('POST', `/api/v1/returns/${r.id}/reject`, { note: '' });
    assert.equal(rejected.statusCode, 400);
    const approved = await call('POST', `/api/v1/returns/${r.id}/approve`, { note: 'Photo shows the crack' });
    assert.equal(approved.json().status, 'approved');
  });

  test('a size exchange ships the new size from stock on a new order', async () => {
    const o = await deliveredOrder(2);
    const noVariant = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'exchange_variant',
      lines: [{ orderLineId: o.tee, quantity: 1, reason: 'fit', subReason: 'too_small' }],
    });
    assert.equal(noVariant.statusCode, 422);
    assert.equal(noVariant.json().error.code, 'exchange_variant_required');
    const soldOut = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'exchange_variant',
      lines: [
        {
          orderLineId: o.tee,
          quantity: 1,
          reason: 'fit',
          subReason: 'too_small',
          exchangeVariantId: variants['TEE-L'],
        },
      ],
    });
    assert.equal(soldOut.statusCode, 422);
    assert.equal(soldOut.json().error.code, 'out_of_stock');
    const mug = await call('POST', '/api/v1/products', {
      externalId: 'HOODIE',
      title: 'Sudadera',
      category: 'tops',
      variants: [{ externalId: 'HOOD-M', sku: 'HOOD-M', size: 'M', price: 4500, inventory: 3 }],
    });
    const hoodie = mug.json().variants[0].id;
    const otherProduct = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'exchange_variant',
      lines: [
        { orderLineId: o.tee, quantity: 1, reason: 'fit', subReason: 'too_small', exchangeVariantId: hoodie },
      ],
    });
    assert.equal(otherProduct.statusCode, 422);
    assert.equal(otherProduct.json().error.code, 'exchange_not_same_product');

    const res = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'exchange_variant',
      lines: [
        {
          orderLineId: o.tee,
          quantity: 1,
          reason: 'fit',
          subReason: 'too_small',
          exchangeVariantId: variants['TEE-M'],
        },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    const r = res.json();
    assert.equal(r.shippingMinor, 0, 'free return shipping for exchanges');
    for (const [action, body] of [
      ['receive', {}],
      ['inspect', { lines: [{ lineId: r.lines[0].id, inspection: 'restock' }] }],
      ['resolve', undefined],
    ] as const) {
      const step = await call('POST', `/api/v1/returns/${r.id}/${action}`, body);
      assert.equal(step.statusCode, 200, `${action}: ${step.body}`);
    }
    const done = (await call('GET', `/api/v1/returns/${r.id}`)).json();
    assert.equal(done.outcome, 'exchanged');
    const exchange = (await call('GET', `/api/v1/orders/${done.exchangeOrderId}`)).json();
    assert.equal(exchange.lines[0].sku, 'TEE-M');
    assert.equal(exchange.totals.total, 0);
    assert.ok(exchange.tags.includes('exchange'));
    const variant = await t.database.db
      .selectFrom('variants')
      .select('inventory')
      .where('id', '=', variants['TEE-M']!)
      .executeTakeFirstOrThrow();
    assert.equal(variant.inventory, 0, 'the exchanged unit left stock');
  });

  test("another merchant's order is not found, and its returns are not listed", async () => {
    const o = await deliveredOrder(2);
    const res = await call(
      'POST',
      '/api/v1/returns',
      {
        orderId: o.id,
        resolution: 'refund',
        lines: [{ orderLineId: o.mug, quantity: 1, reason: 'changed_mind' }],
      },
      other.auth,
    );
    assert.equal(res.statusCode, 404);
    const list = await call('GET', '/api/v1/returns', undefined, other.auth);
    assert.deepEqual(list.json().data, []);
    const damaged = await call('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'store_credit',
      lines: [{ orderLineId: o.mug, quantity: 1, reason: 'damaged' }],
    });
    assert.equal(damaged.json().status, 'needs_review', 'no photo: a person looks first');
    const queue = await call('GET', '/api/v1/returns?status=needs_review,requested');
    assert.ok(queue.json().data.some((r: { id: string }) => r.id === damaged.json().id));
    assert.ok(queue.json().data.every((r: { status: string }) => r.status === 'needs_review'));
    assert.equal((await call('GET', '/api/v1/returns?status=nonsense')).statusCode, 400);
  });
});
