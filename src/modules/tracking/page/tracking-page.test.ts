import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../../test/helpers.ts';
import { link } from '../../messages/links.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;

before(async () => {
  // A low lookup limit so the rate-limit test does not need hundreds of requests.
  t = await createTestApp({ TRACK_LOOKUPS_PER_MINUTE: '6' });
  shop = await createTestMerchant(t, {
    name: 'Loja Aurora',
    locale: 'pt-BR',
    currency: 'BRL',
    timezone: 'America/Sao_Paulo',
    brandPrimary: '#7c3aed',
    brandAccent: '#fde047',
    logoUrl: 'https://cdn.loja-aurora.example/logo.png',
    supportEmail: 'ajuda@loja-aurora.example',
    supportPhone: '+55 11 4000-1234',
  });
  other = await createTestMerchant(t, { name: 'Other Shop' });
});
after(() => t.close());

let seq = 0;
async function placeOrder(opts: { locale?: string; title?: string; promised?: [string, string] } = {}) {
  seq++;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: shop.auth,
    payload: {
      number: `#AU${1000 + seq}`,
      currency: 'BRL',
      locale: opts.locale ?? 'pt-BR',
      customer: { email: `cliente${seq}@example.com.br`, firstName: 'Ana' },
      shippingAddress: { city: 'São Paulo', postalCode: '01310-100', country: 'BR' },
      lines: [
        {
          sku: 'CANECA',
          title: opts.title ?? 'Caneca esmaltada',
          variantTitle: 'Azul',
          quantity: 2,
          unitPrice: 4990,
          imageUrl: 'https://cdn.loja-aurora.example/caneca.jpg',
        },
      ],
      ...(opts.promised
        ? { promisedDelivery: { earliest: opts.promised[0], latest: opts.promised[1] } }
        : {}),
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const order = res.json() as { id: string; number: string };
  return { ...order, email: `cliente${seq}@example.com.br`, path: pathOf(order.id) };
}

function pathOf(orderId: string, merchantId = shop.id) {
  return link('', t.config.SECRET_KEY, { k: 't', m: merchantId, o: orderId });
}

async function ship(orderId: string, trackingNumber: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${orderId}/shipments`,
    headers: shop.auth,
    payload: { carrier: 'correios', trackingNumber, shippedAt: '2026-11-20T12:00:00Z' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

async function scan(trackingNumber: string, events: Array<Record<string, unknown>>) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tracking-events',
    headers: shop.auth,
    payload: { events: events.map((e) => ({ trackingNumber, ...e })) },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().rejected, []);
}

const page = (path: string, headers: Record<string, string> = {}) => t.app.inject({ url: path, headers });
const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('the tracking page at /t/{token}', () => {
  test('in transit: the promised window first, then the history in local time, items, help, in the order language', async () => {
    const order = await placeOrder({ promised: ['2099-12-01', '2099-12-03'] });
    await ship(order.id, 'AA123456785BR');
    await scan('AA123456785BR', [
      { occurredAt: '2026-11-20T13:05:00Z', status: 'info_received', subStatus: 'label_created' },
      {
        occurredAt: '2026-11-21T09:30:00Z',
        status: 'in_transit',
        subStatus: 'departed_facility',
        description: 'Objeto em trânsito - por favor aguarde',
        location: 'Cajamar, SP',
      },
    ]);
    const res = await page(order.path);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/, 'no scripts at all');
    assert.equal(res.headers['x-robots-tag'], 'noindex');
    const body = text(res.body);
    assert.match(res.body, /<html lang="pt-BR">/);
    // The window comes before anything else in the page's main content.
    const main = res.body.slice(res.body.indexOf('<main>'));
    assert.ok(
      main.indexOf('Chega ') < main.indexOf('Histórico de rastreamento'),
      'window before the history',
    );
    assert.match(body, /Pedido #AU\d+/);
    assert.match(body, /Seu pacote está a caminho/);
    assert.match(body, /Saiu de uma unidade da transportadora · Cajamar, SP/);
    assert.match(
      body,
      /Objeto em trânsito - por favor aguarde/,
      "the carrier's own words stay as secondary text",
    );
    // 09:30 UTC is 06:30 in São Paulo.
    assert.match(body, /\b6:30\b/);
    assert.match(body, /Horários no fuso de Sao Paulo/);
    assert.match(body, /Caneca esmaltada/);
    assert.match(body, /Azul/);
    assert.match(body, /Qtd\. 2/);
    assert.match(res.body, /<img src="https:\/\/cdn\.loja-aurora\.example\/caneca\.jpg"/);
    assert.match(res.body, /<img src="https:\/\/cdn\.loja-aurora\.example\/logo\.png" alt="Loja Aurora">/);
    assert.match(res.body, /href="mailto:ajuda@loja-aurora\.example"/);
    assert.match(res.body, /href="tel:\+551140001234"/);
    assert.match(res.body, /href="\/returns\?order=%23AU\d+&amp;token=/);
    assert.match(res.body, /data-slot="recommendations"/);
    assert.match(res.body, /--p:#7c3aed/, 'the brand colour');
    // Nothing is loaded from anywhere but the merchant's own https images.
    const urls = [...res.body.matchAll(/(?:src|href)="(https?:[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(
      urls.every((u) => u.startsWith('https://cdn.loja-aurora.example/')),
      urls.join(', '),
    );
  });

  test('the language follows ?lang, and Accept-Language when the order has none of ours', async () => {
    const order = await placeOrder({ promised: ['2099-12-01', '2099-12-03'] });
    const sv = text((await page(`${order.path}?lang=sv`)).body);
    assert.match(sv, /Vi har tagit emot din order/);
    assert.match(sv, /Kommer /);
    const en = text((await page(`${order.path}?lang=en`)).body);
    assert.match(en, /We have your order/);
    assert.match(en, /Arrives /);
    const es = text((await page(`${order.path}?lang=es`)).body);
    assert.match(es, /Hemos recibido tu pedido/);
  });

  test('out for delivery is the headline moment; delivered says when', async () => {
    const order = await placeOrder({ promised: ['2099-12-01', '2099-12-03'] });
    await ship(order.id, 'AB123456785BR');
    const today = new Date().toISOString();
    await scan('AB123456785BR', [
      { occurredAt: today, status: 'out_for_delivery', location: 'São Paulo, SP' },
    ]);
    const ofd = await page(`${order.path}?lang=en`);
    assert.match(ofd.body, /class="card window celebrate"/);
    assert.match(text(ofd.body), /Arriving (today|soon)/);
    assert.match(text(ofd.body), /Your parcel is on the delivery vehicle/);

    await scan('AB123456785BR', [
      { occurredAt: new Date(Date.now() + 1000).toISOString(), status: 'delivered', subStatus: 'signed' },
    ]);
    const delivered = text((await page(`${order.path}?lang=en`)).body);
    assert.match(delivered, /Delivered .+ at \d/);
    assert.match(delivered, /Delivered and signed for/);
    assert.match(delivered, /Return or exchange an item/);
  });

  test('a problem says what happens next, in the problem colour', async () => {
    const order = await placeOrder();
    await ship(order.id, 'AC123456785BR');
    await scan('AC123456785BR', [
      { occurredAt: '2026-11-22T10:00:00Z', status: 'exception', subStatus: 'address_problem' },
    ]);
    const res = await page(`${order.path}?lang=en`);
    const body = text(res.body);
    assert.match(body, /There is a problem with your delivery/);
    assert.match(body, /Problem with the address/);
    assert.match(res.body, /class="alert" role="note">The carrier needs a correct address/);
  });

  test('JSON for headless storefronts says what the page says', async () => {
    const order = await placeOrder({ promised: ['2099-12-01', '2099-12-03'] });
    await ship(order.id, 'AD123456785BR');
    await scan('AD123456785BR', [{ occurredAt: '2026-11-21T09:30:00Z', status: 'in_transit' }]);
    for (const res of [
      await page(`${order.path}?format=json&lang=en`),
      await page(`${order.path}?lang=en`, { accept: 'application/json' }),
    ]) {
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /application\/json/);
      const view = res.json();
      assert.equal(view.status, 'in_transit');
      assert.equal(view.headline, 'Your parcel is on its way');
      assert.equal(view.window.kind, 'range');
      assert.equal(view.window.earliest, '2099-12-01');
      assert.equal(view.window.source, 'promise');
      assert.equal(view.shipments[0].trackingNumber, 'AD123456785BR');
      assert.equal(view.shipments[0].events[0].status, 'in_transit');
      assert.equal(view.items[0].quantity, 2);
      assert.equal(view.order.number, order.number);
    }
  });

  test('a new scan shows at once: the cached page is keyed by what it shows', async () => {
    const order = await placeOrder();
    await ship(order.id, 'AE123456785BR');
    await scan('AE123456785BR', [{ occurredAt: '2026-11-21T09:30:00Z', status: 'in_transit' }]);
    assert.match(text((await page(`${order.path}?lang=en`)).body), /Your parcel is on its way/);
    assert.match(text((await page(`${order.path}?lang=en`)).body), /Your parcel is on its way/);
    await scan('AE123456785BR', [
      { occurredAt: '2026-11-22T09:30:00Z', status: 'available_for_pickup', subStatus: 'locker' },
    ]);
    const body = text((await page(`${order.path}?lang=en`)).body);
    assert.match(body, /Ready for pickup/);
    assert.match(body, /Waiting in a parcel locker/);
  });

  test('what the merchant typed is escaped', async () => {
    const order = await placeOrder({ title: '<script>alert(1)</script> Mug' });
    const res = await page(order.path);
    assert.doesNotMatch(res.body, /<script>/);
    assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; Mug/);
  });

  test('a forged, altered or foreign token is a plain 404', async () => {
    const order = await placeOrder();
    const token = order.path.slice(3);
    const [body] = token.split('.');
    for (const path of [
      '/t/nonsense',
      `/t/${body}.AAAAAAAAAAAAAAAAAAAAAA`,
      `/t/${Buffer.from(JSON.stringify({ k: 't', m: shop.id, o: 'ord_x' })).toString('base64url')}.${token.split('.')[1]}`,
      // A correctly signed link to this order under another merchant finds nothing.
      pathOf(order.id, other.id),
    ]) {
      const res = await page(path);
      assert.equal(res.statusCode, 404, path);
      assert.doesNotMatch(res.body, /AU\d+/);
    }
    const json = await page('/t/nonsense?format=json');
    assert.equal(json.json().error.code, 'not_found');
  });
});

describe('the /track lookup', () => {
  const lookup = (
    payload: Record<string, string>,
    opts: { query?: string; headers?: Record<string, string> } = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/track?${opts.query ?? 'shop=loja-aurora'}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
      payload: new URLSearchParams(payload).toString(),
      remoteAddress: opts.headers?.['x-test-ip'] ?? `10.0.0.${++seq}`,
    });

  test('the form is branded and in the shop language', async () => {
    const res = await t.app.inject({ url: '/track?shop=loja-aurora' });
    assert.equal(res.statusCode, 200);
    const body = text(res.body);
    assert.match(body, /Acompanhe seu pedido/);
    assert.match(body, /E-mail ou CEP/);
    assert.match(res.body, /<input type="hidden" name="shop" value="loja-aurora">/);
    assert.match(res.body, /--p:#7c3aed/);
    const unknown = await t.app.inject({ url: '/track?shop=no-such-shop' });
    assert.equal(unknown.statusCode, 404);
  });

  test('order number with the checkout email or the postal code opens the page', async () => {
    const order = await placeOrder();
    const byEmail = await lookup({ number: order.number, proof: order.email.toUpperCase() });
    assert.equal(byEmail.statusCode, 303, byEmail.body);
    assert.match(byEmail.headers.location as string, /^\/t\/[\w-]+\.[\w-]+$/);
    const followed = await page(byEmail.headers.location as string);
    assert.equal(followed.statusCode, 200);
    assert.match(followed.body, new RegExp(order.number));

    const byPostal = await lookup({ number: order.number.slice(1), proof: '01310100' });
    assert.equal(byPostal.statusCode, 303, 'without the # and with the postal code written differently');

    const json = await t.app.inject({
      method: 'POST',
      url: '/track?shop=loja-aurora',
      headers: { accept: 'application/json' },
      payload: { number: order.number, email: order.email },
      remoteAddress: '10.1.0.1',
    });
    assert.equal(json.statusCode, 200, json.body);
    assert.match(json.json().url, /^http.+\/t\/[\w-]+\.[\w-]+$/);
  });

  test('a wrong email answers exactly like an order that does not exist', async () => {
    const order = await placeOrder();
    const wrongEmail = await lookup({ number: order.number, proof: 'someone.else@example.com' });
    const noOrder = await lookup({ number: '#NOPE-1', proof: order.email });
    assert.equal(wrongEmail.statusCode, 404);
    assert.equal(noOrder.statusCode, 404);
    const strip = (b: string) => b.replace(/value="[^"]*"/g, '');
    assert.equal(strip(wrongEmail.body), strip(noOrder.body));
    assert.match(text(wrongEmail.body), /Não encontramos um pedido com esses dados/);
    // Another shop's lookup never finds this shop's order.
    const elsewhere = await lookup(
      { number: order.number, proof: order.email },
      { query: 'shop=other-shop' },
    );
    assert.equal(elsewhere.statusCode, 404);
  });

  test('lookups are rate-limited per client, with the answer in the form', async () => {
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 8; i++) {
      const res = await lookup(
        { number: '#NOPE', proof: 'x@example.com' },
        { headers: { 'x-test-ip': '10.9.9.9' } },
      );
      statuses.push(res.statusCode);
      last = res.body;
    }
    assert.deepEqual(statuses, [404, 404, 404, 404, 404, 404, 429, 429]);
    assert.match(text(last), /Muitas tentativas/);
    // Another client is not affected.
    const fresh = await lookup(
      { number: '#NOPE', proof: 'x@example.com' },
      { headers: { 'x-test-ip': '10.9.9.10' } },
    );
    assert.equal(fresh.statusCode, 404);
  });

  test("the merchant's own domain finds its shop without ?shop", async () => {
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/merchant',
      headers: shop.auth,
      payload: { settings: { tracking: { domains: ['Rastreio.Loja-Aurora.example'] } } },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().settings.tracking.domains, ['rastreio.loja-aurora.example']);
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/merchant',
      headers: shop.auth,
      payload: { settings: { tracking: { domains: ['https://not a host/'] } } },
    });
    assert.equal(bad.statusCode, 400);
    const res = await t.app.inject({ url: '/track', headers: { host: 'rastreio.loja-aurora.example' } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Loja Aurora/);
    const order = await placeOrder();
    const found = await t.app.inject({
      method: 'POST',
      url: '/track',
      headers: { host: 'rastreio.loja-aurora.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ number: order.number, proof: order.email }).toString(),
      remoteAddress: '10.2.0.1',
    });
    assert.equal(found.statusCode, 303, found.body);
  });
});
