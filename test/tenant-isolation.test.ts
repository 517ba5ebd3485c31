/**
 * A merchant can never read or change another merchant's data, on any route. The routes come from
 * apiRoutes() itself, so a route added later fails here until the table below says how to exercise it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiRoutes } from '../src/http/app.ts';
import type { ApiRoute } from '../src/http/route.ts';
import { silentLogger } from '../src/lib/logger.ts';
import {
  assertError,
  createOrder,
  fillPath,
  type InjectResponse,
  routeKey,
  tableState,
} from './api-fixtures.ts';
import { createTestApp, createTestMerchant, type TestApp } from './helpers.ts';

type Shop = Awaited<ReturnType<typeof createTestMerchant>>;

/** Everything a merchant has after seedShop, with every id it can be found by. */
interface Seed extends Shop {
  tag: string;
  keyId: string;
  productId: string;
  productExternalId: string;
  variantIds: string[];
  orderId: string;
  order2Id: string;
  lineIds: string[];
  shipmentId: string;
  customerId: string;
  customerEmail: string;
  refundId: string;
  journeyId: string;
  messageId: string;
  endpointId: string;
  eventIds: string[];
  returnId: string;
  redemptionId: string;
  /** The exact body and Idempotency-Key the first order was created with. */
  orderBody: Record<string, unknown>;
  idempotencyKey: string;
  /** nextCursor of the first page of GET /orders?limit=1. */
  ordersCursor: string;
}

let t: TestApp;
let routes: ApiRoute[];
let A: Seed;
let B: Seed;

async function call(
  shop: { auth: Record<string, string> },
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<InjectResponse> {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...shop.auth, ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

async function ok(res: InjectResponse, status = 200) {
  assert.equal(res.statusCode, status, res.body);
  return res.json();
}

/** A product, a customer, a paid order with a partial shipment and a refund, and a second order. */
async function seedShop(tag: string): Promise<Seed> {
  const shop = await createTestMerchant(t, { name: `${tag} shop`, currency: 'USD' });
  const productExternalId = `${tag}-tee`;
  const product = await ok(
    await call(shop, 'POST', '/api/v1/products', {
      externalId: productExternalId,
      title: `${tag} tee`,
      category: 'tees',
      variants: [{ sku: `${tag}-tee-m`, size: 'M', price: 2500 }],
    }),
    201,
  );
  const customerEmail = `${tag}@${tag}.test`;
  const orderBody = {
    number: `${tag}-1001`,
    currency: 'USD',
    customer: { email: customerEmail, externalId: `${tag}-customer`, firstName: tag },
    lines: [
      {
        productExternalId,
        variantExternalId: `${tag}-tee-m`,
        sku: `${tag}-tee-m`,
        title: `${tag} tee`,
        quantity: 2,
        unitPrice: 2500,
      },
      { title: 'Gift wrap', quantity: 1, unitPrice: 300 },
    ],
  };
  const idempotencyKey = `${tag}-checkout-1`;
  const order = await ok(
    await call(shop, 'POST', '/api/v1/orders', orderBody, { 'idempotency-key': idempotencyKey }),
    201,
  );
  await ok(await call(shop, 'POST', `/api/v1/orders/${order.id}/pay`));
  const shipment = await ok(
    await call(shop, 'POST', `/api/v1/orders/${order.id}/shipments`, {
      carrier: 'UPS',
      trackingNumber: `1Z${tag.toUpperCase()}0001`,
      lines: [{ lineId: order.lines[0].id, quantity: 1 }],
    }),
    201,
  );
  await ok(
    await call(shop, 'POST', `/api/v1/orders/${order.id}/refunds`, { amount: 500, reason: 'scratched' }),
    201,
  );
  const order2 = await createOrder(t.app, shop.auth, {
    ...orderBody,
    number: `${tag}-1002`,
    lines: [{ title: 'Socks', quantity: 1, unitPrice: 900 }],
  });
  const journey = await ok(
    await call(shop, 'POST', '/api/v1/journeys', {
      name: `${tag} thanks`,
      definition: {
        trigger: { event: 'order.delivered' },
        steps: [{ type: 'send', template: 'thermometer' }],
      },
    }),
    201,
  );
  await ok(
    await call(shop, 'PUT', '/api/v1/templates/order_confirmation/sv', {
      channel: 'email',
      subject: `${tag} tack {{ order.number }}`,
      body: '<mj-section><mj-column><mj-text>Tack {{ customer.first_name }}</mj-text></mj-column></mj-section>',
    }),
    201,
  );
  const testSend = await ok(
    await call(shop, 'POST', '/api/v1/templates/order_confirmation/en/test-send', { orderId: order.id }),
    201,
  );
  const endpoint = await ok(
    await call(shop, 'POST', '/api/v1/webhook-endpoints', {
      url: `https://93.184.216.34/${tag}`,
      events: ['order.placed'],
    }),
    201,
  );
  // The shipped tee comes back (the window counts from fulfilment while there is no delivery scan).
  const ret = await ok(
    await call(shop, 'POST', '/api/v1/returns', {
      orderId: order.id,
      resolution: 'refund',
      lines: [{ orderLineId: order.lines[0].id, quantity: 1, reason: 'changed_mind' }],
    }),
    201,
  );
  await ok(
    await call(shop, 'POST', '/api/v1/credit', {
      customerId: order.customerId,
      currency: 'USD',
      amount: 5000,
    }),
    201,
  );
  const redemption = await ok(
    await call(shop, 'POST', '/api/v1/vouchers/redeem', {
      customerId: order.customerId,
      amount: 1000,
      currency: 'USD',
      orderRef: `${tag}-1001`,
    }),
    201,
  );
  const keys = await ok(await call(shop, 'GET', '/api/v1/api-keys'));
  const events = await ok(await call(shop, 'GET', '/api/v1/events?limit=500'));
  const refunded = events.data.find((e: { type: string }) => e.type === 'order.refunded');
  const firstPage = await ok(await call(shop, 'GET', '/api/v1/orders?limit=1'));
  assert.ok(firstPage.nextCursor, 'two orders give a second page');
  return {
    ...shop,
    tag,
    keyId: keys.data[0].id,
    productId: product.id,
    productExternalId,
    variantIds: product.variants.map((v: { id: string }) => v.id),
    orderId: order.id,
    order2Id: order2.id,
    lineIds: order.lines.map((l: { id: string }) => l.id),
    shipmentId: shipment.id,
    customerId: order.customerId,
    customerEmail,
    refundId: refunded.payload.refundId,
    journeyId: journey.id,
    messageId: testSend.messageId,
    endpointId: endpoint.id,
    eventIds: events.data.map((e: { id: string }) => e.id),
    returnId: ret.id,
    redemptionId: redemption.id,
    orderBody,
    idempotencyKey,
    ordersCursor: firstPage.nextCursor,
  };
}

/** Every id of A's data that B must never see in any answer. */
function idsOf(s: Seed): string[] {
  return [
    s.id,
    s.keyId,
    s.productId,
    ...s.variantIds,
    s.orderId,
    s.order2Id,
    ...s.lineIds,
    s.shipmentId,
    s.customerId,
    s.refundId,
    s.journeyId,
    s.messageId,
    s.endpointId,
    s.returnId,
    s.redemptionId,
    ...s.eventIds,
  ];
}

/** The id that goes into a path parameter after each resource segment. */
function pathIds(s: Seed): Record<string, string> {
  return {
    orders: s.orderId,
    shipments: s.shipmentId,
    customers: s.customerId,
    products: s.productId,
    'api-keys': s.keyId,
    journeys: s.journeyId,
    messages: s.messageId,
    'webhook-endpoints': s.endpointId,
    templates: 'order_confirmation',
    ':key': 'en',
    presets: 'four_transactional',
    'tracking-numbers': '1Z5R89390357567127',
    returns: s.returnId,
    redemptions: s.redemptionId,
  };
}

/** A's data as A sees it through the API, and A's rows in every table. */
async function snapshot(s: Seed) {
  const get = async (url: string) => ok(await call(s, 'GET', url));
  const keys = await get('/api/v1/api-keys');
  return {
    merchant: await get('/api/v1/merchant'),
    keys: keys.data.map((k: Record<string, unknown>) => ({ ...k, lastUsedAt: null })),
    order: await get(`/api/v1/orders/${s.orderId}`),
    order2: await get(`/api/v1/orders/${s.order2Id}`),
    orders: await get('/api/v1/orders?limit=200'),
    shipments: await get(`/api/v1/orders/${s.orderId}/shipments`),
    shipment: await get(`/api/v1/shipments/${s.shipmentId}`),
    customer: await get(`/api/v1/customers/${s.customerId}`),
    customers: await get('/api/v1/customers?limit=200'),
    product: await get(`/api/v1/products/${s.productId}`),
    products: await get('/api/v1/products?limit=200'),
    events: await get('/api/v1/events?limit=500'),
    credit: await get(`/api/v1/customers/${s.customerId}/credit`),
    rows: await tableState(t.database.db, s.id),
  };
}

interface Probe {
  /** Overrides the path (default: the route URL with A's ids in it). */
  url?: string;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
  check(res: InjectResponse): void | Promise<void>;
}

interface Scenario {
  /** B's requests on this route. */
  probes(): Probe[];
  /**
   * For routes with an id in the path: the first probe's request, sent by B for its own resource, succeeds
   * with this status. It proves the 404 on A's id comes from the owner, not from a bad request.
   */
  control?: number;
}

const notFound = (res: InjectResponse) => {
  assertError(res, 404, 'not_found');
};

const listHasData = (res: InjectResponse) => {
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(res.json().data.length > 0, `B's own data is listed: ${res.body}`);
};

const listIsEmpty = (res: InjectResponse) => {
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().data, []);
};

/** How B exercises each route. A route missing here fails the suite. */
const scenarios: Record<string, Scenario> = {
  'GET /api/v1/merchant': {
    probes: () => [
      {
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().id, B.id);
          assert.notEqual(res.json().name, 'alpha shop');
        },
      },
    ],
  },
  'PATCH /api/v1/merchant': {
    probes: () => [
      {
        body: { name: 'Beta Renamed', supportEmail: 'help@beta.test', brandPrimary: '#112233' },
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().id, B.id);
          assert.equal(res.json().name, 'Beta Renamed');
        },
      },
    ],
  },
  'GET /api/v1/api-keys': {
    probes: () => [{ check: listHasData }],
  },
  'POST /api/v1/api-keys': {
    probes: () => [
      {
        body: { name: 'made by B' },
        check: async (res) => {
          assert.equal(res.statusCode, 201, res.body);
          const me = await t.app.inject({
            url: '/api/v1/merchant',
            headers: { authorization: `Bearer ${res.json().apiKey}` },
          });
          assert.equal(me.json().id, B.id, 'the new key belongs to B');
        },
      },
    ],
  },
  'DELETE /api/v1/api-keys/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'POST /api/v1/orders': {
    probes: () => [
      {
        // A's exact body and Idempotency-Key: B gets its own new order, never A's stored answer.
        body: A.orderBody,
        headers: { 'idempotency-key': A.idempotencyKey },
        check: async (res) => {
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.headers['idempotent-replayed'], undefined);
          const order = res.json();
          assert.equal(order.number, A.orderBody.number);
          assert.equal(order.status, 'placed');
          assert.equal(order.paymentStatus, 'pending');
          const customer = await call(B, 'GET', `/api/v1/customers/${order.customerId}`);
          assert.equal(customer.statusCode, 200, 'the customer with A’s email is a new customer of B');
        },
      },
    ],
  },
  'GET /api/v1/orders': {
    probes: () => [
      { query: 'limit=200', check: listHasData },
      { query: `customerId=${A.customerId}`, check: listIsEmpty },
      {
        query: `email=${encodeURIComponent(A.customerEmail)}`,
        check: (r) => assert.equal(r.statusCode, 200),
      },
      { query: `number=${A.tag}-1002`, check: listIsEmpty },
      { query: `cursor=${A.ordersCursor}`, check: (r) => assert.equal(r.statusCode, 200, r.body) },
    ],
  },
  'GET /api/v1/orders/:id': {
    probes: () => [{ check: notFound }, { url: `/api/v1/orders/${A.order2Id}`, check: notFound }],
    control: 200,
  },
  'PATCH /api/v1/orders/:id': {
    probes: () => [
      {
        body: { note: 'changed by B', email: 'thief@beta.test', tags: ['stolen'] },
        check: notFound,
      },
    ],
    control: 200,
  },
  'POST /api/v1/orders/:id/pay': {
    probes: () => [{ url: `/api/v1/orders/${A.order2Id}/pay`, body: {}, check: notFound }],
    control: 200,
  },
  'POST /api/v1/orders/:id/cancel': {
    probes: () => [{ url: `/api/v1/orders/${A.order2Id}/cancel`, body: { reason: 'B' }, check: notFound }],
    control: 200,
  },
  'POST /api/v1/orders/:id/refunds': {
    probes: () => [
      { body: { amount: 100, reason: 'B wants money' }, check: notFound },
      {
        // B's own order, but one of A's lines.
        url: `/api/v1/orders/${B.orderId}/refunds`,
        body: { amount: 100, lines: [{ lineId: A.lineIds[0], quantity: 1 }] },
        check: (res) => {
          assertError(res, 422, 'unknown_line');
        },
      },
    ],
    control: 201,
  },
  'POST /api/v1/orders/:id/shipments': {
    probes: () => [
      { body: { carrier: 'DHL', trackingNumber: 'JD0000000001' }, check: notFound },
      {
        url: `/api/v1/orders/${B.orderId}/shipments`,
        body: { carrier: 'DHL', lines: [{ lineId: A.lineIds[1], quantity: 1 }] },
        check: (res) => {
          assertError(res, 422, 'unknown_line');
        },
      },
    ],
    control: 201,
  },
  'GET /api/v1/orders/:id/shipments': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'GET /api/v1/shipments/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'GET /api/v1/shipments/:id/events': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'GET /api/v1/shipments': {
    probes: () => [{ check: listHasData }, { query: 'status=info_received', check: listHasData }],
  },
  'POST /api/v1/vouchers/validate': {
    probes: () => [
      { body: { customerId: A.customerId, currency: 'USD' }, check: notFound },
      {
        body: { code: 'AAAA-BBBB-CCCC-DDDD' },
        check: (res) => {
          assertError(res, 404, 'code_not_found');
        },
      },
    ],
  },
  'POST /api/v1/vouchers/redeem': {
    probes: () => [
      { body: { customerId: A.customerId, amount: 100, currency: 'USD', orderRef: 'B-1' }, check: notFound },
      {
        // A's redemption id used as B's own redemptionId: a new redemption of B's own credit, never A's.
        body: {
          customerId: B.customerId,
          amount: 100,
          currency: 'USD',
          orderRef: 'B-2',
          redemptionId: A.redemptionId,
        },
        check: (res) => {
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.json().replayed, false);
        },
      },
    ],
  },
  'POST /api/v1/vouchers/redemptions/:id/reverse': {
    probes: () => [{ body: {}, check: notFound }],
    control: 201,
  },
  'POST /api/v1/credit': {
    probes: () => [
      { body: { customerId: A.customerId, currency: 'USD', amount: 100 }, check: notFound },
      {
        body: { email: A.customerEmail, currency: 'USD', amount: 100 },
        check: (res) => {
          assert.equal(res.statusCode, 201, res.body);
          assert.notEqual(res.json().account.customerId, A.customerId);
        },
      },
    ],
  },
  'GET /api/v1/customers/:id/credit': { probes: () => [{ check: notFound }], control: 200 },
  'POST /api/v1/returns': {
    probes: () => [
      {
        body: {
          orderId: A.orderId,
          resolution: 'refund',
          lines: [{ orderLineId: A.lineIds[0], quantity: 1, reason: 'changed_mind' }],
        },
        check: notFound,
      },
      {
        // B's own order, one of A's lines: the policy finds no such line and nothing is written.
        body: {
          orderId: B.orderId,
          resolution: 'refund',
          lines: [{ orderLineId: A.lineIds[0], quantity: 1, reason: 'changed_mind' }],
        },
        check: (res) => {
          assertError(res, 422, 'return_not_allowed');
        },
      },
    ],
  },
  'GET /api/v1/returns': {
    probes: () => [{ check: listHasData }, { query: `orderId=${A.orderId}`, check: listIsEmpty }],
  },
  'GET /api/v1/returns/:id': { probes: () => [{ check: notFound }], control: 200 },
  'GET /api/v1/analytics/returns': {
    probes: () => [
      {
        // The last 90 days: B's one return (a 'beta tee' of its first order) and nothing of A's.
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          const r = res.json();
          assert.equal(r.sold.returns, 1, res.body);
          assert.equal(r.sold.unitsReturned, 1);
          const returned = r.byProduct.filter((p: { unitsReturned: number }) => p.unitsReturned > 0);
          assert.deepEqual(
            returned.map((p: { title: string; unitsSold: number; unitsReturned: number }) => [
              p.title,
              p.unitsSold,
              p.unitsReturned,
            ]),
            [['beta tee', 2, 1]],
          );
          const statuses = Object.values(r.byStatus as Record<string, number>);
          assert.equal(
            statuses.reduce((a, b) => a + b, 0),
            1,
            "only B's return is counted",
          );
        },
      },
      {
        query: 'from=2001-01-01&to=2001-12-31',
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().sold.orders, 0);
          assert.deepEqual(res.json().byProduct, []);
        },
      },
    ],
  },
  'POST /api/v1/returns/:id/approve': { probes: () => [{ body: {}, check: notFound }] },
  'POST /api/v1/returns/:id/reject': { probes: () => [{ body: { note: 'B says no' }, check: notFound }] },
  'POST /api/v1/returns/:id/label': {
    probes: () => [{ body: { carrier: 'ups', trackingNumber: '1ZB' }, check: notFound }],
  },
  'POST /api/v1/returns/:id/receive': { probes: () => [{ body: {}, check: notFound }] },
  'POST /api/v1/returns/:id/inspect': {
    probes: () => [{ body: { lines: [{ lineId: 'x', inspection: 'restock' }] }, check: notFound }],
  },
  'POST /api/v1/returns/:id/resolve': { probes: () => [{ body: undefined, check: notFound }] },
  'POST /api/v1/returns/:id/cancel': { probes: () => [{ body: {}, check: notFound }] },
  'POST /api/v1/returns/:id/close': { probes: () => [{ body: {}, check: notFound }] },
  'GET /api/v1/tracking-numbers/:number': {
    // Detection reads no merchant data: B gets the same public answer A would.
    probes: () => [
      {
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().valid, true);
          assert.equal(res.json().carriers[0].courier, 'ups');
        },
      },
    ],
  },
  'POST /api/v1/delivery-promise': {
    probes: () => [
      {
        body: { origin: { country: 'US' }, destination: { country: 'US' }, orderId: A.orderId },
        check: notFound,
      },
      {
        body: { origin: { country: 'US' }, destination: { country: 'US' } },
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().sampleSize, 0, "B's estimate never learns from A's deliveries");
        },
      },
    ],
  },
  'POST /api/v1/tracking-events': {
    probes: () => [
      {
        body: {
          events: [
            { shipmentId: A.shipmentId, occurredAt: '2026-11-02T10:00:00Z', status: 'delivered' },
            {
              trackingNumber: `1Z${A.tag.toUpperCase()}0001`,
              occurredAt: '2026-11-02T10:00:00Z',
              status: 'exception',
            },
          ],
        },
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().accepted, 0, "B's push never lands on A's parcel");
          assert.deepEqual(
            res.json().rejected.map((r: { code: string }) => r.code),
            ['unknown_shipment', 'unknown_shipment'],
          );
        },
      },
    ],
  },
  'GET /api/v1/customers': {
    probes: () => [
      { query: 'limit=200', check: listHasData },
      {
        query: `email=${encodeURIComponent(A.customerEmail)}`,
        check: (r) => assert.equal(r.statusCode, 200),
      },
    ],
  },
  'GET /api/v1/customers/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'POST /api/v1/products': {
    probes: () => [
      {
        // A's externalId: B gets (or updates) its own product, A's stays as it is.
        body: {
          externalId: A.productExternalId,
          title: 'Beta knock-off',
          variants: [{ sku: 'alpha-tee-m' }],
        },
        check: (res) => {
          assert.ok([200, 201].includes(res.statusCode), res.body);
          assert.equal(res.json().title, 'Beta knock-off');
        },
      },
    ],
  },
  'GET /api/v1/products': {
    probes: () => [
      { query: 'limit=200', check: listHasData },
      { query: 'category=tees', check: listHasData },
    ],
  },
  'GET /api/v1/products/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'GET /api/v1/templates': {
    probes: () => [
      {
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          const confirmation = res.json().data.find((x: { key: string }) => x.key === 'order_confirmation');
          assert.deepEqual(
            confirmation.versions,
            [{ locale: 'sv', channel: 'email', version: 1 }],
            'B sees only its own version',
          );
        },
      },
    ],
  },
  'PUT /api/v1/templates/:key/:locale': {
    probes: () => [
      {
        url: '/api/v1/templates/order_confirmation/sv',
        body: {
          channel: 'email',
          subject: 'B {{ order.number }}',
          body: '<mj-section><mj-column><mj-text>B</mj-text></mj-column></mj-section>',
        },
        check: (res) => {
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.json().version, 2, "B's second version; A's numbering is its own");
        },
      },
    ],
  },
  'POST /api/v1/templates/:key/:locale/preview': {
    probes: () => [
      {
        url: '/api/v1/templates/order_confirmation/en/preview',
        body: { orderId: A.orderId },
        check: notFound,
      },
      {
        url: '/api/v1/templates/order_confirmation/sv/preview',
        body: {},
        check: (res) => {
          assert.equal(res.statusCode, 200, res.body);
          assert.doesNotMatch(res.json().subject, /alpha/, "B's preview never uses A's template");
        },
      },
    ],
  },
  'POST /api/v1/templates/:key/:locale/test-send': {
    probes: () => [
      {
        url: '/api/v1/templates/order_confirmation/en/test-send',
        body: { orderId: A.orderId },
        check: notFound,
      },
    ],
  },
  'GET /api/v1/messages': {
    probes: () => [
      { check: listHasData },
      { query: `orderId=${A.orderId}`, check: listIsEmpty },
      { query: `customerId=${A.customerId}`, check: listIsEmpty },
    ],
  },
  'GET /api/v1/messages/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'GET /api/v1/journeys': {
    probes: () => [{ check: listHasData }],
  },
  'GET /api/v1/journeys/presets': {
    probes: () => [{ check: listHasData }],
  },
  'POST /api/v1/journeys/presets/:key': {
    probes: () => [
      {
        url: '/api/v1/journeys/presets/four_transactional',
        body: {},
        check: (res) => {
          assert.equal(res.statusCode, 201, res.body);
          assert.equal(res.json().preset, 'four_transactional');
        },
      },
    ],
  },
  'POST /api/v1/journeys': {
    probes: () => [
      {
        body: {
          name: 'B journey',
          definition: {
            trigger: { event: 'order.paid' },
            steps: [{ type: 'send', template: 'payment_confirmed' }],
          },
        },
        check: (res) => assert.equal(res.statusCode, 201, res.body),
      },
    ],
  },
  'GET /api/v1/journeys/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'PATCH /api/v1/journeys/:id': {
    probes: () => [{ body: { active: false, name: 'hijacked' }, check: notFound }],
    control: 200,
  },
  'POST /api/v1/webhook-endpoints': {
    probes: () => [
      {
        body: { url: 'https://93.184.216.34/beta-new' },
        check: (res) => {
          assert.equal(res.statusCode, 201, res.body);
          assert.match(res.json().secret, /^whsec_/);
        },
      },
    ],
  },
  'GET /api/v1/webhook-endpoints': {
    probes: () => [{ check: listHasData }],
  },
  'GET /api/v1/webhook-endpoints/:id/deliveries': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'DELETE /api/v1/webhook-endpoints/:id': {
    probes: () => [{ check: notFound }],
    control: 200,
  },
  'GET /api/v1/events': {
    probes: () => [
      { query: 'limit=500', check: listHasData },
      { query: `subjectId=${A.orderId}`, check: listIsEmpty },
      { query: `subjectId=${A.shipmentId}`, check: listIsEmpty },
      { query: 'type=order.refunded', check: listHasData },
    ],
  },
};

/** B's own resources for the control request: fresh where the request changes them. */
async function ownPathIds(): Promise<Record<string, string>> {
  const fresh = await createOrder(t.app, B.auth, {
    number: `beta-control-${Math.random().toString(36).slice(2, 10)}`,
    currency: 'USD',
    paymentStatus: 'paid',
    lines: [{ title: 'Cap', quantity: 2, unitPrice: 1500 }],
  });
  const key = await ok(await call(B, 'POST', '/api/v1/api-keys', { name: 'control' }), 201);
  return {
    orders: fresh.id,
    shipments: B.shipmentId,
    customers: B.customerId,
    products: B.productId,
    'api-keys': key.id,
    journeys: B.journeyId,
    messages: B.messageId,
    'webhook-endpoints': (
      await ok(
        await call(B, 'POST', '/api/v1/webhook-endpoints', { url: 'https://93.184.216.34/control' }),
        201,
      )
    ).id,
    templates: 'order_confirmation',
    ':key': 'en',
    presets: 'delivery_day',
    'tracking-numbers': '1Z5R89390357567127',
    returns: B.returnId,
    redemptions: (
      await ok(
        await call(B, 'POST', '/api/v1/vouchers/redeem', {
          customerId: B.customerId,
          amount: 100,
          currency: 'USD',
          orderRef: `control-${Math.random().toString(36).slice(2, 10)}`,
        }),
        201,
      )
    ).id,
  };
}

function urlOf(route: ApiRoute, probe: { url?: string; query?: string }, ids: Record<string, string>) {
  const path = probe.url ?? fillPath(route.url, ids);
  return probe.query ? `${path}?${probe.query}` : path;
}

before(async () => {
  t = await createTestApp();
  routes = apiRoutes({ db: t.database.db, config: t.config, logger: silentLogger });
  A = await seedShop('alpha');
  B = await seedShop('beta');
});
after(() => t.close());

describe('tenant isolation', () => {
  test('every API route has an isolation scenario, and every scenario a route', () => {
    const keys = routes.map(routeKey);
    const missing = keys.filter((k) => !scenarios[k]);
    assert.deepEqual(missing, [], `add these routes to the scenarios in ${import.meta.filename}`);
    const stale = Object.keys(scenarios).filter((k) => !keys.includes(k));
    assert.deepEqual(stale, [], 'these scenarios name routes that no longer exist');
    assert.ok(routes.length > 0, 'apiRoutes() returned no routes');
  });

  test("merchant B never sees or changes merchant A's data on any route", async (tt) => {
    const before = await snapshot(A);
    const forbidden = idsOf(A);
    for (const route of routes) {
      await tt.test(routeKey(route), async () => {
        const scenario = scenarios[routeKey(route)];
        assert.ok(scenario, `no isolation scenario for ${routeKey(route)}: add one to the table`);
        const probes = scenario.probes();
        for (const probe of probes) {
          const url = urlOf(route, probe, pathIds(A));
          const res = await call(B, route.method, url, probe.body, probe.headers);
          assert.ok(res.statusCode < 500, res.body);
          // A 404 may echo the id B sent; any other id of A in the answer is a leak.
          const sent = url + JSON.stringify(probe.body ?? null);
          for (const id of forbidden.filter((x) => !sent.includes(x)))
            assert.ok(!res.body.includes(id), `${routeKey(route)} showed B an id of A (${id}): ${res.body}`);
          await probe.check(res);
        }
        if (scenario.control !== undefined) {
          const probe = probes[0]!;
          const res = await call(
            B,
            route.method,
            urlOf(route, { query: probe.query }, await ownPathIds()),
            probe.body,
          );
          assert.equal(res.statusCode, scenario.control, `the same request on B's own data: ${res.body}`);
        }
        assert.deepEqual(await snapshot(A), before, `A's data changed after ${routeKey(route)}`);
      });
    }
    assert.deepEqual(await snapshot(A), before);
  });
});

describe('authentication on every route', () => {
  /** A request per route that would succeed with B's valid key: B's own ids and the scenario's body. */
  async function requests() {
    const ids = await ownPathIds();
    return routes.map((route) => {
      const probe = scenarios[routeKey(route)]?.probes()[0] ?? { check: () => {} };
      return { route, url: urlOf(route, { query: probe.query }, ids), body: probe.body };
    });
  }

  async function expectEveryRoute(authorization: string | undefined, code: string) {
    const all = await requests();
    const stateBefore = await tableState(t.database.db);
    for (const { route, url, body } of all) {
      const res = await t.app.inject({
        method: route.method,
        url,
        headers: authorization === undefined ? {} : { authorization },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const error = assertError(res, 401, code);
      assert.ok(!('details' in error), 'a 401 tells nothing more');
    }
    assert.deepEqual(await tableState(t.database.db), stateBefore, 'a refused request writes nothing');
  }

  test('no Authorization header: 401 missing_api_key everywhere, nothing written', async () => {
    await expectEveryRoute(undefined, 'missing_api_key');
  });

  test('a malformed key or header: 401 invalid_api_key everywhere', async () => {
    for (const header of [
      'Bearer',
      'Bearer not-a-key',
      'Bearer key_without_a_dot',
      `Basic ${Buffer.from('user:pass').toString('base64')}`,
      `Token ${B.apiKey}`,
      `Bearer ${B.apiKey} trailing`,
      `Bearer ${'k'.repeat(500)}`,
    ]) {
      await expectEveryRoute(header, 'invalid_api_key');
    }
  });

  test("a real key id with a wrong secret, or with another merchant's secret: 401 invalid_api_key", async () => {
    const secretOfB = B.apiKey.slice(B.apiKey.indexOf('.') + 1);
    for (const token of [
      `${B.keyId}.${'x'.repeat(secretOfB.length)}`,
      `${B.keyId}.${secretOfB}x`,
      `${B.keyId}.`,
      `${A.keyId}.${secretOfB}`,
    ]) {
      await expectEveryRoute(`Bearer ${token}`, 'invalid_api_key');
    }
  });

  test('a key revoked with DELETE /api/v1/api-keys/:id stops working at once; the others keep working', async () => {
    const key = await ok(await call(B, 'POST', '/api/v1/api-keys', { name: 'to revoke' }), 201);
    const bearer = `Bearer ${key.apiKey}`;
    const before = await t.app.inject({ url: '/api/v1/merchant', headers: { authorization: bearer } });
    assert.equal(before.json().id, B.id);
    assert.deepEqual(await ok(await call(B, 'DELETE', `/api/v1/api-keys/${key.id}`)), { revoked: true });
    await expectEveryRoute(bearer, 'invalid_api_key');
    assertError(await call(B, 'DELETE', `/api/v1/api-keys/${key.id}`), 404, 'not_found');
    const listed = (await ok(await call(B, 'GET', '/api/v1/api-keys'))).data.find(
      (k: { id: string }) => k.id === key.id,
    );
    assert.ok(listed.revokedAt, 'the key is listed as revoked');
    assert.equal((await ok(await call(B, 'GET', '/api/v1/merchant'))).id, B.id, "B's first key still works");
  });
});
