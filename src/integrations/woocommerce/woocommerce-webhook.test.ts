import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { hasSharedData, readSharedJson, SKIP_NO_SHARED_DATA } from '../../../test/shared-data.ts';
import type { CustomerView } from '../../modules/customers/schemas.ts';
import type { OrderView } from '../../modules/orders/schemas.ts';
import type { ShipmentView } from '../../modules/shipments/schemas.ts';

/**
 * WooCommerce webhooks end to end: the REST v3 documentation's order JSON (which is what order.created /
 * order.updated deliveries POST), signed like WooCommerce signs it, read back through the REST API.
 * Expected values are taken from the documented payloads.
 */

const DOCS = ['woocommerce_fixtures', 'rest_api_v3_doc_examples'] as const;
const needsDocs = { skip: hasSharedData(...DOCS) ? false : SKIP_NO_SHARED_DATA };

interface WooMeta {
  key: string;
  value: unknown;
}
interface WooLine {
  id: number;
  name: string;
  quantity: number;
  subtotal: string;
  total: string;
  total_tax: string;
  sku: string;
  meta_data: WooMeta[];
}
interface WooAddress {
  first_name: string;
  last_name: string;
  address_1: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone?: string;
}
interface WooOrder {
  id: number;
  number: string;
  status: string;
  currency: string;
  date_created_gmt: string;
  date_modified_gmt: string;
  date_paid: string | null;
  date_paid_gmt: string | null;
  discount_total: string;
  shipping_total: string;
  total: string;
  total_tax: string;
  billing: WooAddress;
  shipping: WooAddress;
  line_items: WooLine[];
  shipping_lines: Array<{ method_title: string; total: string }>;
  refunds: Array<{ id: number; reason: string; total: string }>;
}

/** "Retrieve an order": a processing, paid order. Each call reads the file again. */
const documentedOrder = () => readSharedJson<WooOrder>(...DOCS, 'orders__retrieve-an-order__1.json');
/** "Update an order": the same order, completed a little later. */
const completedOrder = () => readSharedJson<WooOrder>(...DOCS, 'orders__update-an-order__1.json');
const documentedRefund = () =>
  readSharedJson<{ id: number; reason: string; amount: string }>(
    ...DOCS,
    'order-refunds__create-a-refund__1.json',
  );

/** The documents are in USD: two decimals. */
function cents(amount: string): number {
  return Math.round(Number(amount) * 100);
}

/** WooCommerce writes *_gmt timestamps without a zone. */
function gmt(s: string): string {
  return new Date(`${s}Z`).toISOString();
}

function minutesAfterGmt(s: string, minutes: number): string {
  return new Date(Date.parse(`${s}Z`) + minutes * 60_000).toISOString().slice(0, 19);
}

/** The few entities WooCommerce writes into product names, decoded by hand. */
function decodeEntities(s: string): string {
  const named: Record<string, string> = {
    ndash: '\u2013',
    mdash: '\u2014',
    amp: '&',
    quot: '"',
    '#039': "'",
  };
  return s.replace(/&(ndash|mdash|amp|quot|#039);/g, (_, name: string) => named[name]!);
}

/** A line's attribute by name, whether stored as a global attribute (pa_color) or a custom one (color). */
function attribute(li: WooLine, name: string): string | null {
  const hit = li.meta_data.find((m) => m.key.replace(/^pa_/, '') === name);
  return hit ? String(hit.value) : null;
}

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

type Store = Awaited<ReturnType<typeof createTestMerchant>> & { url: string; secret: string };
let stores = 0;

async function connectStore(): Promise<Store> {
  const url = `https://store-${++stores}.example.com`;
  const secret = randomBytes(24).toString('base64');
  const m = await createTestMerchant(t, { woocommerce: { url, secret } });
  return { ...m, url, secret };
}

function sign(raw: string, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

/** POSTs `body` exactly as signed, with the headers WooCommerce sends (its source URL ends in "/"). */
function deliver(
  store: Store,
  topic: string,
  body: unknown,
  headers: Record<string, string | undefined> = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const all: Record<string, string> = {
    'content-type': 'application/json',
    'x-wc-webhook-source': `${store.url}/`,
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': topic.split('.')[0]!,
    'x-wc-webhook-event': topic.split('.')[1] ?? '',
    'x-wc-webhook-signature': sign(raw, store.secret),
    'x-wc-webhook-id': '1',
    'x-wc-webhook-delivery-id': randomUUID(),
  };
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  return t.app.inject({ method: 'POST', url: '/webhooks/woocommerce', headers: all, payload: raw });
}

async function accepted(
  store: Store,
  topic: string,
  body: unknown,
): Promise<{ status: string; notes: string[] }> {
  const res = await deliver(store, topic, body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function get<T>(store: Store, url: string): Promise<T> {
  const res = await t.app.inject({ url, headers: store.auth });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as T;
}

async function allOrders(store: Store): Promise<OrderView[]> {
  return (await get<{ data: OrderView[] }>(store, '/api/v1/orders')).data;
}

/** WooCommerce order "727" is shown to customers as "#727". */
async function theOrder(store: Store, o: WooOrder): Promise<OrderView> {
  const list = (
    await get<{ data: OrderView[] }>(store, `/api/v1/orders?number=${encodeURIComponent(`#${o.number}`)}`)
  ).data;
  assert.equal(list.length, 1, `expected exactly one order #${o.number}`);
  return list[0]!;
}

async function eventTypes(store: Store, subjectId?: string): Promise<string[]> {
  const filter = subjectId ? `&subjectId=${encodeURIComponent(subjectId)}` : '';
  const page = await get<{ data: Array<{ type: string }> }>(store, `/api/v1/events?limit=500${filter}`);
  return page.data.map((e) => e.type);
}

async function shipmentsOf(store: Store, orderId: string): Promise<ShipmentView[]> {
  return (await get<{ data: ShipmentView[] }>(store, `/api/v1/orders/${orderId}/shipments`)).data;
}

function errorCode(res: { statusCode: number; body: string; headers: Record<string, unknown> }): string {
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof body.error?.message, 'string', res.body);
  assert.equal(typeof body.error?.code, 'string', res.body);
  return body.error!.code as string;
}

/** Everything a merchant sees of the order, checked against the documented WooCommerce order JSON. */
async function assertMapsFaithfully(store: Store, o: WooOrder): Promise<void> {
  assert.equal(o.currency, 'USD', 'cents() assumes a two-decimal currency');
  const view = await theOrder(store, o);
  assert.equal(view.source, 'woocommerce');
  assert.equal(view.externalId, String(o.id));
  assert.equal(view.totals.currency, o.currency);
  assert.equal(view.placedAt, gmt(o.date_created_gmt));
  assert.equal(view.status, 'placed');
  assert.ok(o.date_paid_gmt, 'the documented order is paid');
  assert.equal(view.paymentStatus, 'paid');

  assert.equal(view.lines.length, o.line_items.length);
  o.line_items.forEach((li, i) => {
    const line = view.lines[i]!;
    assert.equal(line.externalId, String(li.id));
    assert.equal(line.title, decodeEntities(li.name));
    assert.doesNotMatch(line.title, /&[a-z#0-9]+;/i);
    assert.equal(line.sku, li.sku || null);
    assert.equal(line.quantity, li.quantity);
    assert.equal(line.unitPrice, cents(li.subtotal) / li.quantity);
    assert.equal(line.discount, cents(li.subtotal) - cents(li.total));
    assert.equal(line.tax, cents(li.total_tax));
    assert.equal(line.color, attribute(li, 'color'));
    assert.equal(line.size, attribute(li, 'size'));
    // Colour and size are the line's attributes, not repeated as free-form modifications.
    assert.deepEqual(
      line.properties.filter((p) => /colou?r|size/i.test(p.name)),
      [],
    );
  });
  // Make sure the document still has what this test is about.
  assert.ok(
    o.line_items.some((li) => li.name !== decodeEntities(li.name)),
    'a name with an HTML entity',
  );
  assert.ok(o.line_items.some((li) => li.meta_data.some((m) => m.key === 'pa_color')));
  assert.ok(view.lines.some((l) => l.color !== null && l.size !== null));

  assert.deepEqual(view.totals, {
    subtotal: o.line_items.reduce((s, li) => s + cents(li.subtotal), 0),
    discount: cents(o.discount_total),
    tax: cents(o.total_tax),
    shipping: cents(o.shipping_total),
    total: cents(o.total),
    refunded: 0,
    currency: o.currency,
  });
  assert.equal(view.shippingMethod, o.shipping_lines[0]!.method_title);
  assert.equal(view.email, o.billing.email);
  const ship = view.shippingAddress as Record<string, unknown>;
  assert.equal(ship.country, o.shipping.country);
  assert.equal(ship.city, o.shipping.city);
  assert.equal(ship.postalCode, o.shipping.postcode);
  assert.equal(ship.line1, o.shipping.address_1);

  assert.ok(view.customerId);
  const customer = await get<CustomerView>(store, `/api/v1/customers/${view.customerId}`);
  assert.equal(customer.email, o.billing.email);
  assert.equal(customer.firstName, o.billing.first_name);
  assert.equal(customer.lastName, o.billing.last_name);
  assert.deepEqual(await eventTypes(store, view.id), ['order.placed', 'order.paid']);
}

describe('WooCommerce order webhooks', () => {
  // order.created of a new order goes through a group-committed fast lane, order.updated one at a time:
  // the mapping must hold on both paths.
  test('the documented order maps faithfully (order.created)', needsDocs, async () => {
    const store = await connectStore();
    const o = documentedOrder();
    assert.equal((await accepted(store, 'order.created', o)).status, 'processed');
    await assertMapsFaithfully(store, o);
  });

  test('the documented order maps faithfully (first seen as order.updated)', needsDocs, async () => {
    const store = await connectStore();
    const o = documentedOrder();
    assert.equal((await accepted(store, 'order.updated', o)).status, 'processed');
    await assertMapsFaithfully(store, o);
  });

  test(
    'the billing phone is kept in E.164 when it is a real number, and dropped when not',
    needsDocs,
    async () => {
      const store = await connectStore();
      const o = documentedOrder();
      // The documented "(555) 555-5555" is a placeholder: 555 is not an assigned US area code.
      assert.equal(o.billing.phone, '(555) 555-5555');
      await accepted(store, 'order.created', o);
      assert.equal((await theOrder(store, o)).phone, null);

      const real = completedOrder();
      real.billing.phone = '(415) 555-2671';
      await accepted(store, 'order.updated', real);
      const view = await theOrder(store, o);
      assert.equal(view.phone, `+1${real.billing.phone.replace(/\D/g, '')}`);
    },
  );

  test(
    'date_paid set later moves the payment from pending to paid with one order.paid',
    needsDocs,
    async () => {
      const store = await connectStore();
      const pending: WooOrder = {
        ...documentedOrder(),
        status: 'on-hold',
        date_paid: null,
        date_paid_gmt: null,
      };
      await accepted(store, 'order.created', pending);
      assert.equal((await theOrder(store, pending)).paymentStatus, 'pending');

      // Still on hold (a fraud review, say), but the money is taken: date_paid is what says so.
      const paid = { ...pending, date_modified_gmt: minutesAfterGmt(pending.date_modified_gmt, 10) };
      paid.date_paid = paid.date_modified_gmt;
      paid.date_paid_gmt = paid.date_modified_gmt;
      assert.equal((await accepted(store, 'order.updated', paid)).status, 'processed');
      const view = await theOrder(store, paid);
      assert.equal(view.paymentStatus, 'paid');
      const types = await eventTypes(store, view.id);
      assert.equal(types.filter((e) => e === 'order.paid').length, 1, types.join(','));
    },
  );

  test(
    'the same delivery again (WooCommerce retries with a new delivery id) is a duplicate',
    needsDocs,
    async () => {
      const store = await connectStore();
      const o = documentedOrder();
      assert.equal((await accepted(store, 'order.created', o)).status, 'processed');
      const events = await eventTypes(store);
      assert.equal((await accepted(store, 'order.created', o)).status, 'duplicate');
      // order.updated for the same modification is the same news.
      assert.equal((await accepted(store, 'order.updated', o)).status, 'duplicate');
      assert.equal((await allOrders(store)).length, 1);
      assert.deepEqual(await eventTypes(store), events);
    },
  );

  test('status completed creates one shipment of every line and ships the order', needsDocs, async () => {
    const store = await connectStore();
    const o = documentedOrder();
    await accepted(store, 'order.created', o);
    const done = completedOrder();
    assert.equal(done.status, 'completed');
    assert.equal((await accepted(store, 'order.updated', done)).status, 'processed');

    const view = await theOrder(store, o);
    assert.equal(view.status, 'shipped');
    const shipments = await shipmentsOf(store, view.id);
    assert.equal(shipments.length, 1);
    const lineIdOf = new Map(view.lines.map((l) => [l.externalId, l.id]));
    assert.deepEqual(
      [...shipments[0]!.lines].sort((a, b) => a.lineId.localeCompare(b.lineId)),
      o.line_items
        .map((li) => ({ lineId: lineIdOf.get(String(li.id))!, quantity: li.quantity }))
        .sort((a, b) => a.lineId.localeCompare(b.lineId)),
    );
    const types = await eventTypes(store, view.id);
    assert.equal(types.filter((e) => e === 'order.shipped').length, 1, types.join(','));

    // The completed order modified again (a note, say) does not ship it twice.
    const touched = { ...completedOrder(), date_modified_gmt: minutesAfterGmt(done.date_modified_gmt, 5) };
    assert.equal((await accepted(store, 'order.updated', touched)).status, 'unchanged');
    assert.equal((await shipmentsOf(store, view.id)).length, 1);
  });

  test('an older update arriving after a newer one is stale; the newer state stays', needsDocs, async () => {
    const store = await connectStore();
    const newer = completedOrder();
    const older = documentedOrder();
    assert.ok(Date.parse(`${older.date_modified_gmt}Z`) < Date.parse(`${newer.date_modified_gmt}Z`));
    assert.equal((await accepted(store, 'order.updated', newer)).status, 'processed');
    const before = await theOrder(store, newer);
    const events = await eventTypes(store);

    assert.equal((await accepted(store, 'order.updated', older)).status, 'stale');
    const view = await theOrder(store, newer);
    assert.equal(view.status, before.status);
    assert.equal(view.status, 'shipped');
    assert.equal(view.updatedAt, before.updatedAt);
    assert.equal((await shipmentsOf(store, view.id)).length, 1);
    assert.deepEqual(await eventTypes(store), events);
  });

  test('status cancelled cancels the order once', needsDocs, async () => {
    const store = await connectStore();
    const o = documentedOrder();
    await accepted(store, 'order.created', o);
    const cancelled = {
      ...documentedOrder(),
      status: 'cancelled',
      date_modified_gmt: minutesAfterGmt(o.date_modified_gmt, 15),
    };
    assert.equal((await accepted(store, 'order.updated', cancelled)).status, 'processed');
    const view = await theOrder(store, o);
    assert.equal(view.status, 'cancelled');
    assert.equal(view.cancelledAt, gmt(cancelled.date_modified_gmt));
    const types = await eventTypes(store, view.id);
    assert.equal(types.filter((e) => e === 'order.cancelled').length, 1, types.join(','));
    assert.deepEqual(await shipmentsOf(store, view.id), []);
  });

  test('a refund on the order is recorded once, however often the order is sent', needsDocs, async () => {
    const store = await connectStore();
    const o = documentedOrder();
    await accepted(store, 'order.created', o);
    const r = documentedRefund();
    // In the order JSON a refund appears as {id, reason, total} with a negative total.
    const refunded = {
      ...documentedOrder(),
      date_modified_gmt: minutesAfterGmt(o.date_modified_gmt, 30),
      refunds: [{ id: r.id, reason: r.reason, total: `-${r.amount}` }],
    };
    assert.equal((await accepted(store, 'order.updated', refunded)).status, 'processed');
    const again = { ...refunded, date_modified_gmt: minutesAfterGmt(o.date_modified_gmt, 31) };
    assert.equal((await accepted(store, 'order.updated', again)).status, 'unchanged');

    const view = await theOrder(store, o);
    assert.equal(view.totals.refunded, cents(r.amount));
    assert.equal(view.paymentStatus, 'partially_refunded');
    const types = await eventTypes(store, view.id);
    assert.equal(types.filter((e) => e === 'order.refunded').length, 1, types.join(','));
  });
});

describe('WooCommerce webhook handshake and errors', () => {
  test('the ping sent when a webhook is saved answers 200 ping', async () => {
    const store = await connectStore();
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/woocommerce',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-wc-webhook-source': `${store.url}/`,
      },
      payload: 'webhook_id=1',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'ping');
    assert.deepEqual(await allOrders(store), []);
  });

  test('a bad signature is 401 invalid_signature and writes nothing', needsDocs, async () => {
    const store = await connectStore();
    const o = documentedOrder();
    const raw = JSON.stringify(o);
    const forged = await deliver(store, 'order.created', raw, {
      'x-wc-webhook-signature': sign(raw, `${store.secret}x`),
    });
    assert.equal(forged.statusCode, 401, forged.body);
    assert.equal(errorCode(forged), 'invalid_signature');
    const unsigned = await deliver(store, 'order.created', raw, { 'x-wc-webhook-signature': undefined });
    assert.equal(unsigned.statusCode, 401, unsigned.body);
    assert.equal(errorCode(unsigned), 'invalid_signature');
    // Signed, then one byte of the body changed.
    const cheaper = o.total.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    const tamperedRaw = raw.replace(`"total":"${o.total}"`, `"total":"${cheaper}"`);
    assert.notEqual(tamperedRaw, raw);
    assert.equal(tamperedRaw.length, raw.length);
    const tampered = await deliver(store, 'order.created', tamperedRaw, {
      'x-wc-webhook-signature': sign(raw, store.secret),
    });
    assert.equal(tampered.statusCode, 401, tampered.body);
    assert.equal(errorCode(tampered), 'invalid_signature');
    assert.deepEqual(await allOrders(store), []);
    assert.deepEqual(await eventTypes(store), []);
  });

  test('an unknown store is 404 unknown_shop; a body without topic is 400 missing_header', async () => {
    const store = await connectStore();
    const body = { id: 1 };
    const unknown = await deliver(
      { ...store, url: 'https://not-connected.example.com' },
      'order.created',
      body,
    );
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal(errorCode(unknown), 'unknown_shop');
    const noTopic = await deliver(store, 'order.created', body, { 'x-wc-webhook-topic': undefined });
    assert.equal(noTopic.statusCode, 400, noTopic.body);
    assert.equal(errorCode(noTopic), 'missing_header');
  });

  test('an order without line_items is 400 invalid_payload and nothing is written', needsDocs, async () => {
    const store = await connectStore();
    const { line_items: _dropped, ...withoutLines } = documentedOrder();
    const res = await deliver(store, 'order.created', withoutLines);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(errorCode(res), 'invalid_payload');
    assert.deepEqual(await allOrders(store), []);
    assert.deepEqual(await eventTypes(store), []);
  });

  test('a topic we do not use is answered 200 ignored', async () => {
    const store = await connectStore();
    const res = await accepted(store, 'product.updated', { id: 794, name: 'Premium Quality' });
    assert.equal(res.status, 'ignored');
    assert.deepEqual(await eventTypes(store), []);
  });
});
