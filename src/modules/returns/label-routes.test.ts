import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { assertError } from '../../../test/api-fixtures.ts';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { buildApp } from '../../http/app.ts';
import { silentLogger } from '../../lib/logger.ts';
import { readLink } from '../messages/links.ts';
import { inspectPdf } from '../printouts/pdf-inspect.test-helper.ts';
import { loadReturnLabel, returnLabelRoutes } from './label-routes.ts';

const LABEL_URL = '/api/v1/returns/:id/label.pdf';
let app: FastifyInstance;
let database: TestDatabase;
let config: ReturnType<typeof testConfig>;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;
let seq = 0;

before(async () => {
  database = await createTestDatabase();
  config = testConfig();
  const deps = { db: database.db, config, logger: silentLogger };
  app = await buildApp(deps);
  // Until app.ts mounts the label route, mount it here the way it will.
  if (!app.hasRoute({ method: 'GET', url: LABEL_URL })) await app.register(returnLabelRoutes(deps));
  await app.ready();
  const t = { database, config };
  shop = await createTestMerchant(t, {
    name: 'Nordljus Kläder',
    currency: 'SEK',
    locale: 'sv',
    timezone: 'Europe/Stockholm',
    postalAddress: {
      company: 'Nordljus Returer',
      line1: 'Lagergatan 7',
      city: 'Göteborg',
      postalCode: '411 04',
      country: 'SE',
    },
  });
  other = await createTestMerchant(t);
});
after(async () => {
  await app.close();
  await database.drop();
});

function call(method: 'GET' | 'POST', url: string, payload?: unknown, auth = shop.auth) {
  return app.inject({ method, url, headers: auth, payload: payload as never });
}

/** A delivered order for one sweater and a mug, shipped to `address`, bought by `customer`. */
async function deliveredOrder(customer: Record<string, unknown>, address: Record<string, unknown>) {
  seq++;
  const order = await call('POST', '/api/v1/orders', {
    number: `#L${seq}`,
    currency: 'SEK',
    locale: 'sv',
    customer: { email: `kund${seq}@example.se`, ...customer },
    shippingAddress: { line1: 'Storgatan 1', city: 'Malmö', postalCode: '211 22', country: 'SE', ...address },
    lines: [
      { sku: 'TROJA-M', title: 'Ulltröja Åre', variantTitle: 'M / Grå', quantity: 1, unitPrice: 89900 },
      { sku: 'MUGG', title: 'Mugg', quantity: 1, unitPrice: 19900 },
    ],
  });
  assert.equal(order.statusCode, 201, order.body);
  const o = order.json();
  assert.equal((await call('POST', `/api/v1/orders/${o.id}/pay`, {})).statusCode, 200);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const shipped = await call('POST', `/api/v1/orders/${o.id}/shipments`, {
    carrier: 'postnord',
    trackingNumber: `LB${String(seq).padStart(9, '0')}SE`,
    shippedAt: at,
  });
  assert.equal(shipped.statusCode, 201, shipped.body);
  const pushed = await call('POST', '/api/v1/tracking-events', {
    events: [{ shipmentId: shipped.json().id, occurredAt: at, status: 'delivered' }],
  });
  assert.equal(pushed.statusCode, 200, pushed.body);
  return { id: o.id as string, number: o.number as string, sweater: o.lines[0].id, mug: o.lines[1].id };
}

const SUB_REASONS: Record<string, string> = { fit: 'too_small', style: 'colour' };

async function requestReturn(orderId: string, lineId: string, reason: string) {
  const subReason = SUB_REASONS[reason];
  const res = await call('POST', '/api/v1/returns', {
    orderId,
    resolution: 'refund',
    lines: [{ orderLineId: lineId, quantity: 1, reason, ...(subReason ? { subReason } : {}) }],
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; number: string; status: string };
}

describe('return label route', () => {
  test("the label of an approved return: RMA, order, items, the customer's address and the merchant's", async () => {
    // No name on the shipping address: the customer's name is printed instead.
    const o = await deliveredOrder({ firstName: 'Åsa', lastName: 'Öberg' }, {});
    const r = await requestReturn(o.id, o.sweater, 'fit');
    assert.equal(r.status, 'approved');
    const res = await call('GET', `/api/v1/returns/${r.id}/label.pdf`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['content-disposition'], `inline; filename="return-label-${r.number}.pdf"`);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    const pages = await inspectPdf(res.rawPayload);
    assert.equal(pages.length, 1);
    const { text, images } = pages[0]!;
    for (const s of [
      'Returetikett',
      `Retur ${r.number}`,
      `Order ${o.number}`,
      'Åsa Öberg',
      'Storgatan 1',
      '211 22 Malmö',
      'Nordljus Returer',
      'Lagergatan 7',
      '411 04 Göteborg',
      '1 × Ulltröja Åre',
      'M / Grå',
      'Inlämningsblad',
    ])
      assert.ok(text.includes(s), `missing "${s}" in:\n${text}`);
    assert.doesNotMatch(text, /Mugg/, 'only the returned line');
    assert.equal(images, 2, 'the barcode and the QR code');
  });

  test('the locale asked for, and a name from the shipping address', async () => {
    const o = await deliveredOrder({ firstName: 'Pepe' }, { name: 'José Muñoz' });
    const r = await requestReturn(o.id, o.mug, 'changed_mind');
    const res = await call('GET', `/api/v1/returns/${r.id}/label.pdf?locale=es`);
    assert.equal(res.statusCode, 200, res.body);
    const [page] = await inspectPdf(res.rawPayload);
    for (const s of ['Etiqueta de devolución', `Devolución ${r.number}`, 'José Muñoz', '1 × Mugg', 'Motivo'])
      assert.ok(page!.text.includes(s), `missing "${s}" in:\n${page!.text}`);
    assert.doesNotMatch(page!.text, /Pepe/);
  });

  test('the QR code points to the return status page', async () => {
    const o = await deliveredOrder({ firstName: 'Örjan' }, {});
    const r = await requestReturn(o.id, o.sweater, 'style');
    const view = await loadReturnLabel({ db: database.db, config, merchantId: shop.id, returnId: r.id });
    assert.ok(view.qrPayload?.startsWith(`${config.PUBLIC_URL}/r/`), view.qrPayload);
    const token = view.qrPayload!.slice(`${config.PUBLIC_URL}/r/`.length);
    assert.deepEqual(readLink(token, config.SECRET_KEY, 'r'), { k: 'r', m: shop.id, r: r.id });
  });

  test('no label before approval, after rejection or cancellation, nor when nothing travels back', async () => {
    const o = await deliveredOrder({ firstName: 'Lo' }, {});
    // Damaged without a photo: parked for a person.
    const waiting = await requestReturn(o.id, o.mug, 'damaged');
    assert.equal(waiting.status, 'needs_review');
    const refused = assertError(
      await call('GET', `/api/v1/returns/${waiting.id}/label.pdf`),
      409,
      'label_not_available',
    );
    assert.deepEqual(refused.details, { status: 'needs_review' });
    assert.equal(
      (await call('POST', `/api/v1/returns/${waiting.id}/reject`, { note: 'Nej' })).statusCode,
      200,
    );
    assertError(await call('GET', `/api/v1/returns/${waiting.id}/label.pdf`), 409, 'label_not_available');

    const cancelled = await requestReturn(o.id, o.sweater, 'fit');
    assert.equal((await call('GET', `/api/v1/returns/${cancelled.id}/label.pdf`)).statusCode, 200);
    assert.equal((await call('POST', `/api/v1/returns/${cancelled.id}/cancel`, {})).statusCode, 200);
    assertError(await call('GET', `/api/v1/returns/${cancelled.id}/label.pdf`), 409, 'label_not_available');

    const o2 = await deliveredOrder({ firstName: 'Ida' }, {});
    const r = await requestReturn(o2.id, o2.sweater, 'fit');
    await sql`UPDATE returns SET status = 'requested' WHERE id = ${r.id}`.execute(database.db);
    assertError(await call('GET', `/api/v1/returns/${r.id}/label.pdf`), 409, 'label_not_available');
    await sql`UPDATE returns SET status = 'approved', keep_item = true WHERE id = ${r.id}`.execute(
      database.db,
    );
    assertError(await call('GET', `/api/v1/returns/${r.id}/label.pdf`), 409, 'label_not_available');
  });

  test("another merchant's return is not found; no key is 401; a bad locale is 400", async () => {
    const o = await deliveredOrder({ firstName: 'Kim' }, {});
    const r = await requestReturn(o.id, o.sweater, 'fit');
    assertError(
      await call('GET', `/api/v1/returns/${r.id}/label.pdf`, undefined, other.auth),
      404,
      'not_found',
    );
    assertError(await app.inject({ url: `/api/v1/returns/${r.id}/label.pdf` }), 401, 'missing_api_key');
    assertError(
      await app.inject({
        url: `/api/v1/returns/${r.id}/label.pdf`,
        headers: { authorization: 'Bearer nope' },
      }),
      401,
      'invalid_api_key',
    );
    assertError(await call('GET', `/api/v1/returns/${r.id}/label.pdf?locale=fr`), 400, 'validation_failed');
    assertError(await call('GET', '/api/v1/returns/ret_missing/label.pdf'), 404, 'not_found');
  });
});
