import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, createTestMerchant, type TestApp } from '../../../../test/helpers.ts';
import { hasSharedData, readSharedJson, SKIP_NO_SHARED_DATA } from '../../../../test/shared-data.ts';
import type { TaskContext } from '../../../jobs/task.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { connectIntegration } from '../../../modules/merchants/integrations.ts';
import { ShopifyApiError, shopifyAdmin } from './admin-client.ts';
import { shopifyRefundTask } from './jobs.ts';
import { findPlatformRefund } from './repo.ts';

const RESOURCES = ['shopify_fixtures', 'rest_resource_fixtures'] as const;
const skip = hasSharedData(...RESOURCES) ? false : SKIP_NO_SHARED_DATA;
const SHOPIFY = { domain: 'trail-gear.myshopify.com', secret: 'shopify-secret-for-tests' };
const ADMIN_TOKEN = 'shpat_test_admin_token';

interface FixtureOrder {
  id: number;
  line_items: Array<{ id: number; quantity: number }>;
  fulfillments: unknown[];
}
interface FixtureTransaction {
  id: number;
  kind: string;
  amount: string;
  status: string;
  parent_id: number | null;
  gateway: string;
}

/** Shopify's Admin API as far as refunds go: the order's transactions, its refunds, and creating one. */
interface FakeShopify {
  url: string;
  transactions: FixtureTransaction[];
  posts: Array<{ path: string; headers: IncomingHttpHeaders; body: { refund: Record<string, unknown> } }>;
  refunds: Array<{ id: number; note: string }>;
  /** The next refund POSTs answer these (status, body) instead of creating a refund. */
  refusals: Array<[number, unknown]>;
  close(): Promise<void>;
}

async function fakeShopify(): Promise<FakeShopify> {
  const fake: Omit<FakeShopify, 'url' | 'close'> = { transactions: [], posts: [], refunds: [], refusals: [] };
  let nextId = 900_000_001;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-shopify-access-token'] !== ADMIN_TOKEN)
        return send(401, {
          errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
        });
      const path = (req.url ?? '').split('?')[0]!;
      const m = /^\/admin\/api\/2024-10\/orders\/(\d+)\/(transactions|refunds)\.json$/.exec(path);
      if (!m) return send(404, { errors: 'Not Found' });
      if (req.method === 'GET' && m[2] === 'transactions')
        return send(200, { transactions: fake.transactions });
      if (req.method === 'GET' && m[2] === 'refunds') return send(200, { refunds: fake.refunds });
      if (req.method === 'POST' && m[2] === 'refunds') {
        const body = JSON.parse(raw);
        fake.posts.push({ path, headers: req.headers, body });
        const refusal = fake.refusals.shift();
        if (refusal) return send(refusal[0], refusal[1]);
        const refund = { id: nextId++, order_id: Number(m[1]), note: body.refund.note, ...body.refund };
        fake.refunds.push({ id: refund.id, note: refund.note });
        return send(201, { refund });
      }
      send(405, { errors: 'Method not allowed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

let t: TestApp;
let shopifyFake: FakeShopify;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let fixture: FixtureOrder;
let orderId: string;

before(async () => {
  if (skip) return;
  shopifyFake = await fakeShopify();
  t = await createTestApp({ SHOPIFY_API_BASE_URL: shopifyFake.url });
  shop = await createTestMerchant(t, { name: 'Trail Gear', shopify: SHOPIFY });
  await connectIntegration({
    db: t.database.db,
    merchantId: shop.id,
    secretKey: t.config.SECRET_KEY,
    kind: 'shopify_admin',
    externalRef: SHOPIFY.domain,
    secret: ADMIN_TOKEN,
  });

  // The real order, paid now and sent in one parcel, which is then delivered.
  fixture = readSharedJson<{ order: FixtureOrder }>(...RESOURCES, 'order.json').order;
  const now = new Date().toISOString();
  Object.assign(fixture, { created_at: now, updated_at: now, processed_at: now, financial_status: 'paid' });
  fixture.fulfillments = [];
  const fulfillment = readSharedJson<{ fulfillment: Record<string, unknown> }>(
    ...RESOURCES,
    'fulfillment.json',
  ).fulfillment;
  fulfillment.line_items = fixture.line_items.map((li) => ({ id: li.id, quantity: li.quantity }));
  Object.assign(fulfillment, { created_at: now, updated_at: now });
  await webhook('orders/create', fixture, 'wh-order');
  await webhook('fulfillments/create', fulfillment, 'wh-fulfillment');
  const order = await t.database.db
    .selectFrom('orders')
    .select('id')
    .where('merchant_id', '=', shop.id)
    .where('external_id', '=', String(fixture.id))
    .executeTakeFirstOrThrow();
  orderId = order.id;
  const shipment = await t.database.db
    .selectFrom('shipments')
    .select('id')
    .where('merchant_id', '=', shop.id)
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  const delivered = await call('POST', '/api/v1/tracking-events', {
    events: [{ shipmentId: shipment.id, occurredAt: now, status: 'delivered' }],
  });
  assert.equal(delivered.statusCode, 200, delivered.body);

  // The order's payments in Shopify: the fixture's authorization, and its capture (the refundable parent).
  const authorization = readSharedJson<FixtureTransaction[]>(...RESOURCES, 'transactions.json')[0]!;
  shopifyFake.transactions.push(authorization, {
    ...authorization,
    id: 389404470,
    kind: 'capture',
    parent_id: authorization.id,
  });
});
after(async () => {
  await t?.close();
  await shopifyFake?.close();
});

function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: shop.auth, payload: payload as never });
}

async function webhook(topic: string, body: unknown, id: string) {
  const raw = JSON.stringify(body);
  const res = await t.app.inject({
    method: 'POST',
    url: '/webhooks/shopify',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOPIFY.domain,
      'x-shopify-webhook-id': id,
      'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY.secret).update(raw).digest('base64'),
    },
    payload: raw,
  });
  assert.equal(res.statusCode, 200, res.body);
}

/** A refund return of one unit of the Shopify line item, taken through every step to resolved. */
async function resolvedReturn(lineItemId: number) {
  const line = await t.database.db
    .selectFrom('order_lines')
    .select('id')
    .where('merchant_id', '=', shop.id)
    .where('order_id', '=', orderId)
    .where('external_id', '=', String(lineItemId))
    .executeTakeFirstOrThrow();
  const created = await call('POST', '/api/v1/returns', {
    orderId,
    resolution: 'refund',
    lines: [{ orderLineId: line.id, quantity: 1, reason: 'fit', subReason: 'too_small' }],
  });
  assert.equal(created.statusCode, 201, created.body);
  const r = created.json();
  if (r.status === 'needs_review')
    assert.equal((await call('POST', `/api/v1/returns/${r.id}/approve`, {})).statusCode, 200);
  for (const [action, body] of [
    ['label', { carrier: 'ups', trackingNumber: `1Z${lineItemId}` }],
    ['receive', {}],
    ['inspect', { lines: [{ lineId: r.lines[0].id, inspection: 'restock' }] }],
    ['resolve', undefined],
  ] as const) {
    const res = await call('POST', `/api/v1/returns/${r.id}/${action}`, body);
    assert.equal(res.statusCode, 200, `${action}: ${res.body}`);
  }
  const done = (await call('GET', `/api/v1/returns/${r.id}`)).json();
  assert.equal(done.outcome, 'refunded');
  assert.ok(done.refundedMinor > 0);
  return { id: r.id as string, number: r.number as string, refundedMinor: done.refundedMinor as number };
}

/** The shopify.refund job the resolve enqueued (proving the subscription), run as the worker would. */
async function runRefundJob(returnId: string, attempt = 1) {
  const { rows } = await sql<{ payload: { merchantId: string; eventId: string } }>`
    SELECT p.payload FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
    JOIN events e ON e.id = p.payload->>'eventId'
    WHERE j.task_identifier = 'shopify.refund' AND e.type = 'return.resolved' AND e.subject_id = ${returnId}`.execute(
    t.database.db,
  );
  assert.equal(rows.length, 1, 'one shopify.refund job per resolved return');
  const ctx: TaskContext = {
    db: t.database.db,
    channels: {},
    config: t.config,
    logger: silentLogger,
    jobId: 'test',
    attempt,
    maxAttempts: 25,
  };
  await shopifyRefundTask.run(shopifyRefundTask.payload.parse(rows[0]!.payload), ctx);
}

describe('refunds for returns of Shopify orders are made in Shopify', { skip }, () => {
  test('one refund with the line, the amount and the capture as parent; running again sends nothing', async () => {
    const ret = await resolvedReturn(466157049);
    assert.equal(shopifyFake.posts.length, 0, 'nothing is sent inside the resolve');
    await runRefundJob(ret.id);

    assert.equal(shopifyFake.posts.length, 1);
    const sent = shopifyFake.posts[0]!;
    assert.equal(sent.path, `/admin/api/2024-10/orders/${fixture.id}/refunds.json`);
    assert.equal(sent.headers['x-shopify-access-token'], ADMIN_TOKEN);
    assert.deepEqual(sent.body, {
      refund: {
        currency: 'USD',
        notify: true,
        note: `Return ${ret.number}`,
        refund_line_items: [{ line_item_id: 466157049, quantity: 1, restock_type: 'return' }],
        transactions: [
          {
            parent_id: '389404470',
            amount: (ret.refundedMinor / 100).toFixed(2),
            kind: 'refund',
            gateway: 'bogus',
          },
        ],
      },
    });
    const row = await findPlatformRefund(t.database.db, shop.id, ret.id);
    assert.equal(row?.status, 'succeeded');
    assert.equal(row?.platform_refund_id, String(shopifyFake.refunds[0]!.id));
    assert.equal(row?.attempts, 1);

    await runRefundJob(ret.id);
    assert.equal(shopifyFake.posts.length, 1, 'a re-run job refunds nothing more');

    // Shopify then tells us about the refund we made: it is not counted a second time.
    const before = (await call('GET', `/api/v1/orders/${orderId}`)).json().totals.refunded;
    assert.equal(before, ret.refundedMinor);
    const made = shopifyFake.refunds[0]!;
    await webhook(
      'refunds/create',
      {
        id: made.id,
        order_id: fixture.id,
        note: `Return ${ret.number}`,
        created_at: new Date().toISOString(),
        processed_at: new Date().toISOString(),
        refund_line_items: [],
        transactions: [
          {
            id: 9_000_001,
            kind: 'refund',
            status: 'success',
            amount: (ret.refundedMinor / 100).toFixed(2),
            currency: 'USD',
          },
        ],
      },
      'wh-our-refund',
    );
    assert.equal((await call('GET', `/api/v1/orders/${orderId}`)).json().totals.refunded, before);

    // A refund Shopify made whose answer never got recorded is found by its note, not made again.
    await t.database.db
      .updateTable('platform_refunds')
      .set({ status: 'pending', platform_refund_id: null })
      .where('merchant_id', '=', shop.id)
      .where('return_id', '=', ret.id)
      .execute();
    await runRefundJob(ret.id);
    assert.equal(shopifyFake.posts.length, 1);
    assert.equal((await findPlatformRefund(t.database.db, shop.id, ret.id))?.status, 'succeeded');
  });

  test("a 5xx is retried by the queue; a 422 is recorded as failed with Shopify's message", async () => {
    const ret = await resolvedReturn(518995019);
    const before = shopifyFake.posts.length;
    shopifyFake.refusals.push(
      [503, { errors: 'Service Unavailable' }],
      [
        422,
        { errors: { base: ['Refund amount must be less than or equal to the remaining refundable amount'] } },
      ],
    );
    await assert.rejects(runRefundJob(ret.id), /Shopify answered 503/);
    let row = await findPlatformRefund(t.database.db, shop.id, ret.id);
    assert.equal(row?.status, 'pending');
    assert.match(row?.error ?? '', /503/);

    await runRefundJob(ret.id, 2);
    row = await findPlatformRefund(t.database.db, shop.id, ret.id);
    assert.equal(row?.status, 'failed');
    assert.equal(row?.attempts, 2);
    assert.match(row?.error ?? '', /422: base: Refund amount must be less than or equal to the remaining/);
    assert.equal(shopifyFake.posts.length, before + 2);
  });
});

describe('the Admin API client', () => {
  test('only *.myshopify.com shops are called unless an operator sets the base URL', () => {
    for (const shop of [
      '169.254.169.254',
      'localhost',
      'shop.example.com',
      'evil.myshopify.com.attacker.net',
    ]) {
      assert.throws(
        () => shopifyAdmin({ shop, token: 't' }),
        (err: unknown) => err instanceof ShopifyApiError && err.permanent,
        shop,
      );
    }
    assert.doesNotThrow(() => shopifyAdmin({ shop: 'trail-gear.myshopify.com', token: 't' }));
    assert.doesNotThrow(() => shopifyAdmin({ shop: 'anything', token: 't', baseUrl: 'http://127.0.0.1:1' }));
  });
});
