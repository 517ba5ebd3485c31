/**
 * Bad input on every write route is refused with the documented error and writes nothing. The routes come
 * from apiRoutes(), so a new POST/PATCH route fails here until the table below has a case for it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { apiRoutes } from '../src/http/app.ts';
import type { ApiRoute } from '../src/http/route.ts';
import { silentLogger } from '../src/lib/logger.ts';
import {
  assertError,
  createOrder,
  errorDetails,
  fillPath,
  type InjectResponse,
  orderBody,
  routeKey,
  tableState,
} from './api-fixtures.ts';
import { createTestApp, createTestMerchant, type TestApp } from './helpers.ts';

const LIMIT = 2048;

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let writeRoutes: ApiRoute[];
let journeyId: string;
let creditCustomerId: string;
let redemptionId: string;
let allRoutes: ApiRoute[];

before(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: String(LIMIT) });
  shop = await createTestMerchant(t, { currency: 'USD' });
  allRoutes = apiRoutes({ db: t.database.db, config: t.config, logger: silentLogger });
  writeRoutes = allRoutes.filter((r) => r.method === 'POST' || r.method === 'PATCH');
  const journey = await t.app.inject({
    method: 'POST',
    url: '/api/v1/journeys',
    headers: shop.auth,
    payload: {
      name: 'fixture',
      definition: {
        trigger: { event: 'order.paid' },
        steps: [{ type: 'send', template: 'payment_confirmed' }],
      },
    },
  });
  journeyId = journey.json().id;
  const credit = await t.app.inject({
    method: 'POST',
    url: '/api/v1/credit',
    headers: shop.auth,
    payload: { email: 'credit@shop.test', currency: 'USD', amount: 1_000_000 },
  });
  creditCustomerId = credit.json().account.customerId;
  const redeemed = await t.app.inject({
    method: 'POST',
    url: '/api/v1/vouchers/redeem',
    headers: shop.auth,
    payload: { customerId: creditCustomerId, amount: 10_000, currency: 'USD', orderRef: 'BI-redeemed' },
  });
  redemptionId = redeemed.json().id;
});
after(() => t.close());

let serial = 0;

/** A paid order of two lines (2 mugs, 1 gift wrap) to aim the :id routes at. */
async function freshOrder() {
  serial++;
  return createOrder(t.app, shop.auth, orderBody(`BI-${serial}`, { paymentStatus: 'paid' }));
}

interface WriteCase {
  /** A body the route accepts (the control request answers `status`). */
  valid(order: { id: string; lines: Array<{ id: string }>; returnLineId?: string }): Record<string, unknown>;
  status: number;
  /** The valid body with one field of the wrong type, and the path the error must name. */
  wrongType(valid: Record<string, unknown>): { body: Record<string, unknown>; path: string };
}

const writeCases: Record<string, WriteCase> = {
  'PATCH /api/v1/merchant': {
    valid: () => ({ brandPrimary: '#112233', supportEmail: 'help@shop.test' }),
    status: 200,
    wrongType: (v) => ({ body: { ...v, brandPrimary: 112233 }, path: 'body.brandPrimary' }),
  },
  'POST /api/v1/api-keys': {
    valid: () => ({ name: 'warehouse' }),
    status: 201,
    wrongType: () => ({ body: { name: 7 }, path: 'body.name' }),
  },
  'POST /api/v1/orders': {
    valid: () => orderBody(`BI-valid-${++serial}`),
    status: 201,
    wrongType: (v) => ({
      body: { ...v, lines: [{ title: 'Mug', quantity: 'two', unitPrice: 1250 }] },
      path: 'body.lines.0.quantity',
    }),
  },
  'PATCH /api/v1/orders/:id': {
    valid: () => ({ note: 'leave at the door', tags: ['vip'] }),
    status: 200,
    wrongType: (v) => ({ body: { ...v, tags: 'vip' }, path: 'body.tags' }),
  },
  'POST /api/v1/orders/:id/pay': {
    valid: () => ({ paidAt: '2025-03-01T10:00:00Z' }),
    status: 200,
    wrongType: () => ({ body: { paidAt: 1740823200000 }, path: 'body.paidAt' }),
  },
  'POST /api/v1/vouchers/validate': {
    valid: () => ({ customerId: creditCustomerId, currency: 'USD', orderTotal: 1000 }),
    status: 200,
    wrongType: (v) => ({ body: { ...v, orderTotal: '1000' }, path: 'body.orderTotal' }),
  },
  'POST /api/v1/vouchers/redeem': {
    valid: () => ({
      customerId: creditCustomerId,
      amount: 100,
      currency: 'USD',
      orderRef: `BI-r-${++serial}`,
    }),
    status: 201,
    wrongType: (v) => ({ body: { ...v, amount: '100' }, path: 'body.amount' }),
  },
  'POST /api/v1/vouchers/redemptions/:id/reverse': {
    valid: () => ({ amount: 1 }),
    status: 201,
    wrongType: () => ({ body: { amount: 'one' }, path: 'body.amount' }),
  },
  'POST /api/v1/credit': {
    valid: () => ({ email: 'credit@shop.test', currency: 'USD', amount: 500 }),
    status: 201,
    wrongType: (v) => ({ body: { ...v, amount: '500' }, path: 'body.amount' }),
  },
  'POST /api/v1/returns': {
    valid: (order) => ({
      orderId: order.id,
      resolution: 'store_credit',
      lines: [{ orderLineId: order.lines[0]!.id, quantity: 1, reason: 'changed_mind' }],
    }),
    status: 201,
    wrongType: (v) => ({
      body: { ...v, lines: [{ ...(v.lines as object[])[0], quantity: 'one' }] },
      path: 'body.lines.0.quantity',
    }),
  },
  'POST /api/v1/returns/:id/approve': {
    valid: () => ({ note: 'photo checked' }),
    status: 200,
    wrongType: () => ({ body: { note: 5 }, path: 'body.note' }),
  },
  'POST /api/v1/returns/:id/reject': {
    valid: () => ({ note: 'worn' }),
    status: 200,
    wrongType: () => ({ body: { note: false }, path: 'body.note' }),
  },
  'POST /api/v1/returns/:id/label': {
    valid: () => ({ carrier: 'correos', trackingNumber: 'RR123456785ES' }),
    status: 200,
    wrongType: (v) => ({ body: { ...v, trackingNumber: 123 }, path: 'body.trackingNumber' }),
  },
  'POST /api/v1/returns/:id/receive': {
    valid: () => ({ note: 'box intact' }),
    status: 200,
    wrongType: () => ({ body: { note: [] }, path: 'body.note' }),
  },
  'POST /api/v1/returns/:id/inspect': {
    valid: (order) => ({ lines: [{ lineId: order.returnLineId, inspection: 'restock' }] }),
    status: 200,
    wrongType: (v) => ({
      body: { lines: [{ ...(v.lines as object[])[0], inspection: 'burn it' }] },
      path: 'body.lines.0.inspection',
    }),
  },
  'POST /api/v1/returns/:id/resolve': {
    valid: () => ({}),
    status: 200,
    wrongType: () => ({ body: { note: 1 }, path: 'body.note' }),
  },
  'POST /api/v1/returns/:id/cancel': {
    valid: () => ({ note: 'changed my mind again' }),
    status: 200,
    wrongType: () => ({ body: { note: {} }, path: 'body.note' }),
  },
  'POST /api/v1/returns/:id/close': {
    valid: () => ({}),
    status: 200,
    wrongType: () => ({ body: { note: 2 }, path: 'body.note' }),
  },
  'POST /api/v1/orders/:id/cancel': {
    valid: () => ({ reason: 'customer changed their mind' }),
    status: 200,
    wrongType: () => ({ body: { reason: 42 }, path: 'body.reason' }),
  },
  'POST /api/v1/orders/:id/refunds': {
    valid: () => ({ amount: 500, reason: 'late' }),
    status: 201,
    wrongType: (v) => ({ body: { ...v, amount: '500' }, path: 'body.amount' }),
  },
  'POST /api/v1/orders/:id/shipments': {
    valid: (order) => ({ carrier: 'UPS', lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] }),
    status: 201,
    wrongType: (v) => ({
      body: { ...v, lines: [{ lineId: (v.lines as Array<{ lineId: string }>)[0]!.lineId, quantity: 'two' }] },
      path: 'body.lines.0.quantity',
    }),
  },
  'POST /api/v1/templates/:key/:locale/preview': {
    valid: (order) => ({ orderId: order.id }),
    status: 200,
    wrongType: (v) => ({ body: { ...v, orderId: 42 }, path: 'body.orderId' }),
  },
  'POST /api/v1/templates/:key/:locale/test-send': {
    valid: (order) => ({ orderId: order.id }),
    status: 201,
    wrongType: (v) => ({ body: { ...v, channel: 'pigeon' }, path: 'body.channel' }),
  },
  'POST /api/v1/journeys/presets/:key': {
    valid: () => ({ percentOff: 15 }),
    status: 201,
    wrongType: () => ({ body: { percentOff: 'fifteen' }, path: 'body.percentOff' }),
  },
  'POST /api/v1/journeys': {
    valid: () => ({
      name: `J ${++serial}`,
      definition: {
        trigger: { event: 'order.paid' },
        steps: [{ type: 'send', template: 'payment_confirmed' }],
      },
    }),
    status: 201,
    wrongType: (v) => ({
      body: {
        ...v,
        definition: { trigger: { event: 'order.paid' }, steps: [{ type: 'wait', for: { days: 'two' } }] },
      },
      path: 'body.definition.steps.0.for.days',
    }),
  },
  'PATCH /api/v1/journeys/:id': {
    valid: () => ({ name: 'Renamed journey', active: false }),
    status: 200,
    wrongType: () => ({ body: { active: 'no' }, path: 'body.active' }),
  },
  'POST /api/v1/webhook-endpoints': {
    valid: () => ({ url: 'https://93.184.216.34/hooks', events: ['order.placed'] }),
    status: 201,
    wrongType: (v) => ({ body: { ...v, events: 'order.placed' }, path: 'body.events' }),
  },
  'POST /api/v1/tracking-events': {
    valid: () => ({
      events: [{ trackingNumber: 'NOT-OURS-1', occurredAt: '2026-11-02T10:00:00Z', status: 'in_transit' }],
    }),
    status: 200,
    wrongType: () => ({
      body: {
        events: [
          { trackingNumber: 'X', occurredAt: '2026-11-02T10:00:00Z', status: 'in_transit', location: 5 },
        ],
      },
      path: 'body.events.0.location',
    }),
  },
  'POST /api/v1/delivery-promise': {
    valid: () => ({
      origin: { country: 'US', regionCode: 'NY' },
      destination: { country: 'US', regionCode: 'CA' },
      orderedAt: '2026-11-02T10:00:00Z',
    }),
    status: 200,
    wrongType: (v) => ({ body: { ...v, processingDays: 'two' }, path: 'body.processingDays' }),
  },
  'POST /api/v1/products': {
    valid: () => ({
      externalId: `p-${++serial}`,
      title: 'Mug',
      variants: [{ sku: `mug-${serial}`, price: 1250 }],
    }),
    status: 201,
    wrongType: (v) => ({
      body: { ...v, variants: [{ sku: 'mug', price: '12.50' }] },
      path: 'body.variants.0.price',
    }),
  },
};

interface Target {
  route: ApiRoute;
  url: string;
  order: { id: string; lines: Array<{ id: string }>; returnLineId?: string };
  case: WriteCase;
}

async function target(route: ApiRoute): Promise<Target> {
  const c = writeCases[routeKey(route)];
  assert.ok(c, `no bad-input case for ${routeKey(route)}: add one to writeCases in ${import.meta.filename}`);
  const order = await freshOrder();
  // A return needs a shipped order: the policy's window starts at fulfilment.
  if (route.url === '/api/v1/returns') {
    const shipped = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/shipments`,
      headers: shop.auth,
      payload: { carrier: 'UPS' },
    });
    assert.equal(shipped.statusCode, 201, shipped.body);
  }
  const ret = route.url.startsWith('/api/v1/returns/:id/')
    ? await returnReadyFor(route.url, order)
    : undefined;
  return {
    route,
    url: fillPath(route.url, {
      orders: order.id,
      returns: ret?.id ?? '',
      redemptions: redemptionId,
      journeys: journeyId,
      templates: 'order_confirmation',
      ':key': 'sv',
      presets: 'thank_you_voucher',
    }),
    order: { ...order, returnLineId: ret?.lineId },
    case: c,
  };
}

/**
 * A return on the order in the state each step follows: the step's valid request must succeed, so that
 * its refusals are about the input, not the state.
 */
async function returnReadyFor(url: string, order: { id: string; lines: Array<{ id: string }> }) {
  const api = async (path: string, payload: unknown, status = 200) => {
    const res = await t.app.inject({
      method: 'POST',
      url: path,
      headers: shop.auth,
      payload: payload as never,
    });
    assert.equal(res.statusCode, status, `${path}: ${res.body}`);
    return res.json();
  };
  await api(`/api/v1/orders/${order.id}/shipments`, { carrier: 'UPS' }, 201);
  const action = url.split('/').pop()!;
  const review = action === 'approve' || action === 'reject';
  const ret = await api(
    '/api/v1/returns',
    {
      orderId: order.id,
      resolution: 'refund',
      // Damaged without a photo waits for a person; changing one's mind is approved by the policy.
      lines: [{ orderLineId: order.lines[0]!.id, quantity: 1, reason: review ? 'damaged' : 'changed_mind' }],
    },
    201,
  );
  const lineId = ret.lines[0].id as string;
  const path = `/api/v1/returns/${ret.id}`;
  if (['inspect', 'resolve', 'close'].includes(action)) await api(`${path}/receive`, {});
  if (['resolve', 'close'].includes(action))
    await api(`${path}/inspect`, { lines: [{ lineId, inspection: 'restock' }] });
  if (action === 'close') await api(`${path}/resolve`, {});
  return { id: ret.id as string, lineId };
}

/**
 * Sends a request, by default with an Idempotency-Key: input refused before the handler runs must not
 * leave a remembered response behind either.
 */
function send(
  tg: Target,
  payload: string | Buffer | undefined,
  headers: Record<string, string>,
  idempotencyKey = true,
): Promise<InjectResponse> {
  return t.app.inject({
    method: tg.route.method,
    url: tg.url,
    headers: {
      ...shop.auth,
      ...(idempotencyKey ? { 'idempotency-key': `bad-${++serial}` } : {}),
      ...headers,
    },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** Sends a request that must be refused, checks the error, and checks that no table changed. */
async function refused(
  tg: Target,
  payload: string | Buffer | undefined,
  headers: Record<string, string>,
  status: number,
  code: string,
  idempotencyKey = true,
) {
  const before = await tableState(t.database.db);
  const res = await send(tg, payload, headers, idempotencyKey);
  const error = assertError(res, status, code);
  assert.deepEqual(await tableState(t.database.db), before, `${routeKey(tg.route)} wrote despite ${code}`);
  return { res, error };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Runs `fn` for every POST and PATCH route, each as its own subtest. */
async function eachWriteRoute(tt: { test: typeof test }, fn: (tg: Target) => Promise<void>) {
  assert.ok(writeRoutes.length > 0, 'apiRoutes() has write routes');
  for (const route of writeRoutes) await tt.test(routeKey(route), async () => fn(await target(route)));
}

describe('bad input on every POST and PATCH route', () => {
  test('every write route has a bad-input case, and every case a route', () => {
    const keys = writeRoutes.map(routeKey);
    assert.deepEqual(
      keys.filter((k) => !writeCases[k]),
      [],
      `add these routes to writeCases in ${import.meta.filename}`,
    );
    assert.deepEqual(
      Object.keys(writeCases).filter((k) => !keys.includes(k)),
      [],
      'these cases name routes that no longer exist',
    );
  });

  test('malformed JSON: 400 invalid_json', async (tt) => {
    await eachWriteRoute(tt, async (tg) => {
      for (const text of [
        '{"note": ',
        '{bad}',
        "{'single': 'quotes'}",
        '[1, 2',
        '{"a": 1} trailing',
        'NaN',
      ]) {
        await refused(tg, text, JSON_TYPE, 400, 'invalid_json');
      }
    });
  });

  test('a field of the wrong type: 400 validation_failed naming the field', async (tt) => {
    await eachWriteRoute(tt, async (tg) => {
      const { body, path } = tg.case.wrongType(tg.case.valid(tg.order));
      const { res, error } = await refused(tg, JSON.stringify(body), JSON_TYPE, 400, 'validation_failed');
      const details = errorDetails(res);
      assert.ok(
        details.some((d) => d.path === path),
        `details name ${path}: ${JSON.stringify(details)}`,
      );
      assert.match(error.message, new RegExp(path.replace(/\./g, '\\.')));
    });
  });

  test('an unknown field: 400 with an unrecognized_keys detail', async (tt) => {
    await eachWriteRoute(tt, async (tg) => {
      const body = { ...tg.case.valid(tg.order), surprise: true };
      const { res } = await refused(tg, JSON.stringify(body), JSON_TYPE, 400, 'validation_failed');
      const detail = errorDetails(res).find((d) => d.code === 'unrecognized_keys');
      assert.ok(detail, res.body);
      assert.equal(detail.path, 'body');
      assert.match(detail.message, /surprise/);
    });
  });

  test('an unknown field deep inside an order line is refused too', async () => {
    const tg = await target(writeRoutes.find((r) => routeKey(r) === 'POST /api/v1/orders')!);
    const body = orderBody('BI-nested', {
      lines: [{ title: 'Mug', quantity: 1, unitPrice: 100, colour: 'red' }],
    });
    const { res } = await refused(tg, JSON.stringify(body), JSON_TYPE, 400, 'validation_failed');
    assert.ok(
      errorDetails(res).some((d) => d.code === 'unrecognized_keys' && d.path === 'body.lines.0'),
      res.body,
    );
  });

  test(`a body over BODY_LIMIT_BYTES (${LIMIT}): 413 payload_too_large`, async (tt) => {
    await eachWriteRoute(tt, async (tg) => {
      const limit = tg.route.bodyLimit ?? LIMIT;
      const body = JSON.stringify({ ...tg.case.valid(tg.order), note: 'x'.repeat(limit) });
      assert.ok(Buffer.byteLength(body) > limit);
      const { error } = await refused(tg, body, JSON_TYPE, 413, 'payload_too_large');
      assert.match(error.message, new RegExp(String(limit)));
    });
  });

  test('a body without a JSON content type: 415 unsupported_media_type', async (tt) => {
    await eachWriteRoute(tt, async (tg) => {
      const json = JSON.stringify(tg.case.valid(tg.order));
      await refused(tg, '<order/>', { 'content-type': 'application/xml' }, 415, 'unsupported_media_type');
      await refused(
        tg,
        Buffer.from(json),
        { 'content-type': 'application/octet-stream' },
        415,
        'unsupported_media_type',
      );
      await refused(
        tg,
        `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n`,
        { 'content-type': 'multipart/form-data; boundary=x' },
        415,
        'unsupported_media_type',
      );
      await refused(tg, Buffer.from(json), {}, 415, 'unsupported_media_type');
    });
  });

  test('text/plain and form-encoded bodies are refused with 415 too, and write nothing', async () => {
    for (const route of writeRoutes) {
      const tg = await target(route);
      const valid = tg.case.valid(tg.order);
      const form = new URLSearchParams(
        Object.entries(valid).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ).toString();
      await refused(
        tg,
        form,
        { 'content-type': 'application/x-www-form-urlencoded' },
        415,
        'unsupported_media_type',
      );
      await refused(
        tg,
        JSON.stringify(valid),
        { 'content-type': 'text/plain' },
        415,
        'unsupported_media_type',
      );
    }
  });

  test('the same valid bodies are accepted (the refusals above are about the input alone)', async (tt) => {
    await eachWriteRoute(tt, async (tg) => {
      const res = await send(tg, JSON.stringify(tg.case.valid(tg.order)), JSON_TYPE);
      assert.equal(res.statusCode, tg.case.status, res.body);
    });
  });
});

describe('other bad requests', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  function cursorRoutes() {
    const found = allRoutes.filter(
      (r) => r.method === 'GET' && r.query instanceof z.ZodObject && 'cursor' in r.query.shape,
    );
    assert.ok(found.length >= 3, 'orders, customers and products page with cursors');
    return found;
  }

  test('an invalid cursor: 400 invalid_cursor on every paginated list', async () => {
    for (const route of cursorRoutes()) {
      for (const cursor of ['abc', '%%%', b64('not json'), b64({ a: 1 }), b64([1, 2]), b64(['x'])]) {
        const res = await t.app.inject({
          url: `${route.url}?cursor=${encodeURIComponent(cursor)}`,
          headers: shop.auth,
        });
        const error = assertError(res, 400, 'invalid_cursor');
        assert.match(error.message, /nextCursor/);
      }
    }
  });

  test('a cursor that decodes but does not hold a timestamp: 400 invalid_cursor, not a 500', async () => {
    for (const route of cursorRoutes()) {
      const res = await t.app.inject({
        url: `${route.url}?cursor=${b64(['not-a-date', 'ord_1'])}`,
        headers: shop.auth,
      });
      assertError(res, 400, 'invalid_cursor');
    }
  });

  test('an unknown route: 404 route_not_found, with or without a key', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v2/orders'],
      ['POST', '/api/v1/orders/ord_1/refund'],
      ['DELETE', '/api/v1/orders/ord_1'],
      ['PUT', '/api/v1/merchant'],
    ] as const) {
      for (const headers of [shop.auth, {}]) {
        const res = await t.app.inject({ method, url, headers });
        const error = assertError(res, 404, 'route_not_found');
        assert.match(error.message, new RegExp(`${method} ${url.replace(/\//g, '\\/')}`));
      }
    }
  });

  test('PATCH /api/v1/merchant refuses an unknown currency, locale or time zone and keeps the old one', async () => {
    const get = async () => (await t.app.inject({ url: '/api/v1/merchant', headers: shop.auth })).json();
    const original = await get();
    const route = allRoutes.find((r) => routeKey(r) === 'PATCH /api/v1/merchant')!;
    const tg: Target = {
      route,
      url: route.url,
      order: { id: '', lines: [] },
      case: writeCases[routeKey(route)]!,
    };
    for (const [field, values] of [
      ['currency', ['EURO', 'XYZ', 'US1', '', 12]],
      ['locale', ['klingon', 'fr', 'en_US', '']],
      ['timezone', ['Mars/Olympus', 'Europe/Atlantis', 'UTC+99']],
    ] as const) {
      for (const value of values) {
        const { res } = await refused(
          tg,
          JSON.stringify({ [field]: value }),
          JSON_TYPE,
          400,
          'validation_failed',
        );
        assert.ok(
          errorDetails(res).some((d) => d.path === `body.${field}`),
          `${field}=${JSON.stringify(value)}: ${res.body}`,
        );
      }
    }
    assert.deepEqual(await get(), original);
    const changed = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/merchant',
      headers: shop.auth,
      payload: { currency: 'eur', locale: 'sv', timezone: 'Europe/Stockholm' },
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual(
      [changed.json().currency, changed.json().locale, changed.json().timezone],
      ['EUR', 'sv', 'Europe/Stockholm'],
    );
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/merchant',
      headers: shop.auth,
      payload: { currency: 'USD', locale: 'en', timezone: 'UTC' },
    });
  });

  async function shipmentTarget() {
    const route = writeRoutes.find((r) => routeKey(r) === 'POST /api/v1/orders/:id/shipments')!;
    return target(route);
  }

  test('shipping more of a line than is left: 422 over_shipped, nothing written', async () => {
    const tg = await shipmentTarget();
    const mugs = tg.order.lines[0]!.id; // 2 mugs on the order
    const ship = (lines: Array<{ lineId: string; quantity: number }>) =>
      JSON.stringify({ carrier: 'UPS', lines });
    let { error } = await refused(
      tg,
      ship([{ lineId: mugs, quantity: 3 }]),
      JSON_TYPE,
      422,
      'over_shipped',
      false,
    );
    assert.deepEqual(error.details, { lineId: mugs, requested: 3, remaining: 2 });
    // The same line twice in one parcel counts once, summed.
    ({ error } = await refused(
      tg,
      ship([
        { lineId: mugs, quantity: 2 },
        { lineId: mugs, quantity: 1 },
      ]),
      JSON_TYPE,
      422,
      'over_shipped',
      false,
    ));
    const first = await send(tg, ship([{ lineId: mugs, quantity: 1 }]), JSON_TYPE);
    assert.equal(first.statusCode, 201, first.body);
    ({ error } = await refused(
      tg,
      ship([{ lineId: mugs, quantity: 2 }]),
      JSON_TYPE,
      422,
      'over_shipped',
      false,
    ));
    assert.deepEqual(error.details, { lineId: mugs, requested: 2, remaining: 1 });
    await refused(
      tg,
      ship([{ lineId: 'oln_not_on_this_order', quantity: 1 }]),
      JSON_TYPE,
      422,
      'unknown_line',
      false,
    );
    const order = await t.app.inject({ url: `/api/v1/orders/${tg.order.id}`, headers: shop.auth });
    assert.equal(order.json().status, 'partially_shipped');
  });

  test('shipping a cancelled order: 409, nothing written', async () => {
    const tg = await shipmentTarget();
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${tg.order.id}/cancel`,
      headers: shop.auth,
    });
    assert.equal(cancel.json().status, 'cancelled');
    const { error } = await refused(
      tg,
      JSON.stringify({ carrier: 'UPS', trackingNumber: '1Z999' }),
      JSON_TYPE,
      409,
      'order_cancelled',
      false,
    );
    assert.match(error.message, /cancelled/);
    const shipments = await t.app.inject({
      url: `/api/v1/orders/${tg.order.id}/shipments`,
      headers: shop.auth,
    });
    assert.deepEqual(shipments.json().data, []);
  });
});
