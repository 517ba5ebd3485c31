import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { assertError } from '../../../test/api-fixtures.ts';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { buildApp } from '../../http/app.ts';
import { silentLogger } from '../../lib/logger.ts';
import { qrPng } from './pdf.ts';
import { inspectPdf } from './pdf-inspect.test-helper.ts';
import { printoutRoutes } from './routes.ts';

const SLIP_URL = '/api/v1/orders/:id/packing-slip.pdf';
let app: FastifyInstance;
let database: TestDatabase;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
let other: Awaited<ReturnType<typeof createTestMerchant>>;
const ids: string[] = [];

before(async () => {
  database = await createTestDatabase();
  const config = testConfig();
  const deps = { db: database.db, config, logger: silentLogger };
  app = await buildApp(deps);
  // Until app.ts mounts the printouts, mount them here the way it will.
  if (!app.hasRoute({ method: 'GET', url: SLIP_URL })) await app.register(printoutRoutes(deps));
  await app.ready();
  const t = { database, config };
  shop = await createTestMerchant(t, {
    name: 'Ateliê São João',
    currency: 'BRL',
    locale: 'pt-BR',
    timezone: 'America/Sao_Paulo',
  });
  other = await createTestMerchant(t);
  const photo = await qrPng('packer photo');
  await sql`UPDATE merchants SET support_email = 'oi@saojoao.test', settings = settings || ${JSON.stringify({
    printouts: {
      packers: [
        {
          id: 'asa',
          name: 'Åsa Öberg',
          story: 'Eu embalo cada pedido como se fosse para mim.',
          note: 'Espero que você ame!',
          photoUrl: `data:image/png;base64,${photo.toString('base64')}`,
        },
        { id: 'spy', name: 'Remote', photoUrl: 'http://169.254.169.254/latest/meta-data' },
      ],
      returnPolicy: { 'pt-BR': 'Trocas grátis em até 30 dias.', sv: 'Fri retur inom 30 dagar.' },
      specialHandling: { Fragile: 'fragile', 'cold-chain': 'perishable' },
    },
  })}::jsonb WHERE id = ${shop.id}`.execute(database.db);
  const product = await app.inject({
    method: 'POST',
    url: '/api/v1/products',
    headers: shop.auth,
    payload: { externalId: 'vase', title: 'Vaso de vidro', tags: ['fragile'] },
  });
  assert.ok(product.statusCode < 300, product.body);
  const customers = [
    { firstName: 'Łukasz', lastName: 'Müller', email: 'lukasz@example.com', locale: 'pt-BR' },
    { firstName: 'Åsa', lastName: 'Lind', email: 'asa@example.com', locale: 'sv' },
    { firstName: 'José', lastName: 'Muñoz', email: 'jose@example.com', locale: 'es' },
  ];
  for (const [i, customer] of customers.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: shop.auth,
      payload: {
        number: `#10${i + 1}`,
        currency: 'BRL',
        locale: customer.locale,
        customer,
        tags: i === 1 ? ['cold-chain'] : [],
        note: i === 0 ? 'Entregar na portaria, São João.' : undefined,
        shippingAddress: {
          name: `${customer.firstName} ${customer.lastName}`,
          line1: 'Rua Ôrjan 5',
          city: 'São Paulo',
          postalCode: '01310-100',
          country: 'BR',
        },
        lines: [
          { sku: 'TEE-M', title: 'Camiseta', variantTitle: 'M / Azul', quantity: 2, unitPrice: 7990 },
          {
            sku: 'VASE',
            title: 'Vaso de vidro',
            productExternalId: 'vase',
            quantity: 1,
            unitPrice: 4990,
            discount: 500,
          },
        ],
        shipping: { method: 'SEDEX', price: 1500 },
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    ids.push(res.json().id);
  }
});
after(async () => {
  await app.close();
  await database.drop();
});

describe('printout routes', () => {
  test('the packing slip PDF of an order: slip, exchange instructions and the packed-by card', async () => {
    const res = await app.inject({
      url: `/api/v1/orders/${ids[0]}/packing-slip.pdf?packer=asa`,
      headers: shop.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['content-disposition'], 'inline; filename="packing-slip-101.pdf"');
    assert.equal(res.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const pages = await inspectPdf(res.rawPayload);
    assert.equal(pages.length, 3);
    const [slip, exchange, card] = pages as [(typeof pages)[0], (typeof pages)[0], (typeof pages)[0]];
    for (const s of [
      'Pedido #101',
      'Ateliê São João',
      'Łukasz Müller',
      'Rua Ôrjan 5',
      'Camiseta',
      'Vaso de vidro',
      'R$ 159,80',
      'R$ 44,90',
      'R$ 209,70',
      'Aguardando pagamento',
      'FRÁGIL',
      'Entregar na portaria, São João.',
      'Trocas grátis em até 30 dias.',
      'http://shop.test/t/',
    ])
      assert.ok(slip.text.includes(s), `missing "${s}" in:\n${slip.text}`);
    assert.doesNotMatch(slip.text, /PERECÍVEL/);
    assert.equal(slip.images, 1);
    assert.match(exchange.text, /Como trocar ou devolver/);
    assert.equal(exchange.images, 1);
    assert.match(card.text, /Embalado para você por Åsa\s+Öberg/);
    assert.match(card.text, /Espero que você ame!/);
    assert.match(card.text, /Obrigado pelo seu pedido, Łukasz!/);
    assert.equal(card.images, 1, 'the photo from the data: URL');
    assert.equal(Math.round(card.width), 298);
  });

  test("the customer's locale by default, or the one asked for; marks from order tags", async () => {
    const sv = await inspectPdf(
      (await app.inject({ url: `/api/v1/orders/${ids[1]}/packing-slip.pdf`, headers: shop.auth })).rawPayload,
    );
    assert.equal(sv.length, 2, 'no card without a packer');
    assert.match(sv[0]!.text, /Följesedel och faktura/);
    assert.match(sv[0]!.text, /Åsa Lind/);
    assert.match(sv[0]!.text, /ÖMTÅLIGT/);
    assert.match(sv[0]!.text, /FÄRSKVARA/);
    assert.match(sv[0]!.text, /Fri retur inom 30 dagar\./);
    assert.match(sv[1]!.text, /Så byter eller returnerar du/);
    const es = await inspectPdf(
      (await app.inject({ url: `/api/v1/orders/${ids[1]}/packing-slip.pdf?locale=es`, headers: shop.auth }))
        .rawPayload,
    );
    assert.match(es[0]!.text, /Albarán y factura/);
    assert.match(es[0]!.text, /PERECEDERO/);
  });

  test('a packer photo given by URL is not fetched, only left out', async () => {
    const res = await app.inject({
      url: `/api/v1/orders/${ids[2]}/packing-slip.pdf?packer=spy`,
      headers: shop.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    const pages = await inspectPdf(res.rawPayload);
    assert.match(pages[0]!.text, /José Muñoz/);
    assert.match(pages[2]!.text, /Preparado para ti por Remote/);
    assert.equal(pages[2]!.images, 0);
  });

  test('the pick list has every order, in the order asked', async () => {
    const order = [ids[2]!, ids[0]!, ids[1]!];
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/printouts/pick-list.pdf',
      headers: shop.auth,
      payload: { orderIds: order },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pdf');
    const pages = await inspectPdf(res.rawPayload);
    assert.equal(pages.length, 6);
    const text = pages.map((p) => p.text).join('\n');
    const at = ['#103', '#101', '#102'].map((n) => text.indexOf(`${n}`));
    assert.ok(at.every((i) => i >= 0) && at[0]! < at[1]! && at[1]! < at[2]!, `positions ${at}`);
  });

  test("another merchant's order is not found, alone or in a pick list", async () => {
    assertError(
      await app.inject({ url: `/api/v1/orders/${ids[0]}/packing-slip.pdf`, headers: other.auth }),
      404,
      'not_found',
    );
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/v1/printouts/pick-list.pdf',
        headers: other.auth,
        payload: { orderIds: [ids[0]] },
      }),
      404,
      'not_found',
    );
  });

  test('no key is 401; bad input is 400', async () => {
    assertError(
      await app.inject({ url: `/api/v1/orders/${ids[0]}/packing-slip.pdf` }),
      401,
      'missing_api_key',
    );
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/v1/printouts/pick-list.pdf',
        payload: { orderIds: ids },
      }),
      401,
      'missing_api_key',
    );
    assertError(
      await app.inject({
        method: 'POST',
        url: '/api/v1/printouts/pick-list.pdf',
        headers: shop.auth,
        payload: { orderIds: Array.from({ length: 201 }, (_, i) => `ord_${i}`) },
      }),
      400,
      'validation_failed',
    );
    assertError(
      await app.inject({ url: `/api/v1/orders/${ids[0]}/packing-slip.pdf?locale=fr`, headers: shop.auth }),
      400,
      'validation_failed',
    );
    assertError(
      await app.inject({
        url: `/api/v1/orders/${ids[0]}/packing-slip.pdf?packer=nobody`,
        headers: shop.auth,
      }),
      400,
      'unknown_packer',
    );
  });
});
