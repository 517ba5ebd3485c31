import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestMerchant, type TestApp } from '../../../../test/helpers.ts';
import { link } from '../../messages/links.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let variants: Record<string, string> = {};

before(async () => {
  t = await createTestApp({ TRACK_LOOKUPS_PER_MINUTE: '5' });
  shop = await createTestMerchant(t, {
    name: 'Loja Brisa',
    currency: 'BRL',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
  });
  const product = await call('POST', '/api/v1/products', {
    externalId: 'VESTIDO',
    title: 'Vestido de linho',
    category: 'dresses',
    variants: [
      { externalId: 'V-P', sku: 'V-P', title: 'P', size: 'P', price: 19900, inventory: 3 },
      { externalId: 'V-M', sku: 'V-M', title: 'M', size: 'M', price: 19900, inventory: 2 },
    ],
  });
  assert.equal(product.statusCode, 201, product.body);
  const similar = await call('POST', '/api/v1/products', {
    externalId: 'SAIA',
    title: 'Saia midi',
    category: 'dresses',
    variants: [{ externalId: 'S-M', sku: 'S-M', title: 'M', size: 'M', price: 17900, inventory: 2 }],
  });
  assert.equal(similar.statusCode, 201, similar.body);
  variants = Object.fromEntries(
    product.json().variants.map((v: { sku: string; id: string }) => [v.sku, v.id]),
  );
});
after(() => t.close());

function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: shop.auth, payload: payload as never });
}

let seq = 0;
async function deliveredOrder() {
  seq++;
  const res = await call('POST', '/api/v1/orders', {
    number: `#BR${seq}`,
    currency: 'BRL',
    locale: 'pt-BR',
    paymentStatus: 'paid',
    customer: { email: `ana${seq}@example.com.br` },
    shippingAddress: { city: 'Recife', postalCode: '50030-230', country: 'BR', regionCode: 'PE' },
    lines: [
      {
        productExternalId: 'VESTIDO',
        variantExternalId: 'V-P',
        sku: 'V-P',
        title: 'Vestido de linho',
        variantTitle: 'P',
        quantity: 1,
        unitPrice: 19900,
      },
      { sku: 'MEIA', title: 'Meias', quantity: 2, unitPrice: 2500 },
    ],
  });
  assert.equal(res.statusCode, 201, res.body);
  const o = res.json();
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const s = await call('POST', `/api/v1/orders/${o.id}/shipments`, { carrier: 'correios', shippedAt: at });
  await call('POST', '/api/v1/tracking-events', {
    events: [{ shipmentId: s.json().id, occurredAt: at, status: 'delivered' }],
  });
  const token = link('', t.config.SECRET_KEY, { k: 't', m: shop.id, o: o.id }).slice(3);
  return {
    id: o.id as string,
    number: o.number as string,
    dress: o.lines[0].id as string,
    socks: o.lines[1].id as string,
    token,
    email: `ana${seq}@example.com.br`,
  };
}

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

async function multipart(fields: Record<string, string>, files: Record<string, Buffer> = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const [k, v] of Object.entries(files)) fd.append(k, new Blob([new Uint8Array(v)]), 'photo.png');
  const res = new Response(fd);
  return {
    headers: { 'content-type': res.headers.get('content-type')! },
    payload: Buffer.from(await res.arrayBuffer()),
  };
}

const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('the returns portal', () => {
  test('from the order page to an exchange for another size, in Portuguese', async () => {
    const o = await deliveredOrder();
    // The tracking page's "return or exchange" link carries its own signed token.
    const fromTracking = await t.app.inject({
      url: `/returns?order=${encodeURIComponent(o.number)}&token=${o.token}`,
    });
    assert.equal(fromTracking.statusCode, 303);
    assert.equal(fromTracking.headers.location, `/returns/o/${o.token}`);
    const chooseRes = await t.app.inject({ url: `/returns/o/${o.token}` });
    assert.equal(chooseRes.statusCode, 200, chooseRes.body);
    assert.match(chooseRes.body, /<html lang="pt-BR">/);
    assert.match(chooseRes.body, /name="pick\.[^"]+"/);
    assert.match(text(chooseRes.body), /Vestido de linho/);

    const preview = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/preview`,
      ...form({ [`pick.${o.dress}`]: '1', [`qty.${o.dress}`]: '1', [`reason.${o.dress}`]: 'fit:too_small' }),
    });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.match(preview.body, /name="resolution" value="refund"/);
    assert.match(preview.body, /name="resolution" value="exchange_variant"/);
    assert.match(
      preview.body,
      new RegExp(`<option value="${variants['V-M']}">M</option>`),
      'the other size in stock',
    );
    assert.match(
      preview.body,
      /<optgroup label="Itens parecidos"><option value="[^"]+">Saia midi — M<\/option>/,
    );
    assert.match(preview.body, /enctype="multipart\/form-data"/);

    const submit = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/submit`,
      ...(await multipart({
        [`pick.${o.dress}`]: '1',
        [`qty.${o.dress}`]: '1',
        [`reason.${o.dress}`]: 'fit:too_small',
        resolution: 'exchange_variant',
        [`variant.${o.dress}`]: variants['V-M']!,
      })),
    });
    assert.equal(submit.statusCode, 303, submit.body);
    const statusUrl = submit.headers.location as string;
    assert.match(statusUrl, /^\/r\/[\w-]+\.[\w-]+\?lang=pt-BR$/);
    const status = await t.app.inject({ url: statusUrl });
    assert.equal(status.statusCode, 200);
    assert.match(text(status.body), /R[0-9A-Z]{8}/);
    const labelHref = /href="(\/r\/[^"]+\/label\.pdf[^"]*)"/.exec(status.body)?.[1];
    assert.ok(labelHref, 'an approved return offers its label');
    const label = await t.app.inject({ url: labelHref.replace(/&amp;/g, '&') });
    assert.equal(label.statusCode, 200);
    assert.equal(label.headers['content-type'], 'application/pdf');
    assert.equal(label.rawPayload.subarray(0, 5).toString(), '%PDF-');

    const list = (await call('GET', `/api/v1/returns?orderId=${o.id}`)).json().data;
    assert.equal(list.length, 1);
    assert.equal(list[0].source, 'portal');
    assert.equal(list[0].resolution, 'exchange_variant');
    assert.equal(list[0].lines[0].exchangeVariantId, variants['V-M']);

    // The same form again (a double tap): still one return.
    const again = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/submit`,
      ...(await multipart({
        [`pick.${o.dress}`]: '1',
        [`qty.${o.dress}`]: '1',
        [`reason.${o.dress}`]: 'fit:too_small',
        resolution: 'exchange_variant',
        [`variant.${o.dress}`]: variants['V-M']!,
      })),
    });
    assert.equal(again.statusCode, 303);
    assert.equal((await call('GET', `/api/v1/returns?orderId=${o.id}`)).json().data.length, 1);
  });

  test('a damaged item asks for a photo, takes it, and waits for a person', async () => {
    const o = await deliveredOrder();
    const preview = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/preview?lang=sv`,
      ...form({ [`pick.${o.socks}`]: '1', [`qty.${o.socks}`]: '2', [`reason.${o.socks}`]: 'damaged' }),
    });
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /<html lang="sv">/);
    assert.match(preview.body, /type="file" name="photo\./);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const notImage = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/submit?lang=sv`,
      ...(await multipart(
        {
          [`pick.${o.socks}`]: '1',
          [`qty.${o.socks}`]: '2',
          [`reason.${o.socks}`]: 'damaged',
          resolution: 'refund',
        },
        { [`photo.${o.socks}`]: Buffer.from('MZ this is an exe') },
      )),
    });
    assert.equal(notImage.statusCode, 422);
    assert.equal(
      (await call('GET', `/api/v1/returns?orderId=${o.id}`)).json().data.length,
      0,
      'nothing written',
    );
    const ok = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/submit?lang=sv`,
      ...(await multipart(
        {
          [`pick.${o.socks}`]: '1',
          [`qty.${o.socks}`]: '2',
          [`reason.${o.socks}`]: 'damaged',
          resolution: 'refund',
        },
        { [`photo.${o.socks}`]: png },
      )),
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const r = (await call('GET', `/api/v1/returns?orderId=${o.id}`)).json().data[0];
    assert.equal(r.status, 'needs_review');
    const photos = await t.database.db
      .selectFrom('return_photos')
      .selectAll()
      .where('return_id', '=', r.id)
      .execute();
    assert.equal(photos.length, 1);
    assert.equal(photos[0]!.content_type, 'image/png');
  });

  test('more than bought or an empty choice is answered on the page, not with a half-made return', async () => {
    const o = await deliveredOrder();
    const empty = await t.app.inject({ method: 'POST', url: `/returns/o/${o.token}/preview`, ...form({}) });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /role="alert"/);
    const forged = await t.app.inject({
      method: 'POST',
      url: `/returns/o/${o.token}/submit`,
      ...(await multipart({
        [`pick.${o.socks}`]: '1',
        [`qty.${o.socks}`]: '99',
        [`reason.${o.socks}`]: 'changed_mind',
        resolution: 'refund',
      })),
    });
    // The quantity is capped at what was bought; the price always comes from the order.
    assert.equal(forged.statusCode, 303, forged.body);
    const r = (await call('GET', `/api/v1/returns?orderId=${o.id}`)).json().data[0];
    assert.equal(r.lines[0].quantity, 2);
    assert.equal(r.lines[0].unitPriceMinor, 2500);
  });

  test('the lookup finds the order by number and email, and answers the same for a wrong email', async () => {
    const o = await deliveredOrder();
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/returns',
      ...form({ number: o.number, proof: 'x@y.z' }),
      remoteAddress: '10.3.0.1',
    });
    const none = await t.app.inject({
      method: 'POST',
      url: '/returns',
      ...form({ number: '#NOPE', proof: o.email }),
      remoteAddress: '10.3.0.2',
    });
    assert.equal(wrong.statusCode, 404);
    assert.equal(none.statusCode, 404);
    assert.equal(wrong.body.replace(/value="[^"]*"/g, ''), none.body.replace(/value="[^"]*"/g, ''));
    const found = await t.app.inject({
      method: 'POST',
      url: '/returns',
      ...form({ number: o.number, proof: o.email }),
      remoteAddress: '10.3.0.3',
    });
    assert.equal(found.statusCode, 303);
    assert.match(found.headers.location as string, /^\/returns\/o\//);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/returns',
            ...form({ number: '#X', proof: 'a@b.c' }),
            remoteAddress: '10.3.9.9',
          })
        ).statusCode,
      );
    }
    assert.deepEqual(codes, [404, 404, 404, 404, 404, 429, 429]);
    assert.equal((await t.app.inject({ url: '/returns/o/forged.token' })).statusCode, 404);
  });
});
