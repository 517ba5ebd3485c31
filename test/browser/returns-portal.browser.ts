/// <reference lib="dom" />
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { translate } from '../../src/modules/templates/translations.ts';
import { createTestApp, createTestMerchant, type TestApp } from '../helpers.ts';
import { ARTIFACTS, launchPhone } from './phone.ts';

/**
 * A shopper returns and exchanges in the portal on a phone, in Debian's Chromium, without JavaScript on
 * the page: find the order, choose the item and the reason, read what the policy allows, pick an exchange
 * for another size or a refund, and land on the return's status page. In Brazilian Portuguese and Swedish.
 */

let t: TestApp;
let base: string;
let browser: Browser;
let phone: BrowserContext;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let slug: string;

before(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  shop = await createTestMerchant(t, {
    name: 'Ateliê Aurora',
    locale: 'pt-BR',
    currency: 'BRL',
    timezone: 'America/Sao_Paulo',
    brandPrimary: '#14532d',
    brandAccent: '#facc15',
    supportEmail: 'ajuda@aurora.example',
  });
  slug = (
    await t.database.db
      .selectFrom('merchants')
      .select('slug')
      .where('id', '=', shop.id)
      .executeTakeFirstOrThrow()
  ).slug;
  const product = await t.app.inject({
    method: 'POST',
    url: '/api/v1/products',
    headers: shop.auth,
    payload: {
      externalId: 'CAMISA',
      title: 'Camisa de linho',
      category: 'shirts',
      variants: [
        { externalId: 'C-P', sku: 'C-P', title: 'P', size: 'P', price: 15900, inventory: 5 },
        { externalId: 'C-M', sku: 'C-M', title: 'M', size: 'M', price: 15900, inventory: 5 },
      ],
    },
  });
  assert.equal(product.statusCode, 201, product.body);
  ({ browser, phone } = await launchPhone({ javaScriptEnabled: false }));
});

after(async () => {
  await browser?.close();
  await t?.close();
});

let seq = 0;
async function deliveredOrder(locale: string) {
  seq++;
  const email = `cliente${seq}@example.com`;
  const call = async (url: string, payload: unknown) => {
    const res = await t.app.inject({ method: 'POST', url, headers: shop.auth, payload: payload as never });
    assert.ok(res.statusCode < 300, `${url}: ${res.body}`);
    return res.json();
  };
  const order = await call('/api/v1/orders', {
    number: `#AU${100 + seq}`,
    currency: 'BRL',
    locale,
    paymentStatus: 'paid',
    customer: { email, firstName: 'Åsa' },
    shippingAddress: { city: 'Recife', postalCode: '50030-230', country: 'BR', regionCode: 'PE' },
    lines: [
      {
        productExternalId: 'CAMISA',
        variantExternalId: 'C-P',
        sku: 'C-P',
        title: 'Camisa de linho',
        variantTitle: 'P',
        quantity: 1,
        unitPrice: 15900,
      },
    ],
  });
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const shipment = await call(`/api/v1/orders/${order.id}/shipments`, { carrier: 'correios', shippedAt: at });
  await call('/api/v1/tracking-events', {
    events: [{ shipmentId: shipment.id, occurredAt: at, status: 'delivered' }],
  });
  return { id: order.id as string, number: order.number as string, email };
}

const tr = (locale: string, key: string) => translate(locale, key, { shop: 'Ateliê Aurora' });

describe('the returns portal in Chromium, without JavaScript', () => {
  for (const [locale, resolution] of [
    ['pt-BR', 'exchange_variant'],
    ['sv', 'refund'],
  ] as const) {
    test(`${locale}: find the order, choose, see the options, ${resolution}`, async () => {
      const order = await deliveredOrder(locale);
      const page = await phone.newPage();
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
      });
      await page.goto(`${base}/returns?shop=${slug}&lang=${locale}`);
      assert.equal(await page.getAttribute('html', 'lang'), locale);
      await page.fill('#number', order.number);
      await page.fill('#proof', order.email);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      assert.match(page.url(), /\/returns\/o\//);
      assert.equal((await page.textContent('h1'))?.trim(), tr(locale, 'returns.portal.choose_title'));
      await page.screenshot({ path: path.join(ARTIFACTS, `returns-choose-${locale}.png`), fullPage: true });

      await page.check('input[type=checkbox][name^="pick."]');
      await page.selectOption('select[name^="reason."]', 'fit:too_small');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      assert.equal((await page.textContent('h1'))?.trim(), tr(locale, 'returns.portal.preview_title'));
      const options = await page
        .locator('input[name=resolution]')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
      assert.ok(options.includes('refund') && options.includes('exchange_variant'), options.join(','));
      await page.screenshot({ path: path.join(ARTIFACTS, `returns-options-${locale}.png`), fullPage: true });

      await page.check(`input[name=resolution][value=${resolution}]`);
      if (resolution === 'exchange_variant') {
        const choice = await page.locator('select[name^="variant."] option').allTextContents();
        assert.deepEqual(choice, ['M'], 'the other size in stock is offered');
      }
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      assert.match(page.url(), /\/r\/[\w-]+\.[\w-]+/);
      const status = (await page.textContent('main')) ?? '';
      assert.match(status, /R[0-9A-Z]{8}/);
      assert.match(status, new RegExp(tr(locale, 'returns.portal.status.approved').slice(0, 20)));
      await page.screenshot({ path: path.join(ARTIFACTS, `returns-status-${locale}.png`), fullPage: true });
      assert.deepEqual(foreign, []);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `fits a phone (overflows by ${overflow}px)`);

      const api = await t.app.inject({ url: `/api/v1/returns?orderId=${order.id}`, headers: shop.auth });
      const [ret] = api.json().data;
      assert.equal(ret.resolution, resolution);
      assert.equal(ret.status, 'approved');
      await page.close();
    });
  }
});
