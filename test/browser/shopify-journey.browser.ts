/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { connectIntegration } from '../../src/modules/merchants/index.ts';
import { translate } from '../../src/modules/templates/translations.ts';
import { createTestMerchant } from '../helpers.ts';
import {
  createHarness,
  enablePresetApi,
  type Harness,
  linksIn,
  mailsTo,
  messagesOf,
  pathOf,
} from '../messaging-fixtures.ts';
import { hasSharedData, readSharedJson, SKIP_NO_SHARED_DATA } from '../shared-data.ts';
import { ARTIFACTS, launchPhone } from './phone.ts';

/**
 * The "done when", end to end in Chromium: a Shopify order and fulfillment (real fixtures, signed
 * webhooks) make a shipment; signed AfterShip webhooks move it in_transit -> out_for_delivery -> delivered;
 * after each step the customer's emails have followed, and the tracking link taken from the email the
 * customer actually received opens, on a phone, a page whose headline is that step's status in the
 * shop's languages. Nothing is fetched from another host; screenshots go to test/browser/artifacts/.
 */
const RESOURCES = ['shopify_fixtures', 'rest_resource_fixtures'] as const;
const skip = hasSharedData(...RESOURCES) ? false : SKIP_NO_SHARED_DATA;
const SHOP_NAME = 'Trail Gear';
const SHOPIFY = { domain: 'trail-gear.myshopify.com', secret: 'shopify-secret-for-tests' };
const AFTERSHIP_SECRET = 'aftership-secret-for-tests';

interface FixtureOrder {
  id: number;
  email: string;
  fulfillments: unknown[];
  line_items: Array<{ id: number; quantity: number }>;
}

let h: Harness;
let base: string;
let browser: Browser;
let phone: BrowserContext;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let slug: string;

before(async () => {
  if (skip) return;
  h = await createHarness();
  await h.t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(h.t.app.server.address() as { port: number }).port}`;
  shop = await createTestMerchant(h.t, { name: SHOP_NAME, shopify: SHOPIFY });
  slug = (await h.t.app.inject({ url: '/api/v1/merchant', headers: shop.auth })).json().slug;
  await connectIntegration({
    db: h.t.database.db,
    merchantId: shop.id,
    secretKey: h.t.config.SECRET_KEY,
    kind: 'aftership',
    externalRef: slug,
    secret: AFTERSHIP_SECRET,
  });
  ({ browser, phone } = await launchPhone());
});

after(async () => {
  await browser?.close();
  await h?.close();
});

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

/** The tracking link (/t/<token>) in the newest email the customer received that carries one. */
function trackingLinkFromMail(email: string): { path: string; index: number } {
  const mails = mailsTo(h.mailbox, email);
  for (let index = mails.length - 1; index >= 0; index--) {
    const found = linksIn(mails[index]!.text).find((l) => new URL(l).pathname.startsWith('/t/'));
    if (found) return { path: pathOf(found), index };
  }
  throw new Error(`no tracking link in any of the ${mails.length} mails to ${email}`);
}

const headline = (locale: string, status: string) =>
  translate(locale, `tracking.status.${status}`, { shop: SHOP_NAME });

/** Opens the page on the phone in one language; checks the headline and that nothing leaves the origin. */
async function openAndCheck(trackingPath: string, step: string, locale: string) {
  const page = await phone.newPage();
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(`${base}/`) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const res = await page.goto(`${base}${trackingPath}?lang=${encodeURIComponent(locale)}`, {
    waitUntil: 'load',
  });
  assert.equal(res?.status(), 200, `${step} ${locale}`);
  assert.equal(await page.getAttribute('html', 'lang'), locale);
  assert.equal(
    (await page.textContent('#status'))?.trim(),
    headline(locale, step),
    `${step} headline in ${locale}`,
  );
  assert.ok((await page.locator('.timeline li').count()) >= 1, 'the carrier history is shown');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `fits a 375 px phone (overflows by ${overflow}px)`);
  await page.screenshot({ path: path.join(ARTIFACTS, `shopify-${step}-${locale}.png`), fullPage: true });
  assert.deepEqual(foreign, [], 'no request leaves the server origin');
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
}

describe('a Shopify fulfillment tracked by AfterShip, seen by the customer in Chromium', { skip }, () => {
  test('in transit, out for delivery, delivered: the emails follow and their link shows each status', async () => {
    await enablePresetApi(h.t, shop, 'four_transactional');
    await enablePresetApi(h.t, shop, 'delivery_day');
    const order = readSharedJson<{ order: FixtureOrder }>(...RESOURCES, 'order.json').order;
    order.fulfillments = [];
    const fulfillment = readSharedJson<{ fulfillment: Record<string, unknown> }>(
      ...RESOURCES,
      'fulfillment.json',
    ).fulfillment;
    // One parcel with everything, so its delivery completes the order.
    fulfillment.line_items = order.line_items.map((li) => ({ id: li.id, quantity: li.quantity }));
    const trackingNumber = String(fulfillment.tracking_number);
    // The fixture is from 2008 and news that old is never sent: it happens now, and it is paid.
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
    assert.equal(orders.length, 1, 'the Shopify order was created');
    const orderId = orders[0].id as string;

    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    const history = [
      { at: at(1), tag: 'InTransit', message: 'Departed facility' },
      { at: at(120), tag: 'OutForDelivery', message: 'Out for delivery' },
      { at: at(300), tag: 'Delivered', message: 'Delivered, front door' },
    ];
    const steps = [
      // The shipped email (sent on the fulfillment) carries the link while the parcel is in transit.
      { status: 'in_transit', template: 'order_shipped', newMailLink: false, locales: ['en', 'sv'] },
      // The out-for-delivery email just sent carries it.
      {
        status: 'out_for_delivery',
        template: 'out_for_delivery',
        newMailLink: true,
        locales: ['en', 'pt-BR', 'es', 'sv'],
      },
      // The delivered email has no tracking button; the latest link the customer holds still works.
      { status: 'delivered', template: 'delivered', newMailLink: false, locales: ['en', 'es'] },
    ];
    const links = new Set<string>();
    for (const [i, step] of steps.entries()) {
      const seen = history.slice(0, i + 1);
      const mailsBefore = mailsTo(h.mailbox, order.email).length;
      const result = await aftership(trackingNumber, seen);
      assert.equal(result.status, 'processed', JSON.stringify(result));
      await h.pump(seen.at(-1)!.at);
      assert.deepEqual(h.deliveryErrors, [], 'every delivery went through');

      const shipments = await h.t.database.db
        .selectFrom('shipments')
        .select(['status', 'tracking_number'])
        .where('order_id', '=', orderId)
        .execute();
      assert.deepEqual(
        shipments,
        [{ status: step.status, tracking_number: trackingNumber }],
        'the shipment moved',
      );
      const sent = (await messagesOf(h.t, { orderId }))
        .filter((m) => m.channel === 'email' && m.status === 'sent')
        .map((m) => m.template_key);
      assert.ok(sent.includes(step.template), `${step.template} was sent by now: ${sent.join(', ')}`);

      const { path: trackingPath, index } = trackingLinkFromMail(order.email);
      if (step.newMailLink) assert.ok(index >= mailsBefore, 'the link is in the email this step sent');
      assert.match(trackingPath, /^\/t\/[\w-]+\.[\w-]+$/);
      links.add(trackingPath);
      for (const locale of step.locales) await openAndCheck(trackingPath, step.status, locale);
    }
    assert.equal(links.size, 1, 'every email points at the same tracking page for the order');
    const final = (await h.t.app.inject({ url: `/api/v1/orders/${orderId}`, headers: shop.auth })).json();
    assert.equal(final.status, 'delivered');
    const mails = mailsTo(h.mailbox, order.email);
    assert.ok(mails.length >= 4, `the customer received the series (${mails.length} mails)`);
  });
});
