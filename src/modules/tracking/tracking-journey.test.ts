import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  createHarness,
  enablePresetApi,
  type Harness,
  mailsTo,
  messagesOf,
} from '../../../test/messaging-fixtures.ts';
import { hasSharedData, readSharedJson, SKIP_NO_SHARED_DATA } from '../../../test/shared-data.ts';
import { connectIntegration } from '../merchants/index.ts';

/**
 * The whole path the issue asks for: a Shopify order and fulfillment make a shipment; AfterShip webhooks move
 * it to out for delivery and delivered; the customer's messages follow, in order, through the real journeys,
 * renderer and SMTP.
 */
const RESOURCES = ['shopify_fixtures', 'rest_resource_fixtures'] as const;
const skip = hasSharedData(...RESOURCES) ? false : SKIP_NO_SHARED_DATA;
const SHOPIFY = { domain: 'trail-gear.myshopify.com', secret: 'shopify-secret-for-tests' };
const AFTERSHIP_SECRET = 'aftership-secret-for-tests';

interface FixtureOrder {
  id: number;
  email: string;
  customer: { email: string };
  fulfillments: unknown[];
  line_items: Array<{ id: number; quantity: number }>;
}

let h: Harness;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let slug: string;

before(async () => {
  h = await createHarness();
  shop = await createTestMerchant(h.t, { name: 'Trail Gear', shopify: SHOPIFY });
  slug = (await h.t.app.inject({ url: '/api/v1/merchant', headers: shop.auth })).json().slug;
  await connectIntegration({
    db: h.t.database.db,
    merchantId: shop.id,
    secretKey: h.t.config.SECRET_KEY,
    kind: 'aftership',
    externalRef: slug,
    secret: AFTERSHIP_SECRET,
  });
});
after(() => h?.close());

async function shopify(topic: string, body: unknown, id: string) {
  const raw = JSON.stringify(body);
  const res = await h.t.app.inject({
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

async function aftership(
  trackingNumber: string,
  checkpoints: Array<{ at: Date; tag: string; message: string }>,
) {
  const raw = JSON.stringify({
    event: 'tracking_update',
    event_id: `evt-${checkpoints.length}`,
    msg: {
      tracking_number: trackingNumber,
      slug: 'ups',
      tag: checkpoints.at(-1)!.tag,
      checkpoints: checkpoints.map((c) => ({
        checkpoint_time: c.at.toISOString(),
        tag: c.tag,
        subtag: `${c.tag}_001`,
        message: c.message,
        location: 'Columbus, OH',
      })),
    },
  });
  const res = await h.t.app.inject({
    method: 'POST',
    url: `/webhooks/carriers/aftership?merchant=${slug}`,
    headers: {
      'content-type': 'application/json',
      'aftership-hmac-sha256': createHmac('sha256', AFTERSHIP_SECRET).update(raw).digest('base64'),
    },
    payload: raw,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

describe('a Shopify fulfillment tracked by carrier webhooks, with the messages following', { skip }, () => {
  test('confirmation, shipped, out for delivery and delivered reach the customer in order', async () => {
    await enablePresetApi(h.t, shop, 'four_transactional');
    await enablePresetApi(h.t, shop, 'delivery_day');
    const order = readSharedJson<{ order: FixtureOrder }>(...RESOURCES, 'order.json').order;
    order.fulfillments = [];
    const fulfillment = readSharedJson<{ fulfillment: Record<string, unknown> }>(
      ...RESOURCES,
      'fulfillment.json',
    ).fulfillment;
    // Everything in one parcel, so its delivery completes the order.
    fulfillment.line_items = order.line_items.map((li) => ({ id: li.id, quantity: li.quantity }));
    const trackingNumber = String(fulfillment.tracking_number);
    // The fixture is from 2008: news that old is (rightly) never sent, so it happens now, and it is paid.
    const start = new Date();
    Object.assign(order, {
      created_at: start.toISOString(),
      updated_at: start.toISOString(),
      processed_at: start.toISOString(),
      financial_status: 'paid',
    });
    Object.assign(fulfillment, { created_at: start.toISOString(), updated_at: start.toISOString() });
    await shopify('orders/create', order, 'wh-order');
    await shopify('fulfillments/create', fulfillment, 'wh-fulfillment');
    await h.pump(start);

    const orders = (await h.t.app.inject({ url: '/api/v1/orders', headers: shop.auth })).json().data;
    assert.equal(orders.length, 1);
    const orderId = orders[0].id as string;
    const shipped = new Date(start.getTime() + 60_000);
    const out = new Date(start.getTime() + 2 * 3600_000);
    const done = new Date(start.getTime() + 5 * 3600_000);

    const first = await aftership(trackingNumber, [
      { at: shipped, tag: 'InTransit', message: 'Departed facility' },
      { at: out, tag: 'OutForDelivery', message: 'Out for delivery' },
    ]);
    assert.equal(first.status, 'processed');
    await h.pump(out);
    const second = await aftership(trackingNumber, [
      { at: shipped, tag: 'InTransit', message: 'Departed facility' },
      { at: out, tag: 'OutForDelivery', message: 'Out for delivery' },
      { at: done, tag: 'Delivered', message: 'Delivered, front door' },
    ]);
    assert.deepEqual(second.notes, ['out_for_delivery -> delivered']);
    await h.pump(done);

    const order2 = (await h.t.app.inject({ url: `/api/v1/orders/${orderId}`, headers: shop.auth })).json();
    assert.equal(order2.status, 'delivered');
    const sent = (await messagesOf(h.t, { orderId }))
      .filter((m) => m.channel === 'email' && m.status === 'sent')
      .map((m) => m.template_key);
    for (const template of ['order_confirmation', 'order_shipped', 'out_for_delivery', 'delivered']) {
      assert.ok(sent.includes(template), `${template} was sent: ${sent.join(', ')}`);
    }
    const mails = mailsTo(h.mailbox, order.email);
    assert.ok(mails.length >= 4, `the customer received the series (${mails.length} mails)`);
    // The delivered mail's "return or exchange" link opens this order in the returns portal.
    const portal = mails
      .flatMap((m) => m.text.match(/https?:\/\/\S+\/returns\/o\/[\w.-]+/g) ?? [])
      .map((u) => new URL(u).pathname);
    assert.ok(portal.length > 0, 'the delivered mail links to the returns portal');
    const page = await h.t.app.inject({ url: portal[0]! });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /name="pick\./, 'the delivered order can be returned there');
  });
});
