import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { hasSharedData, readShared, readSharedJson, SKIP_NO_SHARED_DATA } from '../../../test/shared-data.ts';
import { verifyHmacSha256 } from '../../lib/crypto.ts';
import type { CustomerView } from '../../modules/customers/schemas.ts';
import type { OrderView } from '../../modules/orders/schemas.ts';
import type { ShipmentView } from '../../modules/shipments/schemas.ts';

/**
 * Shopify webhooks end to end: signed deliveries of Shopify's own REST resource fixtures (the webhook body
 * is the resource without its wrapper key) go through POST /webhooks/shopify, and what a merchant sees is
 * read back through the REST API. Expected values are taken from the fixture files, not from our mapping.
 */

const RESOURCES = ['shopify_fixtures', 'rest_resource_fixtures'] as const;
const HMAC_DIR = ['shopify_fixtures', 'webhook_hmac'] as const;
const needsResources = { skip: hasSharedData(...RESOURCES) ? false : SKIP_NO_SHARED_DATA };
const needsHmacVector = { skip: hasSharedData(...HMAC_DIR) ? false : SKIP_NO_SHARED_DATA };

interface FixtureLine {
  id: number;
  title: string;
  variant_title: string | null;
  sku: string | null;
  quantity: number;
  price: string;
  properties: Array<{ name: string; value: string }>;
  tax_lines?: Array<{ price: string }>;
}
interface FixtureAddress {
  first_name: string;
  last_name: string;
  address1: string;
  city: string;
  zip: string;
  country_code: string;
}
interface FixtureOrder {
  id: number;
  name: string;
  order_number: number;
  currency: string;
  email: string;
  note: string | null;
  financial_status: string;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason: string | null;
  total_line_items_price: string;
  total_discounts: string;
  total_tax: string;
  total_price: string;
  line_items: FixtureLine[];
  shipping_lines: Array<{ title: string; price: string }>;
  discount_codes: Array<{ code: string; amount: string }>;
  tax_lines: Array<{ price: string }>;
  customer: { first_name: string; last_name: string; email: string };
  shipping_address: FixtureAddress;
  fulfillments: FixtureFulfillment[];
  refunds?: unknown[];
}
interface FixtureFulfillment {
  id: number;
  order_id: number;
  status: string;
  created_at: string;
  updated_at: string;
  tracking_number: string;
  tracking_url: string;
  shipment_status?: string;
  line_items: Array<{ id: number; quantity: number }>;
}
interface FixtureRefund {
  id: number;
  order_id: number;
  refund_line_items: Array<{ line_item_id: number; quantity: number }>;
  transactions: Array<{ kind: string; status: string; amount: string }>;
}
interface HmacVector {
  secret: string;
  body_file: string;
  body_exact: string;
  body_bytes: number;
  headers: Record<string, string>;
  expected_validation_result: { valid: boolean };
}

/** Each call reads the file again, so a test may change its copy freely. */
const fixtureOrder = () => readSharedJson<{ order: FixtureOrder }>(...RESOURCES, 'order.json').order;
const fixtureFulfillment = () =>
  readSharedJson<{ fulfillment: FixtureFulfillment }>(...RESOURCES, 'fulfillment.json').fulfillment;
const fixtureRefund = () => readSharedJson<{ refund: FixtureRefund }>(...RESOURCES, 'refund.json').refund;

/** An orders/create body as Shopify sends it when the order is placed: nothing fulfilled yet. */
function newOrderPayload(): FixtureOrder {
  const o = fixtureOrder();
  o.fulfillments = [];
  return o;
}

/** The fixtures are in USD: two decimals. Independent of the platform's own money parsing. */
function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

function minutesAfter(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

type Shop = Awaited<ReturnType<typeof createTestMerchant>> & { domain: string; secret: string };
let shops = 0;

/** A merchant connected to its own Shopify store, so every test has the fixture order to itself. */
async function connectShop(
  app: TestApp = t,
  domain = `afterglow-test-${++shops}.myshopify.com`,
  secret = randomBytes(24).toString('hex'),
): Promise<Shop> {
  const m = await createTestMerchant(app, { shopify: { domain, secret } });
  return { ...m, domain, secret };
}

function sign(raw: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

/** POSTs `body` exactly as signed, with the headers Shopify sends. */
function deliver(
  shop: Shop,
  topic: string,
  body: unknown,
  opts: { webhookId?: string; app?: TestApp; headers?: Record<string, string | undefined> } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': shop.domain,
    'x-shopify-hmac-sha256': sign(raw, shop.secret),
    'x-shopify-webhook-id': opts.webhookId ?? randomUUID(),
  };
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return (opts.app ?? t).app.inject({ method: 'POST', url: '/webhooks/shopify', headers, payload: raw });
}

/** Delivers and expects Shopify to be told 200; returns our outcome ('processed', 'duplicate', ...). */
async function accepted(
  shop: Shop,
  topic: string,
  body: unknown,
  opts: { webhookId?: string } = {},
): Promise<{ status: string; notes: string[] }> {
  const res = await deliver(shop, topic, body, opts);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function get<T>(shop: Shop, url: string, app: TestApp = t): Promise<T> {
  const res = await app.app.inject({ url, headers: shop.auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as T;
}

async function ordersNumbered(shop: Shop, number: string, app: TestApp = t): Promise<OrderView[]> {
  return (await get<{ data: OrderView[] }>(shop, `/api/v1/orders?number=${encodeURIComponent(number)}`, app))
    .data;
}

async function theOrder(shop: Shop, number: string): Promise<OrderView> {
  const list = await ordersNumbered(shop, number);
  assert.equal(list.length, 1, `expected exactly one order ${number}`);
  return list[0]!;
}

async function eventTypes(shop: Shop, subjectId: string): Promise<string[]> {
  const page = await get<{ data: Array<{ type: string }> }>(
    shop,
    `/api/v1/events?limit=500&subjectId=${encodeURIComponent(subjectId)}`,
  );
  return page.data.map((e) => e.type);
}

/** Every event of the merchant, whatever its subject. */
async function allEventTypes(shop: Shop, app: TestApp = t): Promise<string[]> {
  const page = await get<{ data: Array<{ type: string }> }>(shop, '/api/v1/events?limit=500', app);
  return page.data.map((e) => e.type);
}

async function shipmentsOf(shop: Shop, orderId: string): Promise<ShipmentView[]> {
  return (await get<{ data: ShipmentView[] }>(shop, `/api/v1/orders/${orderId}/shipments`)).data;
}

function assertErrorBody(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof body.error?.code, 'string', res.body);
  assert.equal(typeof body.error?.message, 'string', res.body);
  const error = body.error as { code: string; message: string };
  assert.ok(error.message.length > 0);
  return error;
}

describe('Shopify webhook signature (official test vector)', () => {
  test('verifyHmacSha256 accepts the vector and rejects a one-byte change', needsHmacVector, () => {
    const v = readSharedJson<HmacVector>(...HMAC_DIR, 'hmac_vector.json');
    const body = Buffer.from(readShared(...HMAC_DIR, v.body_file), 'utf8');
    assert.equal(body.length, v.body_bytes, 'the body file must be the exact signed bytes');
    assert.equal(body.toString('utf8'), v.body_exact);
    const signature = v.headers['X-Shopify-Hmac-Sha256'];
    assert.ok(signature);
    const check = (rawBody: Buffer, sig: string, secret = v.secret) =>
      verifyHmacSha256({ secret, rawBody, signature: sig, encoding: 'base64' });

    assert.equal(check(body, signature), v.expected_validation_result.valid);
    assert.equal(check(body, signature), true);

    // One byte of the body changed.
    const tampered = Buffer.from(body);
    tampered[tampered.length - 2] = (tampered[tampered.length - 2]! + 1) % 256;
    assert.equal(check(tampered, signature), false);
    // One byte of the signature changed.
    const sigBytes = Buffer.from(signature, 'base64');
    sigBytes[0] = sigBytes[0]! ^ 0x01;
    assert.equal(check(body, sigBytes.toString('base64')), false);
    // Another secret, a truncated signature, no signature.
    assert.equal(check(body, signature, `${v.secret}x`), false);
    assert.equal(check(body, signature.slice(0, -4)), false);
    assert.equal(
      verifyHmacSha256({ secret: v.secret, rawBody: body, signature: undefined, encoding: 'base64' }),
      false,
    );
  });

  test(
    'the vector delivered over HTTP is accepted; an unused topic answers 200 ignored',
    needsHmacVector,
    async () => {
      const v = readSharedJson<HmacVector>(...HMAC_DIR, 'hmac_vector.json');
      const raw = readShared(...HMAC_DIR, v.body_file);
      const domain = v.headers['X-Shopify-Shop-Domain']!;
      const shop = await connectShop(t, domain, v.secret);
      const headers = {
        'content-type': 'application/json',
        'x-shopify-topic': v.headers['X-Shopify-Topic']!,
        'x-shopify-shop-domain': domain,
        'x-shopify-hmac-sha256': v.headers['X-Shopify-Hmac-Sha256']!,
        'x-shopify-webhook-id': v.headers['X-Shopify-Webhook-Id']!,
        'x-shopify-api-version': v.headers['X-Shopify-API-Version']!,
      };
      const ok = await t.app.inject({ method: 'POST', url: '/webhooks/shopify', headers, payload: raw });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'ignored');

      const tampered = raw.replace('bar', 'baz');
      assert.equal(tampered.length, raw.length);
      const bad = await t.app.inject({
        method: 'POST',
        url: '/webhooks/shopify',
        headers: { ...headers, 'x-shopify-webhook-id': '987654321' },
        payload: tampered,
      });
      assert.equal(bad.statusCode, 401, bad.body);
      assert.equal(assertErrorBody(bad).code, 'invalid_signature');
      assert.deepEqual(await allEventTypes(shop), []);
    },
  );
});

/** Everything a merchant sees of the order, checked against the Shopify order JSON it came from. */
async function assertMapsFaithfully(shop: Shop, o: FixtureOrder): Promise<OrderView> {
  assert.equal(o.currency, 'USD', 'cents() assumes a two-decimal currency');
  const view = await theOrder(shop, o.name);
  assert.equal(view.number, o.name);
  assert.equal(view.source, 'shopify');
  assert.equal(view.externalId, String(o.id));
  assert.equal(view.totals.currency, o.currency);
  assert.equal(view.placedAt, new Date(o.created_at).toISOString());
  assert.equal(view.email, o.email.toLowerCase());
  assert.equal(view.paymentStatus, o.financial_status);
  assert.equal(view.status, o.cancelled_at ? 'cancelled' : 'placed');

  assert.equal(view.lines.length, o.line_items.length);
  o.line_items.forEach((li, i) => {
    const line = view.lines[i]!;
    assert.equal(line.position, i + 1);
    assert.equal(line.externalId, String(li.id));
    assert.equal(line.title, li.title);
    assert.equal(line.variantTitle, li.variant_title);
    assert.equal(line.sku, li.sku);
    assert.equal(line.quantity, li.quantity);
    assert.equal(line.unitPrice, cents(li.price));
    assert.deepEqual(
      line.properties,
      li.properties.map((p) => ({ name: p.name, value: p.value })),
    );
    assert.equal(
      line.tax,
      (li.tax_lines ?? []).reduce((s, tl) => s + cents(tl.price), 0),
    );
  });
  // The fixture has a line with a modification (engraving): make sure it is one we checked.
  assert.ok(view.lines.some((l) => l.properties.length > 0));

  assert.deepEqual(view.totals, {
    subtotal: cents(o.total_line_items_price),
    discount: cents(o.total_discounts),
    tax: cents(o.total_tax),
    shipping: o.shipping_lines.reduce((s, l) => s + cents(l.price), 0),
    total: cents(o.total_price),
    refunded: 0,
    currency: o.currency,
  });
  assert.equal(
    view.totals.tax,
    o.tax_lines.reduce((s, tl) => s + cents(tl.price), 0),
  );
  assert.equal(view.shippingMethod, o.shipping_lines[0]!.title);
  assert.deepEqual(
    view.discountCodes,
    o.discount_codes.map((d) => ({ code: d.code, amount: cents(d.amount) })),
  );

  const ship = view.shippingAddress as Record<string, unknown>;
  assert.equal(ship.country, o.shipping_address.country_code);
  assert.equal(ship.city, o.shipping_address.city);
  assert.equal(ship.postalCode, o.shipping_address.zip);
  assert.equal(ship.line1, o.shipping_address.address1);
  assert.equal(ship.name, `${o.shipping_address.first_name} ${o.shipping_address.last_name}`);

  assert.ok(view.customerId);
  const customer = await get<CustomerView>(shop, `/api/v1/customers/${view.customerId}`);
  assert.equal(customer.email, o.customer.email.toLowerCase());
  assert.equal(customer.firstName, o.customer.first_name);
  assert.equal(customer.lastName, o.customer.last_name);

  const expected = ['order.placed'];
  if (o.financial_status === 'paid') expected.push('order.paid');
  assert.deepEqual(await eventTypes(shop, view.id), expected);

  return view;
}

describe('Shopify orders/*', () => {
  // A new order goes through a group-committed fast lane when it carries no fulfilments or refunds, and
  // through the one-at-a-time path otherwise or when it is an update: the mapping must hold on every path.
  test('orders/create with the full fixture order maps faithfully', needsResources, async () => {
    const shop = await connectShop();
    const o = fixtureOrder();
    assert.equal((await accepted(shop, 'orders/create', o)).status, 'processed');
    const view = await assertMapsFaithfully(shop, o);
    // The fixture order carries one fulfilment whose status is "failure": it shipped nothing.
    assert.ok(o.fulfillments.length > 0 && o.fulfillments.every((f) => f.status === 'failure'));
    for (const s of await shipmentsOf(shop, view.id)) assert.equal(s.status, 'cancelled');
  });

  test(
    'orders/create of the order as placed (nothing fulfilled yet) maps faithfully',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = newOrderPayload();
      assert.equal((await accepted(shop, 'orders/create', o)).status, 'processed');
      const view = await assertMapsFaithfully(shop, o);
      assert.deepEqual(await shipmentsOf(shop, view.id), []);
    },
  );

  test('an order first seen through orders/updated maps faithfully', needsResources, async () => {
    const shop = await connectShop();
    const o = newOrderPayload();
    assert.equal((await accepted(shop, 'orders/updated', o)).status, 'processed');
    await assertMapsFaithfully(shop, o);
  });

  test(
    'deliveries arriving together: every order once, a repeated delivery answered duplicate',
    needsResources,
    async () => {
      const shop = await connectShop();
      /** The fixture order as the shop's n-th order. */
      const nth = (n: number) => {
        const o = newOrderPayload();
        o.id += n;
        o.order_number += n;
        o.name = `#${o.order_number}`;
        return o;
      };
      const distinct = Array.from({ length: 8 }, (_, n) => nth(n));
      const twiceSameId = nth(8);
      const twiceNewId = nth(9);
      const webhookId = randomUUID();
      const answers = await Promise.all([
        ...distinct.map((o) => accepted(shop, 'orders/create', o)),
        accepted(shop, 'orders/create', twiceSameId, { webhookId }),
        accepted(shop, 'orders/create', twiceSameId, { webhookId }),
        accepted(shop, 'orders/create', twiceNewId),
        accepted(shop, 'orders/create', twiceNewId),
      ]);
      const statuses = answers.map((a) => a.status);
      assert.deepEqual(statuses.slice(0, 8), Array(8).fill('processed'));
      assert.deepEqual(statuses.slice(8, 10).sort(), ['duplicate', 'processed']);
      assert.ok(statuses.slice(10).includes('processed'), statuses.join(','));

      const all = await get<{ data: OrderView[] }>(shop, '/api/v1/orders?limit=200');
      const numbers = all.data.map((o) => o.number).sort();
      assert.deepEqual(numbers, [...distinct, twiceSameId, twiceNewId].map((o) => o.name).sort());
      const placed = (await allEventTypes(shop)).filter((e) => e === 'order.placed');
      assert.equal(placed.length, numbers.length);
    },
  );

  test(
    'the same delivery twice (same X-Shopify-Webhook-Id) is one order, answered duplicate',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = newOrderPayload();
      const webhookId = randomUUID();
      assert.equal((await accepted(shop, 'orders/create', o, { webhookId })).status, 'processed');
      const eventsBefore = await allEventTypes(shop);
      const again = await accepted(shop, 'orders/create', o, { webhookId });
      assert.equal(again.status, 'duplicate');
      assert.equal((await ordersNumbered(shop, o.name)).length, 1);
      assert.deepEqual(await allEventTypes(shop), eventsBefore);
    },
  );

  test(
    'a new webhook id with identical content is answered unchanged and emits nothing',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = fixtureOrder();
      assert.equal((await accepted(shop, 'orders/create', o)).status, 'processed');
      const before = await theOrder(shop, o.name);
      const eventsBefore = await allEventTypes(shop);
      const again = await accepted(shop, 'orders/updated', o);
      assert.equal(again.status, 'unchanged', JSON.stringify(again));
      assert.deepEqual(await allEventTypes(shop), eventsBefore);
      const afterwards = await theOrder(shop, o.name);
      assert.equal(afterwards.id, before.id);
      assert.deepEqual(afterwards.lines, before.lines);
    },
  );

  test(
    'an older orders/updated arriving after a newer one is stale and changes nothing',
    needsResources,
    async () => {
      const shop = await connectShop();
      const created = newOrderPayload();
      await accepted(shop, 'orders/create', created);

      const newer = newOrderPayload();
      newer.updated_at = minutesAfter(created.updated_at, 120);
      newer.note = 'Leave at the back door';
      newer.shipping_address.address1 = 'Chestnut Street 94';
      const older = newOrderPayload();
      older.updated_at = minutesAfter(created.updated_at, 60);
      older.note = 'Ring twice';

      assert.equal((await accepted(shop, 'orders/updated', newer)).status, 'processed');
      const afterNewer = await theOrder(shop, created.name);
      const eventsAfterNewer = await eventTypes(shop, afterNewer.id);
      assert.equal(afterNewer.note, newer.note);
      assert.equal(
        (afterNewer.shippingAddress as Record<string, unknown>).line1,
        newer.shipping_address.address1,
      );

      assert.equal((await accepted(shop, 'orders/updated', older)).status, 'stale');
      const view = await theOrder(shop, created.name);
      assert.equal(view.note, newer.note);
      assert.equal((view.shippingAddress as Record<string, unknown>).line1, newer.shipping_address.address1);
      assert.deepEqual(await eventTypes(shop, view.id), eventsAfterNewer);
      assert.equal(eventsAfterNewer.filter((e) => e === 'order.updated').length, 1);
    },
  );

  test('orders/paid moves the payment to paid with exactly one order.paid', needsResources, async () => {
    const shop = await connectShop();
    const o = newOrderPayload();
    assert.notEqual(o.financial_status, 'paid', 'the fixture order starts unpaid');
    await accepted(shop, 'orders/create', o);

    const paid = newOrderPayload();
    paid.financial_status = 'paid';
    paid.updated_at = minutesAfter(o.updated_at, 5);
    assert.equal((await accepted(shop, 'orders/paid', paid)).status, 'processed');
    // Shopify also sends orders/updated for the same change; it must not pay the order twice.
    const update = { ...paid, updated_at: minutesAfter(o.updated_at, 6) };
    assert.equal((await accepted(shop, 'orders/updated', update)).status, 'unchanged');

    const view = await theOrder(shop, o.name);
    assert.equal(view.paymentStatus, 'paid');
    const types = await eventTypes(shop, view.id);
    assert.equal(types.filter((e) => e === 'order.paid').length, 1, types.join(','));
  });

  test('orders/cancelled cancels the order with its reason', needsResources, async () => {
    const shop = await connectShop();
    const o = newOrderPayload();
    await accepted(shop, 'orders/create', o);

    const cancelled = newOrderPayload();
    cancelled.cancelled_at = minutesAfter(o.updated_at, 30);
    cancelled.cancel_reason = 'customer';
    cancelled.financial_status = 'voided';
    cancelled.updated_at = minutesAfter(o.updated_at, 30);
    assert.equal((await accepted(shop, 'orders/cancelled', cancelled)).status, 'processed');

    const view = await theOrder(shop, o.name);
    assert.equal(view.status, 'cancelled');
    assert.equal(view.cancelledAt, new Date(cancelled.cancelled_at).toISOString());
    assert.equal(view.cancelReason, cancelled.cancel_reason);
    assert.equal(view.paymentStatus, 'voided');
    const types = await eventTypes(shop, view.id);
    assert.equal(types.filter((e) => e === 'order.cancelled').length, 1, types.join(','));
  });
});

describe('Shopify fulfillments/* and refunds/*', () => {
  /** partially_shipped or shipped, from which of the order's lines the fulfilments cover. */
  function expectedStatus(o: FixtureOrder, fulfillments: FixtureFulfillment[]): string {
    const shipped = new Map<number, number>();
    for (const f of fulfillments)
      for (const li of f.line_items) shipped.set(li.id, (shipped.get(li.id) ?? 0) + li.quantity);
    return o.line_items.every((li) => (shipped.get(li.id) ?? 0) >= li.quantity)
      ? 'shipped'
      : 'partially_shipped';
  }

  test(
    'fulfillments/create for a known order creates a shipment and moves the order',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = newOrderPayload();
      await accepted(shop, 'orders/create', o);
      const f = fixtureFulfillment();
      assert.equal(String(f.order_id), String(o.id));

      assert.equal((await accepted(shop, 'fulfillments/create', f)).status, 'processed');
      const view = await theOrder(shop, o.name);
      assert.equal(view.status, expectedStatus(o, [f]));
      assert.equal(view.status, 'partially_shipped', 'the fixture fulfils one of three lines');
      const [shipment, ...more] = await shipmentsOf(shop, view.id);
      assert.equal(more.length, 0);
      assert.ok(shipment);
      assert.equal(shipment.externalId, String(f.id));
      assert.equal(shipment.trackingNumber, f.tracking_number);
      assert.equal(shipment.trackingUrl, f.tracking_url);
      assert.equal(shipment.shippedAt, new Date(f.created_at).toISOString());
      const lineIdOf = new Map(view.lines.map((l) => [l.externalId, l.id]));
      assert.deepEqual(
        shipment.lines,
        f.line_items.map((li) => ({ lineId: lineIdOf.get(String(li.id)), quantity: li.quantity })),
      );
      assert.deepEqual(await eventTypes(shop, view.id), ['order.placed', 'order.partially_shipped']);

      // A second parcel with everything else completes the order.
      const shippedIds = new Set(f.line_items.map((li) => li.id));
      const rest: FixtureFulfillment = {
        ...fixtureFulfillment(),
        id: f.id + 1,
        line_items: o.line_items
          .filter((li) => !shippedIds.has(li.id))
          .map((li) => ({ id: li.id, quantity: li.quantity })),
      };
      assert.equal((await accepted(shop, 'fulfillments/create', rest)).status, 'processed');
      const done = await theOrder(shop, o.name);
      assert.equal(done.status, expectedStatus(o, [f, rest]));
      assert.equal(done.status, 'shipped');
      assert.equal((await shipmentsOf(shop, view.id)).length, 2);
      assert.deepEqual(await eventTypes(shop, view.id), [
        'order.placed',
        'order.partially_shipped',
        'order.shipped',
      ]);
    },
  );

  test('fulfillments/update moves the parcel along; an older update is stale', needsResources, async () => {
    const shop = await connectShop();
    const o = newOrderPayload();
    await accepted(shop, 'orders/create', o);
    const f = fixtureFulfillment();
    await accepted(shop, 'fulfillments/create', f);

    const delivered = {
      ...fixtureFulfillment(),
      shipment_status: 'delivered',
      updated_at: minutesAfter(f.updated_at, 2 * 24 * 60),
    };
    const inTransit = {
      ...fixtureFulfillment(),
      shipment_status: 'in_transit',
      updated_at: minutesAfter(f.updated_at, 24 * 60),
    };
    assert.equal((await accepted(shop, 'fulfillments/update', delivered)).status, 'processed');
    assert.equal((await accepted(shop, 'fulfillments/update', inTransit)).status, 'stale');

    const view = await theOrder(shop, o.name);
    const [shipment, ...more] = await shipmentsOf(shop, view.id);
    assert.equal(more.length, 0);
    assert.equal(shipment?.status, 'delivered');
    assert.equal(shipment?.deliveredAt, new Date(delivered.updated_at).toISOString());
    // One parcel of three lines delivered is not the whole order delivered.
    assert.equal(view.status, 'partially_shipped');
  });

  test(
    'a fulfillment that arrives before its order is deferred, then applied when the order arrives',
    needsResources,
    async () => {
      const shop = await connectShop();
      const f = fixtureFulfillment();
      const webhookId = randomUUID();
      const early = await accepted(shop, 'fulfillments/create', f, { webhookId });
      assert.equal(early.status, 'deferred');
      const o = newOrderPayload();
      assert.equal((await ordersNumbered(shop, o.name)).length, 0);

      const placed = await accepted(shop, 'orders/create', o);
      assert.equal(placed.status, 'processed');
      const view = await theOrder(shop, o.name);
      assert.equal(view.status, expectedStatus(o, [f]));
      const shipments = await shipmentsOf(shop, view.id);
      assert.equal(shipments.length, 1);
      assert.equal(shipments[0]!.externalId, String(f.id));
      assert.equal(shipments[0]!.trackingNumber, f.tracking_number);
      assert.deepEqual(await eventTypes(shop, view.id), ['order.placed', 'order.partially_shipped']);

      // Shopify retrying the early delivery changes nothing more.
      assert.equal((await accepted(shop, 'fulfillments/create', f, { webhookId })).status, 'duplicate');
      assert.equal((await shipmentsOf(shop, view.id)).length, 1);
    },
  );

  test(
    'cancelling the only parcel (fulfillments/update, status cancelled) means the order no longer counts as shipped',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = newOrderPayload();
      await accepted(shop, 'orders/create', o);
      const f = fixtureFulfillment();
      await accepted(shop, 'fulfillments/create', f);
      const view = await theOrder(shop, o.name);
      assert.equal(view.status, 'partially_shipped');

      const voided = {
        ...fixtureFulfillment(),
        status: 'cancelled',
        updated_at: minutesAfter(f.updated_at, 60),
      };
      assert.equal((await accepted(shop, 'fulfillments/update', voided)).status, 'processed');
      const [shipment] = await shipmentsOf(shop, view.id);
      assert.equal(shipment?.status, 'cancelled');
      assert.equal((await theOrder(shop, o.name)).status, 'placed');
      // Going back is an update, never a second order.placed (which would re-send the confirmation).
      const types = await eventTypes(shop, view.id);
      assert.equal(types.filter((t) => t === 'order.placed').length, 1);
      assert.equal(types.at(-1), 'order.updated');
    },
  );

  test(
    'refunds/create records the refund and order.refunded once, even delivered twice',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = newOrderPayload();
      await accepted(shop, 'orders/create', o);
      const paid = newOrderPayload();
      paid.financial_status = 'paid';
      paid.updated_at = minutesAfter(o.updated_at, 5);
      await accepted(shop, 'orders/paid', paid);

      const r = fixtureRefund();
      assert.equal(String(r.order_id), String(o.id));
      const amount = r.transactions
        .filter((tx) => tx.kind === 'refund' && tx.status === 'success')
        .reduce((s, tx) => s + cents(tx.amount), 0);
      assert.ok(amount > 0);

      const webhookId = randomUUID();
      assert.equal((await accepted(shop, 'refunds/create', r, { webhookId })).status, 'processed');
      assert.equal((await accepted(shop, 'refunds/create', r, { webhookId })).status, 'duplicate');
      // The same refund in another delivery (Shopify re-sent it, or orders/updated carried it) is not new money.
      assert.equal((await accepted(shop, 'refunds/create', r)).status, 'unchanged');

      const view = await theOrder(shop, o.name);
      assert.equal(view.totals.refunded, amount);
      assert.equal(view.paymentStatus, amount >= cents(o.total_price) ? 'refunded' : 'partially_refunded');
      const types = await eventTypes(shop, view.id);
      assert.equal(types.filter((e) => e === 'order.refunded').length, 1, types.join(','));
    },
  );

  test(
    'a refund carried by orders/updated and then sent as refunds/create is recorded once',
    needsResources,
    async () => {
      const shop = await connectShop();
      const o = newOrderPayload();
      await accepted(shop, 'orders/create', o);
      const paid = {
        ...newOrderPayload(),
        financial_status: 'paid',
        updated_at: minutesAfter(o.updated_at, 5),
      };
      await accepted(shop, 'orders/paid', paid);

      const r = fixtureRefund();
      const amount = r.transactions
        .filter((tx) => tx.kind === 'refund' && tx.status === 'success')
        .reduce((s, tx) => s + cents(tx.amount), 0);
      const withRefund = {
        ...newOrderPayload(),
        financial_status: 'partially_refunded',
        updated_at: minutesAfter(o.updated_at, 10),
        refunds: [r],
      };
      assert.equal((await accepted(shop, 'orders/updated', withRefund)).status, 'processed');
      assert.equal((await accepted(shop, 'refunds/create', r)).status, 'unchanged');

      const view = await theOrder(shop, o.name);
      assert.equal(view.totals.refunded, amount);
      assert.equal(view.paymentStatus, 'partially_refunded');
      const types = await eventTypes(shop, view.id);
      assert.equal(types.filter((e) => e === 'order.refunded').length, 1, types.join(','));
    },
  );
});

describe('Shopify webhook errors', () => {
  const smallOrder = {
    id: 1,
    name: '#1',
    currency: 'USD',
    created_at: '2024-05-01T10:00:00Z',
    total_price: '1.00',
    line_items: [{ id: 11, title: 'Sticker', quantity: 1, price: '1.00' }],
  };

  async function assertNothingWritten(shop: Shop, number: string, app: TestApp = t) {
    assert.equal((await ordersNumbered(shop, number, app)).length, 0);
    assert.deepEqual(await allEventTypes(shop, app), []);
  }

  test('a bad signature is 401 invalid_signature and writes nothing', async () => {
    const shop = await connectShop();
    const raw = JSON.stringify(smallOrder);
    const res = await deliver(shop, 'orders/create', raw, {
      headers: { 'x-shopify-hmac-sha256': sign(raw, `${shop.secret}-wrong`) },
    });
    assert.equal(res.statusCode, 401, res.body);
    assert.equal(assertErrorBody(res).code, 'invalid_signature');
    const unsigned = await deliver(shop, 'orders/create', raw, {
      headers: { 'x-shopify-hmac-sha256': undefined },
    });
    assert.equal(unsigned.statusCode, 401, unsigned.body);
    assert.equal(assertErrorBody(unsigned).code, 'invalid_signature');
    await assertNothingWritten(shop, smallOrder.name);
  });

  test('an unknown shop domain is 404 unknown_shop', async () => {
    const shop = await connectShop();
    const res = await deliver({ ...shop, domain: 'nobody-here.myshopify.com' }, 'orders/create', smallOrder);
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(assertErrorBody(res).code, 'unknown_shop');
    await assertNothingWritten(shop, smallOrder.name);
  });

  test('each required header missing is 400 missing_header', async () => {
    const shop = await connectShop();
    for (const name of ['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id']) {
      const res = await deliver(shop, 'orders/create', smallOrder, { headers: { [name]: undefined } });
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assert.equal(assertErrorBody(res).code, 'missing_header', name);
    }
    await assertNothingWritten(shop, smallOrder.name);
  });

  test('a signed body that is not JSON is 400 invalid_json', async () => {
    const shop = await connectShop();
    const res = await deliver(shop, 'orders/create', '{"id": 1, "line_items": [');
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(assertErrorBody(res).code, 'invalid_json');
    await assertNothingWritten(shop, smallOrder.name);
  });

  test('a body over the limit is 413 payload_too_large', needsResources, async () => {
    const small = await createTestApp({ BODY_LIMIT_BYTES: '2048' });
    try {
      const shop = await connectShop(small);
      const o = fixtureOrder();
      assert.ok(JSON.stringify(o).length > 2048, 'the fixture order must be larger than the limit');
      const res = await deliver(shop, 'orders/create', o, { app: small });
      assert.equal(res.statusCode, 413, res.body);
      assert.equal(assertErrorBody(res).code, 'payload_too_large');
      await assertNothingWritten(shop, o.name, small);
      // A delivery within the limit still goes through on the same app.
      const ok = await deliver(shop, 'orders/create', smallOrder, { app: small });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().status, 'processed');
    } finally {
      await small.close();
    }
  });

  test(
    'an order without line_items is 400 invalid_payload and nothing is written',
    needsResources,
    async () => {
      const shop = await connectShop();
      const { line_items: _dropped, ...withoutLines } = newOrderPayload();
      const webhookId = randomUUID();
      const res = await deliver(shop, 'orders/create', withoutLines, { webhookId });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(assertErrorBody(res).code, 'invalid_payload');
      const empty = await deliver(shop, 'orders/create', { ...withoutLines, line_items: [] });
      assert.equal(empty.statusCode, 400, empty.body);
      assert.equal(assertErrorBody(empty).code, 'invalid_payload');
      await assertNothingWritten(shop, withoutLines.name);
      // Shopify retries with the same webhook id; once the payload is good, the retry is not a "duplicate".
      const retry = await accepted(shop, 'orders/create', newOrderPayload(), { webhookId });
      assert.equal(retry.status, 'processed');
      assert.equal((await ordersNumbered(shop, withoutLines.name)).length, 1);
    },
  );

  test('a topic we do not use is answered 200 ignored and writes nothing', async () => {
    const shop = await connectShop();
    const res = await accepted(shop, 'products/update', { id: 632910392, title: 'IPod Nano - 8GB' });
    assert.equal(res.status, 'ignored');
    assert.deepEqual(await allEventTypes(shop), []);
  });
});
