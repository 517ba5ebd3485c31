import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { connectDatabase } from '../src/db/pool.ts';
import { buildApp } from '../src/http/app.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { ORDER_STATUSES } from '../src/modules/orders/status.ts';
import {
  createTestApp,
  createTestDatabase,
  createTestMerchant,
  type TestApp,
  testConfig,
} from './helpers.ts';

/**
 * The API's outer surface as an integrator meets it: the OpenAPI document they generate a client from,
 * the health check their load balancer polls, and the list endpoints they sync from — every page walked,
 * nothing twice, nothing missed, filters returning exactly what they name.
 */

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;

const get = (m: Merchant, url: string) => t.app.inject({ method: 'GET', url, headers: m.auth });

async function createOrder(
  m: Merchant,
  body: Record<string, unknown>,
): Promise<{ id: string; number: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: m.auth,
    payload: {
      currency: 'USD',
      lines: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }],
      ...body,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Walks a list endpoint page by page; returns every page's items. */
async function walk<T>(m: Merchant, path: string, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await get(m, url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    const body = res.json() as { data: T[]; nextCursor: string | null };
    pages.push(body.data);
    cursor = body.nextCursor;
    if (!cursor) return pages;
  }
  throw new Error('pagination did not end');
}

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

describe('OpenAPI document', () => {
  test('GET /api/v1/openapi.json is OpenAPI 3.x JSON, served without an API key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const doc = res.json();
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(doc.info.title, 'Afterglow API');
    assert.equal(typeof doc.info.version, 'string');
    assert.deepEqual(doc.servers, [{ url: 'http://shop.test' }]);
    assert.equal(doc.components.securitySchemes.apiKey.scheme, 'bearer');
  });

  test('lists the order routes, with the create request schema and the list filters', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const ops = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    for (const expected of [
      'POST /api/v1/orders createOrder',
      'GET /api/v1/orders listOrders',
      'GET /api/v1/orders/{id} getOrder',
      'POST /api/v1/orders/{id}/pay',
      'POST /api/v1/orders/{id}/cancel',
      'POST /api/v1/orders/{id}/refunds',
      'GET /api/v1/customers listCustomers',
    ]) {
      assert.ok(
        ops.some((o) => o.startsWith(expected)),
        `${expected} is documented (have: ${ops.filter((o) => o.includes('/orders')).join('; ')})`,
      );
    }

    const create = doc.paths['/api/v1/orders'].post;
    assert.equal(create.requestBody.required, true);
    const schema = create.requestBody.content['application/json'].schema;
    assert.equal(schema.type, 'object');
    for (const field of ['number', 'currency', 'lines']) assert.ok(schema.required.includes(field), field);
    assert.equal(schema.additionalProperties, false, 'unknown fields are refused, and the document says so');
    assert.equal(schema.properties.lines.type, 'array');
    assert.equal(schema.properties.lines.minItems, 1);
    const line = schema.properties.lines.items;
    for (const field of ['title', 'quantity', 'unitPrice'])
      assert.ok(line.required.includes(field), `line.${field}`);
    assert.equal(line.properties.quantity.type, 'integer');
    assert.ok(schema.properties.customer.properties.email, 'the customer block is described');
    assert.deepEqual(schema.properties.channel.enum, [
      'web',
      'store',
      'marketplace',
      'app',
      'phone',
      'social',
      'other',
    ]);
    assert.ok(create.responses['201'], 'create answers 201');
    assert.ok(
      create.parameters.some(
        (p: { name: string; in: string }) => p.name === 'Idempotency-Key' && p.in === 'header',
      ),
    );

    const list = doc.paths['/api/v1/orders'].get;
    const params = Object.fromEntries(
      list.parameters.map((p: { name: string; in: string; schema: unknown }) => [p.name, p]),
    );
    for (const name of ['limit', 'cursor', 'status', 'channel', 'campaignTag', 'placedFrom', 'placedTo'])
      assert.equal(params[name]?.in, 'query', `${name} is a query parameter`);
    assert.deepEqual(params.status.schema.enum, [...ORDER_STATUSES]);
    assert.equal(params.limit.schema.maximum, 200);

    const refund = doc.paths['/api/v1/orders/{id}/refunds'].post;
    assert.ok(refund.requestBody.content['application/json'].schema.required.includes('amount'));
    assert.deepEqual(
      refund.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name),
      ['id'],
    );
  });

  test('the documented create schema matches what the route accepts: a body built from it is accepted', async () => {
    const m = await createTestMerchant(t);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const schema = doc.paths['/api/v1/orders'].post.requestBody.content['application/json'].schema;
    // Only the required fields, exactly as the document names them.
    const body: Record<string, unknown> = {};
    const sample: Record<string, unknown> = { number: '#DOC-1', currency: 'USD' };
    for (const field of schema.required as string[]) {
      if (field === 'lines') {
        const line: Record<string, unknown> = {};
        const values: Record<string, unknown> = { title: 'Mug', quantity: 1, unitPrice: 990 };
        for (const f of schema.properties.lines.items.required as string[]) line[f] = values[f];
        body.lines = [line];
      } else body[field] = sample[field];
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: m.auth, payload: body });
    assert.equal(res.statusCode, 201, res.body);
  });
});

describe('health check', () => {
  test('GET /healthz answers 200 with the database up', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'ok');
  });

  test('GET /healthz answers 503 with a JSON error when the database is unreachable', async () => {
    const port = await closedPort();
    const handle = connectDatabase({ url: `postgres://nobody:nothing@127.0.0.1:${port}/none`, poolSize: 1 });
    const app = await buildApp({ db: handle.db, config: testConfig(), logger: silentLogger });
    try {
      await app.ready();
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 503, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = res.json();
      assert.equal(body.status, 'unavailable');
      assert.equal(body.error.code, 'database_unavailable');
      assert.doesNotMatch(res.body, /ECONNREFUSED|127\.0\.0\.1|password|nobody/, 'no internals leak');
    } finally {
      await app.close();
      await handle.close().catch(() => {});
    }
  });

  test('GET /healthz answers 503 once the pool is closed, and 200 is not cached', async () => {
    const database = await createTestDatabase();
    const app = await buildApp({ db: database.db, config: testConfig(), logger: silentLogger });
    try {
      await app.ready();
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      await database.pool.end();
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 503, res.body);
      assert.equal(res.json().error.code, 'database_unavailable');
    } finally {
      await app.close();
      await database.drop().catch(() => {});
    }
  });
});

describe('list endpoints: pagination', () => {
  let m: Merchant;
  const base = Date.parse('2026-03-10T12:00:00.000Z');
  const at = (hoursBefore: number) => new Date(base - hoursBefore * 3600_000).toISOString();
  /** Three orders share one placedAt, across the page boundary at limit=3, so the id tie-break is exercised. */
  const placed = [6, 5, 4, 4, 4, 2, 1];
  const created: Array<{ id: string; number: string; email: string; placedAt: string }> = [];

  before(async () => {
    m = await createTestMerchant(t);
    for (const [i, hours] of placed.entries()) {
      const email = `page.${i}@example.com`;
      const o = await createOrder(m, {
        number: `#PG-${i}`,
        placedAt: at(hours),
        customer: { email, firstName: `P${i}` },
      });
      created.push({ ...o, email, placedAt: at(hours) });
    }
  });

  test('orders: limit=3 walks 3 + 3 + 1, newest first, no duplicates, no gaps; the last page has no cursor', async () => {
    const pages = await walk<{ id: string; placedAt: string }>(m, '/api/v1/orders', 3);
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );
    const ids = pages.flat().map((o) => o.id);
    assert.equal(new Set(ids).size, 7, 'no order twice');
    assert.deepEqual([...ids].sort(), created.map((o) => o.id).sort(), 'every order, none missing');
    const expected = [...created]
      .sort((a, b) => (a.placedAt === b.placedAt ? (a.id < b.id ? 1 : -1) : a.placedAt < b.placedAt ? 1 : -1))
      .map((o) => o.id);
    assert.deepEqual(ids, expected, 'newest first, ties by id');
  });

  test('orders: an order arriving mid-walk does not shift the pages (no duplicate, no gap)', async () => {
    const first = await get(m, '/api/v1/orders?limit=3');
    const page1 = first.json();
    // A new order, newer than everything: keyset pagination puts it before the cursor, not into the walk.
    const newcomer = await createOrder(m, {
      number: '#PG-NEW',
      placedAt: at(0),
      customer: { email: 'page.0@example.com' },
    });
    const rest: string[] = [];
    let cursor: string | null = page1.nextCursor;
    while (cursor) {
      const res = await get(m, `/api/v1/orders?limit=3&cursor=${encodeURIComponent(cursor)}`);
      assert.equal(res.statusCode, 200, res.body);
      rest.push(...res.json().data.map((o: { id: string }) => o.id));
      cursor = res.json().nextCursor;
    }
    const seen = [...page1.data.map((o: { id: string }) => o.id), ...rest];
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual([...seen].sort(), created.map((o) => o.id).sort());
    assert.ok(!seen.includes(newcomer.id));
    const fresh = await walk<{ id: string }>(m, '/api/v1/orders', 3);
    assert.equal(fresh.flat()[0]!.id, newcomer.id, 'a new walk starts with it');
    assert.equal(fresh.flat().length, 8);
  });

  test('customers: limit=3 walks every customer once', async () => {
    const pages = await walk<{ id: string; email: string }>(m, '/api/v1/customers', 3);
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );
    const emails = pages.flat().map((c) => c.email);
    assert.equal(new Set(emails).size, 7, 'no customer twice');
    assert.deepEqual([...emails].sort(), created.map((o) => o.email).sort());
  });

  test('customers: limit=1 walks seven pages of one', async () => {
    const pages = await walk<{ id: string }>(m, '/api/v1/customers', 1);
    assert.equal(pages.length, 7);
    assert.equal(new Set(pages.flat().map((c) => c.id)).size, 7);
  });

  test('another merchant’s list is empty: pagination never crosses tenants', async () => {
    const other = await createTestMerchant(t);
    assert.deepEqual(await walk(other, '/api/v1/orders', 3), [[]]);
    assert.deepEqual(await walk(other, '/api/v1/customers', 3), [[]]);
  });
});

describe('list endpoints: filters', () => {
  let m: Merchant;
  const base = Date.parse('2026-04-20T12:00:00.000Z');
  const at = (hoursBefore: number) => new Date(base - hoursBefore * 3600_000).toISOString();
  const o: Record<string, { id: string }> = {};

  before(async () => {
    m = await createTestMerchant(t);
    o.a = await createOrder(m, {
      number: '#F-A',
      channel: 'web',
      campaignTags: ['bf'],
      placedAt: at(72),
      customer: { email: 'filter.a@example.com' },
    });
    o.b = await createOrder(m, {
      number: '#F-B',
      channel: 'store',
      placedAt: at(48),
      customer: { email: 'Filter.B@Example.com' },
    });
    o.c = await createOrder(m, {
      number: '#F-C',
      channel: 'web',
      campaignTags: ['bf', 'vip'],
      placedAt: at(24),
      customer: { email: 'filter.c@example.com' },
    });
    o.d = await createOrder(m, {
      number: '#F-D',
      channel: 'marketplace',
      campaignTags: ['spring'],
      placedAt: at(12),
      customer: { email: 'filter.d@example.com' },
    });
    const post = async (url: string, payload?: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: m.auth,
        ...(payload ? { payload } : {}),
      });
      assert.ok(res.statusCode === 200 || res.statusCode === 201, `${url}: ${res.body}`);
    };
    await post(`/api/v1/orders/${o.b!.id}/cancel`);
    await post(`/api/v1/orders/${o.d!.id}/pay`);
    await post(`/api/v1/orders/${o.c!.id}/shipments`, {
      externalId: 'F-C-1',
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      status: 'in_transit',
    });
  });

  const ids = async (query: string): Promise<string[]> => {
    const res = await get(m, `/api/v1/orders?${query}`);
    assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return res.json().data.map((x: { id: string }) => x.id);
  };
  const q = (v: string) => encodeURIComponent(v);

  test('status: each status returns exactly its orders', async () => {
    const shipped = (await get(m, `/api/v1/orders/${o.c!.id}`)).json();
    assert.equal(shipped.status, 'shipped', 'the fully shipped order is shipped');
    assert.deepEqual(await ids('status=cancelled'), [o.b!.id]);
    assert.deepEqual(await ids('status=shipped'), [o.c!.id]);
    assert.deepEqual(await ids('status=placed'), [o.d!.id, o.a!.id]);
    assert.deepEqual(await ids('status=delivered'), []);
    assert.deepEqual(await ids('paymentStatus=paid'), [o.d!.id]);
  });

  test('channel: exactly the orders from that channel', async () => {
    assert.deepEqual(await ids('channel=web'), [o.c!.id, o.a!.id]);
    assert.deepEqual(await ids('channel=store'), [o.b!.id]);
    assert.deepEqual(await ids('channel=marketplace'), [o.d!.id]);
    assert.deepEqual(await ids('channel=phone'), []);
  });

  test('campaignTag: orders carrying the tag, among others or alone', async () => {
    assert.deepEqual(await ids('campaignTag=bf'), [o.c!.id, o.a!.id]);
    assert.deepEqual(await ids('campaignTag=vip'), [o.c!.id]);
    assert.deepEqual(await ids('campaignTag=spring'), [o.d!.id]);
    assert.deepEqual(await ids('campaignTag=b'), [], 'a tag is matched whole, not as a prefix');
  });

  test('placedFrom / placedTo: the window, from inclusive', async () => {
    assert.deepEqual(await ids(`placedFrom=${q(at(48))}`), [o.d!.id, o.c!.id, o.b!.id]);
    assert.deepEqual(await ids(`placedTo=${q(at(30))}`), [o.b!.id, o.a!.id]);
    assert.deepEqual(await ids(`placedFrom=${q(at(50))}&placedTo=${q(at(20))}`), [o.c!.id, o.b!.id]);
    // The same instant in another offset is the same window.
    const from = new Date(Date.parse(at(50)));
    const inSaoPaulo = `${new Date(from.getTime() - 3 * 3600_000).toISOString().slice(0, 19)}-03:00`;
    assert.deepEqual(await ids(`placedFrom=${q(inSaoPaulo)}&placedTo=${q(at(20))}`), [o.c!.id, o.b!.id]);
  });

  test('filters combine, and paginate', async () => {
    assert.deepEqual(await ids(`channel=web&campaignTag=bf&placedFrom=${q(at(30))}`), [o.c!.id]);
    assert.deepEqual(await ids('channel=store&campaignTag=bf'), []);
    const pages = await walk<{ id: string }>(m, '/api/v1/orders?campaignTag=bf', 1);
    assert.deepEqual(
      pages.map((p) => p.map((x) => x.id)),
      [[o.c!.id], [o.a!.id]],
    );
  });

  test('customers: the email filter finds one customer, whatever the case', async () => {
    const res = await get(m, `/api/v1/customers?email=${q('FILTER.b@example.COM')}`);
    assert.equal(res.statusCode, 200, res.body);
    const data = res.json().data;
    assert.equal(data.length, 1);
    assert.equal(data[0].email, 'filter.b@example.com');
    assert.deepEqual((await get(m, `/api/v1/customers?email=${q('nobody@example.com')}`)).json().data, []);
  });
});
