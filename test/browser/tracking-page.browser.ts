/// <reference lib="dom" />
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { link } from '../../src/modules/messages/links.ts';
import { translate } from '../../src/modules/templates/translations.ts';
import { createTestApp, createTestMerchant, type TestApp } from '../helpers.ts';
import { ARTIFACTS, launchPhone } from './phone.ts';

/**
 * The tracking page as a shopper sees it on a phone: every state of a delivery, in the shop's languages,
 * in Debian's Chromium. Each load checks what is on screen, that nothing is fetched from another host,
 * that the page fits a 375 px screen, and that brand colours keep WCAG AA contrast; a screenshot of each is
 * saved in test/browser/artifacts/ for a human to look at.
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
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  // A pale brand colour on purpose: white text on it would fail contrast, so the page must pick dark text.
  shop = await createTestMerchant(t, {
    name: 'Solar Provisions',
    locale: 'en',
    currency: 'USD',
    timezone: 'America/New_York',
    brandPrimary: '#fde047',
    brandAccent: '#0ea5e9',
    supportEmail: 'help@solar.example',
    supportPhone: '+1 212 555 0100',
  });
  const row = await t.database.db
    .selectFrom('merchants')
    .select('slug')
    .where('id', '=', shop.id)
    .executeTakeFirstOrThrow();
  slug = row.slug;
  ({ browser, phone } = await launchPhone({ timezoneId: 'America/New_York' }));
});

after(async () => {
  await browser?.close();
  await t?.close();
});

let seq = 0;
const api = async (method: 'POST' | 'GET', url: string, payload?: unknown) => {
  const res = await t.app.inject({ method, url, headers: shop.auth, payload: payload as never });
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};

/** An order in a given state, built through the public API the way a store and a carrier would. */
async function orderIn(state: string): Promise<{ path: string; number: string; email: string }> {
  seq++;
  const number = `#SP${2000 + seq}`;
  const email = `shopper${seq}@example.com`;
  const order = await api('POST', '/api/v1/orders', {
    number,
    currency: 'USD',
    locale: 'en',
    customer: { email, firstName: 'Jamie' },
    shippingAddress: { city: 'Boston', regionCode: 'MA', postalCode: '02118', country: 'US' },
    promisedDelivery: { earliest: '2099-06-02', latest: '2099-06-04' },
    lines: [
      { sku: 'TEA-1', title: 'Sencha green tea, 100 g', quantity: 2, unitPrice: 1450 },
      { sku: 'MUG-1', title: 'Stoneware mug', variantTitle: 'Sand', quantity: 1, unitPrice: 2200 },
    ],
  });
  const lines = order.lines as Array<{ id: string }>;
  const ship = async (trackingNumber: string, lineIds?: string[]) =>
    api('POST', `/api/v1/orders/${order.id}/shipments`, {
      carrier: 'ups',
      trackingNumber,
      shippedAt: '2026-11-20T14:00:00Z',
      ...(lineIds ? { lines: lineIds.map((lineId) => ({ lineId, quantity: 1 })) } : {}),
    });
  const scans = async (trackingNumber: string, events: Array<Record<string, unknown>>) =>
    api('POST', '/api/v1/tracking-events', { events: events.map((e) => ({ trackingNumber, ...e })) });
  const tn = `1ZSOLAR${String(seq).padStart(10, '0')}`;
  const journey = [
    { occurredAt: '2026-11-20T15:00:00Z', status: 'info_received', subStatus: 'label_created' },
    {
      occurredAt: '2026-11-21T02:10:00Z',
      status: 'in_transit',
      subStatus: 'picked_up',
      location: 'Secaucus, NJ',
    },
    {
      occurredAt: '2026-11-22T08:45:00Z',
      status: 'in_transit',
      subStatus: 'arrived_facility',
      location: 'Boston, MA',
      description: 'Arrived at Facility',
    },
  ];
  const now = new Date().toISOString();
  switch (state) {
    case 'ordered':
      break;
    case 'cancelled':
      await api('POST', `/api/v1/orders/${order.id}/cancel`, { reason: 'customer' });
      break;
    case 'info_received':
      await ship(tn);
      await scans(tn, journey.slice(0, 1));
      break;
    case 'in_transit':
      await ship(tn);
      await scans(tn, journey);
      break;
    case 'out_for_delivery':
      await ship(tn);
      await scans(tn, [...journey, { occurredAt: now, status: 'out_for_delivery', location: 'Boston, MA' }]);
      break;
    case 'attempt_fail':
      await ship(tn);
      await scans(tn, [
        ...journey,
        { occurredAt: now, status: 'attempt_fail', subStatus: 'recipient_absent' },
      ]);
      break;
    case 'available_for_pickup':
      await ship(tn);
      await scans(tn, [...journey, { occurredAt: now, status: 'available_for_pickup', subStatus: 'locker' }]);
      break;
    case 'exception':
      await ship(tn);
      await scans(tn, [...journey, { occurredAt: now, status: 'exception', subStatus: 'address_problem' }]);
      break;
    case 'delivered':
      await ship(tn);
      await scans(tn, [
        ...journey,
        { occurredAt: '2026-11-23T13:00:00Z', status: 'out_for_delivery' },
        { occurredAt: '2026-11-23T17:32:00Z', status: 'delivered', subStatus: 'left_at_door' },
      ]);
      break;
    case 'split': {
      await ship(tn, [lines[0]!.id]);
      await scans(tn, [...journey, { occurredAt: '2026-11-23T17:32:00Z', status: 'delivered' }]);
      const second = `${tn}B`;
      await ship(second, [lines[1]!.id]);
      await scans(second, journey.slice(0, 2));
      break;
    }
    default:
      throw new Error(`unknown state ${state}`);
  }
  return { path: link('', t.config.SECRET_KEY, { k: 't', m: shop.id, o: order.id }), number, email };
}

interface Loaded {
  page: Page;
  foreign: string[];
  errors: string[];
}

async function open(url: string): Promise<Loaded> {
  const page = await phone.newPage();
  const foreign: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const res = await page.goto(`${base}${url}`, { waitUntil: 'load' });
  assert.equal(res?.status(), 200, url);
  return { page, foreign, errors };
}

/** What every page must be, whatever it shows. */
async function checkBasics(loaded: Loaded, name: string) {
  const { page, foreign, errors } = loaded;
  assert.deepEqual(foreign, [], 'no request leaves the shop');
  assert.deepEqual(errors, [], 'no console errors (the CSP would report blocked resources here)');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `fits a 375 px phone (overflows by ${overflow}px)`);
  const contrasts = await page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: string) => {
      const [r, g, b] = rgb(c).map((v) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: string, b: string) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
      return (x + 0.05) / (y + 0.05);
    };
    // The nearest ancestor with an opaque background is what the text sits on.
    const backgroundOf = (el: Element | null): string => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return [...document.querySelectorAll('header.brand, h1, h2, p, a, li, .button, time, span')]
      .filter((el) => (el as HTMLElement).textContent?.trim())
      .map((el) => {
        const style = getComputedStyle(el);
        const large =
          Number.parseFloat(style.fontSize) >= 24 ||
          (Number.parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
        return {
          text: (el as HTMLElement).textContent.trim().slice(0, 40),
          ratio: ratio(style.color, backgroundOf(el)),
          needed: large ? 3 : 4.5,
        };
      });
  });
  const failing = contrasts.filter((c) => c.ratio < c.needed);
  assert.deepEqual(failing, [], 'every text passes WCAG AA contrast');
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const tr = (locale: string, key: string, vars: Record<string, unknown> = {}) =>
  translate(locale, `tracking.${key}`, { shop: 'Solar Provisions', ...vars });

const STATES: Array<{ state: string; headline: string; locales: string[] }> = [
  { state: 'ordered', headline: 'status.ordered', locales: ['en', 'sv'] },
  { state: 'info_received', headline: 'status.info_received', locales: ['en', 'es'] },
  { state: 'in_transit', headline: 'status.in_transit', locales: ['en', 'pt-BR', 'es', 'sv'] },
  { state: 'out_for_delivery', headline: 'status.out_for_delivery', locales: ['en', 'pt-BR', 'es', 'sv'] },
  { state: 'attempt_fail', headline: 'status.attempt_fail', locales: ['en', 'pt-BR'] },
  { state: 'available_for_pickup', headline: 'status.available_for_pickup', locales: ['en', 'sv'] },
  { state: 'exception', headline: 'status.exception', locales: ['en', 'es'] },
  { state: 'delivered', headline: 'status.delivered', locales: ['en', 'pt-BR', 'es', 'sv'] },
  { state: 'split', headline: 'status.in_transit', locales: ['en', 'pt-BR'] },
  { state: 'cancelled', headline: 'status.cancelled', locales: ['en', 'sv'] },
];

describe('the tracking page in Chromium on a phone', () => {
  for (const { state, headline, locales } of STATES) {
    test(`${state}: ${locales.join(', ')}`, async () => {
      const order = await orderIn(state);
      for (const locale of locales) {
        const loaded = await open(`${order.path}?lang=${locale}`);
        const { page } = loaded;
        assert.equal(await page.getAttribute('html', 'lang'), locale);
        assert.equal((await page.textContent('#status'))?.trim(), tr(locale, headline));
        const windowText = (await page.textContent('#window'))?.trim() ?? '';
        if (state === 'out_for_delivery') {
          assert.match(windowText, new RegExp(tr(locale, 'window.today')));
          assert.ok(await page.isVisible('.window.celebrate'), 'the moment stands out');
        }
        if (state === 'in_transit')
          assert.ok(windowText.startsWith(tr(locale, 'window.arrives', { dates: '' }).trim()));
        if (state === 'split') {
          assert.equal(await page.locator('section.parcel').count(), 2);
          assert.match(
            (await page.textContent('main')) ?? '',
            new RegExp(tr(locale, 'parcels_delivered', { n: 1, total: 2 })),
          );
        }
        if (state !== 'ordered' && state !== 'cancelled' && state !== 'split') {
          assert.ok((await page.locator('.timeline li').count()) >= 1, 'the history is shown');
        }
        await checkBasics(loaded, `tracking-${state}-${locale}`);
        await page.close();
      }
    });
  }

  test('a shopper finds the order from /track with the order number and email', async () => {
    const order = await orderIn('in_transit');
    const { page, foreign } = await open(`/track?shop=${slug}`);
    await page.fill('#number', 'SP-no-such');
    await page.fill('#proof', order.email);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    assert.match(
      (await page.textContent('[role=alert]')) ?? '',
      new RegExp(tr('en', 'lookup.not_found').slice(0, 30)),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'track-lookup-not-found-en.png'), fullPage: true });
    await page.fill('#number', order.number.replace('#', ''));
    await page.fill('#proof', order.email);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    assert.match(page.url(), /\/t\/[\w-]+\.[\w-]+/);
    assert.equal((await page.textContent('#status'))?.trim(), tr('en', 'status.in_transit'));
    assert.deepEqual(foreign, []);
    await page.screenshot({ path: path.join(ARTIFACTS, 'track-lookup-found-en.png'), fullPage: true });
    await page.close();
  });
});
