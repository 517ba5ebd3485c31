import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { assertError } from '../../../test/api-fixtures.ts';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { registerApiRoutes } from '../../http/api.ts';
import { buildApp } from '../../http/app.ts';
import { silentLogger } from '../../lib/logger.ts';
import { returnAnalyticsRoutes } from './analytics-routes.ts';

const URL = '/api/v1/analytics/returns';
let app: FastifyInstance;
let database: TestDatabase;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;
let teeId = '';
let mugId = '';
let variants: Record<string, string> = {};
let seq = 0;
/** The Madrid day of the one old order, placed 23:30 UTC the evening before. */
const oldDay = DateTime.utc().minus({ days: 120 }).toISODate()!;

function call(method: 'GET' | 'POST', url: string, payload?: unknown, auth = shop.auth) {
  return app.inject({ method, url, headers: auth, payload: payload as never });
}

async function ok(res: Awaited<ReturnType<typeof call>>, status = 200) {
  assert.equal(res.statusCode, status, res.body);
  return res.json();
}

/** Two T-shirts size S and a mug (and whatever `extraLines` adds), delivered two days ago. */
async function deliveredOrder(extraLines: unknown[] = [], auth = shop.auth) {
  seq++;
  const o = await ok(
    await call(
      'POST',
      '/api/v1/orders',
      {
        number: `#A${seq}`,
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
          {
            productExternalId: 'MUG',
            variantExternalId: 'MUG',
            sku: 'MUG',
            title: 'Taza',
            quantity: 1,
            unitPrice: 1200,
          },
          ...extraLines,
        ],
      },
      auth,
    ),
    201,
  );
  await ok(await call('POST', `/api/v1/orders/${o.id}/pay`, {}, auth));
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const shipped = await ok(
    await call(
      'POST',
      `/api/v1/orders/${o.id}/shipments`,
      { carrier: 'correos', trackingNumber: `AN${String(seq).padStart(9, '0')}ES`, shippedAt: at },
      auth,
    ),
    201,
  );
  await ok(
    await call(
      'POST',
      '/api/v1/tracking-events',
      { events: [{ shipmentId: shipped.id, occurredAt: at, status: 'delivered' }] },
      auth,
    ),
  );
  return { id: o.id as string, tee: o.lines[0].id as string, mug: o.lines[1].id as string };
}

async function requestReturn(body: Record<string, unknown>, auth = shop.auth) {
  return ok(await call('POST', '/api/v1/returns', body, auth), 201);
}

/** Receive, inspect every line as restock, resolve. */
async function settle(r: { id: string; lines: Array<{ id: string }> }) {
  await ok(await call('POST', `/api/v1/returns/${r.id}/receive`, {}));
  await ok(
    await call('POST', `/api/v1/returns/${r.id}/inspect`, {
      lines: r.lines.map((l) => ({ lineId: l.id, inspection: 'restock' })),
    }),
  );
  return ok(await call('POST', `/api/v1/returns/${r.id}/resolve`));
}

before(async () => {
  database = await createTestDatabase();
  const config = testConfig();
  const deps = { db: database.db, config, logger: silentLogger };
  app = await buildApp(deps);
  // Until app.ts lists the analytics route, mount it here the way it will.
  if (!app.hasRoute({ method: 'GET', url: URL })) registerApiRoutes(app, returnAnalyticsRoutes(deps), deps);
  await app.ready();
  const t = { database, config };
  shop = await createTestMerchant(t, { currency: 'EUR', locale: 'es', timezone: 'Europe/Madrid' });
  other = await createTestMerchant(t, { currency: 'EUR', timezone: 'Europe/Madrid' });

  for (const auth of [other.auth, shop.auth]) {
    const tee = await ok(
      await call(
        'POST',
        '/api/v1/products',
        {
          externalId: 'TEE',
          title: 'Camiseta básica',
          category: 'tops',
          variants: [
            { externalId: 'TEE-S', sku: 'TEE-S', size: 'S', price: 2500, inventory: 10 },
            { externalId: 'TEE-M', sku: 'TEE-M', size: 'M', price: 2500, inventory: 5 },
          ],
        },
        auth,
      ),
      201,
    );
    const mug = await ok(
      await call(
        'POST',
        '/api/v1/products',
        {
          externalId: 'MUG',
          title: 'Taza',
          category: 'home',
          variants: [{ externalId: 'MUG', sku: 'MUG', price: 1200, inventory: 5 }],
        },
        auth,
      ),
      201,
    );
    teeId = tee.id;
    mugId = mug.id;
    variants = Object.fromEntries(tee.variants.map((v: { sku: string; id: string }) => [v.sku, v.id]));
  }

  // The other shop: one order, every unit of it returned. None of it may show in the shop's numbers.
  const theirs = await deliveredOrder([], other.auth);
  await requestReturn(
    {
      orderId: theirs.id,
      resolution: 'refund',
      lines: [
        { orderLineId: theirs.tee, quantity: 2, reason: 'changed_mind' },
        { orderLineId: theirs.mug, quantity: 1, reason: 'changed_mind' },
      ],
    },
    other.auth,
  );

  // O1 (with gift wrap, no product): one T-shirt refunded, then filed away.
  const o1 = await deliveredOrder([{ title: 'Papel de regalo', quantity: 1, unitPrice: 300 }]);
  const a = await requestReturn({
    orderId: o1.id,
    resolution: 'refund',
    lines: [{ orderLineId: o1.tee, quantity: 1, reason: 'fit', subReason: 'too_small' }],
  });
  assert.equal((await settle(a)).outcome, 'refunded');
  await ok(await call('POST', `/api/v1/returns/${a.id}/close`, {}));
  // O2: both T-shirts for store credit (10 % bonus).
  const o2 = await deliveredOrder();
  const b = await requestReturn({
    orderId: o2.id,
    resolution: 'store_credit',
    lines: [{ orderLineId: o2.tee, quantity: 2, reason: 'changed_mind' }],
  });
  assert.equal((await settle(b)).outcome, 'credited');
  // O3: a broken mug waiting for review, and one T-shirt exchanged for a size M (the exchange order is no sale).
  const o3 = await deliveredOrder();
  const c = await requestReturn({
    orderId: o3.id,
    resolution: 'refund',
    lines: [{ orderLineId: o3.mug, quantity: 1, reason: 'damaged' }],
  });
  assert.equal(c.status, 'needs_review');
  const d = await requestReturn({
    orderId: o3.id,
    resolution: 'exchange_variant',
    lines: [
      {
        orderLineId: o3.tee,
        quantity: 1,
        reason: 'fit',
        subReason: 'too_small',
        exchangeVariantId: variants['TEE-M'],
      },
    ],
  });
  assert.equal((await settle(d)).outcome, 'exchanged');
  // O4: a mug return, withdrawn.
  const o4 = await deliveredOrder();
  const e = await requestReturn({
    orderId: o4.id,
    resolution: 'refund',
    lines: [{ orderLineId: o4.mug, quantity: 1, reason: 'changed_mind' }],
  });
  await ok(await call('POST', `/api/v1/returns/${e.id}/cancel`, {}));
  // A cancelled order sold nothing.
  const o6 = await ok(
    await call('POST', '/api/v1/orders', {
      number: '#A-cancelled',
      currency: 'EUR',
      lines: [{ productExternalId: 'TEE', sku: 'TEE-S', title: 'Camiseta', quantity: 5, unitPrice: 2500 }],
    }),
    201,
  );
  await ok(await call('POST', `/api/v1/orders/${o6.id}/cancel`, { reason: 'fraud' }));
  // An old order, 00:30 in Madrid on `oldDay` (23:30 UTC the day before).
  const prior = DateTime.fromISO(oldDay, { zone: 'utc' }).minus({ days: 1 }).toISODate();
  await ok(
    await call('POST', '/api/v1/orders', {
      number: '#A-old',
      currency: 'EUR',
      placedAt: `${prior}T23:30:00Z`,
      lines: [{ productExternalId: 'TEE', sku: 'TEE-S', title: 'Camiseta', quantity: 3, unitPrice: 2500 }],
    }),
    201,
  );
});
after(async () => {
  await app.close();
  await database.drop();
});

describe('return analytics', () => {
  test('the last 90 days: rates by product, category and reason, statuses, outcomes, revenue kept', async () => {
    const r = await ok(await call('GET', URL));
    const today = DateTime.now().setZone('Europe/Madrid');
    assert.equal(r.to, today.toISODate());
    assert.equal(r.from, today.minus({ days: 89 }).toISODate());
    assert.equal(r.timeZone, 'Europe/Madrid');
    // Orders O1-O4; not the cancelled order, the old one, nor the exchange order.
    assert.deepEqual(r.sold, { orders: 4, unitsSold: 13, unitsReturned: 5, returnRate: 0.3846, returns: 4 });
    assert.deepEqual(r.byProduct, [
      {
        productId: teeId,
        title: 'Camiseta básica',
        skus: ['TEE-S'],
        category: 'tops',
        unitsSold: 8,
        unitsReturned: 4,
        returnRate: 0.5,
      },
      {
        productId: mugId,
        title: 'Taza',
        skus: ['MUG'],
        category: 'home',
        unitsSold: 4,
        unitsReturned: 1,
        returnRate: 0.25,
      },
      {
        productId: null,
        title: 'Papel de regalo',
        skus: [],
        category: null,
        unitsSold: 1,
        unitsReturned: 0,
        returnRate: 0,
      },
    ]);
    assert.deepEqual(r.byCategory, [
      { category: 'tops', unitsSold: 8, unitsReturned: 4, returnRate: 0.5 },
      { category: 'home', unitsSold: 4, unitsReturned: 1, returnRate: 0.25 },
      { category: null, unitsSold: 1, unitsReturned: 0, returnRate: 0 },
    ]);
    assert.deepEqual(r.byReason, [
      { reason: 'changed_mind', returns: 1, unitsReturned: 2, share: 0.4, returnRate: 0.1538 },
      { reason: 'fit', returns: 2, unitsReturned: 2, share: 0.4, returnRate: 0.1538 },
      { reason: 'damaged', returns: 1, unitsReturned: 1, share: 0.2, returnRate: 0.0769 },
    ]);
    assert.deepEqual(r.byStatus, {
      requested: 0,
      needs_review: 1,
      approved: 0,
      rejected: 0,
      label_issued: 0,
      in_transit: 0,
      received: 0,
      inspected: 0,
      resolved: 2,
      closed: 1,
      cancelled: 1,
    });
    assert.deepEqual(r.outcomes, {
      resolved: 3,
      byOutcome: [
        { outcome: 'refunded', returns: 1, share: 0.3333 },
        { outcome: 'credited', returns: 1, share: 0.3333 },
        { outcome: 'exchanged', returns: 1, share: 0.3333 },
      ],
    });
    assert.deepEqual(r.revenue, [
      {
        currency: 'EUR',
        refundedMinor: 2500,
        creditedMinor: 5000,
        exchangedMinor: 2500,
        keptMinor: 7500,
        keptShare: 0.75,
        moneyRefundedMinor: 2500 - 495,
        creditIssuedMinor: 5500,
      },
    ]);
  });

  test("days are the merchant's: an order at 23:30 UTC counts on the next Madrid day", async () => {
    const day = await ok(await call('GET', `${URL}?from=${oldDay}&to=${oldDay}`));
    assert.equal(day.from, oldDay);
    assert.deepEqual(day.sold, { orders: 1, unitsSold: 3, unitsReturned: 0, returnRate: 0, returns: 0 });
    assert.deepEqual(
      day.byProduct.map((p: { title: string; unitsSold: number }) => [p.title, p.unitsSold]),
      [['Camiseta básica', 3]],
    );
    assert.equal(day.outcomes.resolved, 0);
    assert.deepEqual(day.revenue, []);
    assert.ok(Object.values(day.byStatus).every((n) => n === 0));
    const before = DateTime.fromISO(oldDay).minus({ days: 1 }).toISODate();
    const empty = await ok(await call('GET', `${URL}?from=${before}&to=${before}`));
    assert.deepEqual(empty.sold, { orders: 0, unitsSold: 0, unitsReturned: 0, returnRate: 0, returns: 0 });
    assert.deepEqual([empty.byProduct, empty.byCategory, empty.byReason], [[], [], []]);
    const limited = await ok(await call('GET', `${URL}?from=${oldDay}&limit=1`));
    assert.deepEqual(
      limited.byProduct.map((p: { productId: string; unitsSold: number }) => [p.productId, p.unitsSold]),
      [[teeId, 11]],
    );
    assert.equal(limited.sold.unitsSold, 16, 'the totals are not limited');
  });

  test('another merchant sees only its own numbers', async () => {
    const r = await ok(await call('GET', URL, undefined, other.auth));
    assert.deepEqual(r.sold, { orders: 1, unitsSold: 3, unitsReturned: 3, returnRate: 1, returns: 1 });
    assert.ok(
      r.byProduct.every((p: { productId: string }) => p.productId !== teeId && p.productId !== mugId),
    );
    assert.deepEqual(r.byReason, [
      { reason: 'changed_mind', returns: 1, unitsReturned: 3, share: 1, returnRate: 1 },
    ]);
    assert.equal(r.byStatus.approved, 1);
    assert.equal(r.outcomes.resolved, 0);
  });

  test('bad windows are 400, no key is 401', async () => {
    assertError(await call('GET', `${URL}?from=2026-03-02&to=2026-03-01`), 400, 'validation_failed');
    assertError(await call('GET', `${URL}?from=2026-02-30`), 400, 'validation_failed');
    assertError(await call('GET', `${URL}?from=2020-01-01&to=2026-01-01`), 400, 'validation_failed');
    assertError(await call('GET', `${URL}?since=2026-01-01`), 400, 'validation_failed');
    assertError(await call('GET', `${URL}?limit=0`), 400, 'validation_failed');
    assertError(await app.inject({ url: URL }), 401, 'missing_api_key');
  });
});
