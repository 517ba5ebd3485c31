import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { missingKeys } from '../templates/translations.ts';
import { qrPng } from './pdf.ts';
import { inspectPdf } from './pdf-inspect.test-helper.ts';
import { renderOrderPrintouts, renderPackedByCard, renderPackingSlip } from './render.ts';
import { renderReturnLabel } from './return-label.ts';
import { imageFromDataUrl, printoutSettings } from './settings.ts';
import type { MerchantBrand, OrderPrintouts, PackingSlipView } from './views.ts';

const merchant: MerchantBrand = {
  name: 'Ateliê São João',
  email: 'oi@saojoao.test',
  phone: '+55 11 5555-0000',
  address: {
    line1: 'Rua Augusta 12',
    city: 'São Paulo',
    region: 'SP',
    postalCode: '01310-100',
    country: 'BR',
  },
  color: '#7b1fa2',
};

function slip(overrides: Partial<PackingSlipView> = {}): PackingSlipView {
  return {
    locale: 'pt-BR',
    timeZone: 'America/Sao_Paulo',
    merchant,
    order: {
      number: '#1001',
      placedAt: new Date('2025-03-04T12:00:00Z'),
      currency: 'BRL',
      paymentStatus: 'paid',
      shippingMethod: 'SEDEX',
      taxesIncluded: false,
      subtotal: 20970,
      discount: 1500,
      discountCodes: ['BEMVINDA'],
      shipping: 1500,
      tax: 0,
      total: 20970,
      refunded: 0,
    },
    shipTo: {
      name: 'Łukasz Müller',
      line1: 'Rua Ôrjan 5',
      city: 'São Paulo',
      postalCode: '01310-100',
      country: 'BR',
    },
    lines: [
      {
        title: 'Camiseta Åsa',
        sku: 'TEE-M',
        variant: 'M / Azul',
        quantity: 2,
        unitPrice: 7990,
        discount: 0,
        tax: 0,
      },
      {
        title: 'Vaso de vidro',
        sku: 'VASE',
        quantity: 1,
        unitPrice: 4990,
        discount: 500,
        tax: 0,
        marks: ['fragile'],
      },
    ],
    marks: ['fragile', 'insured'],
    carrierNotes: 'Deixar com o porteiro.',
    returnPolicy: 'Você tem 30 dias para trocar ou devolver.',
    portalUrl: 'http://shop.test/t/abc.def',
    ...overrides,
  };
}

describe('printout renderers', () => {
  test('the packing slip in Portuguese: order, items, money, marks, names outside Latin-1 and a QR code', async () => {
    const pages = await inspectPdf(await renderPackingSlip(slip()));
    assert.equal(pages.length, 1);
    const [page] = pages;
    assert.equal(Math.round(page!.width), 595); // A4
    const text = page!.text;
    for (const s of [
      'Romaneio e fatura',
      'Pedido #1001',
      '4 de março de 2025',
      'Łukasz Müller',
      'Rua Ôrjan 5',
      'Ateliê São João',
      'Camiseta Åsa',
      'Variação: M / Azul',
      'TEE-M',
      'R$ 79,90',
      'R$ 159,80',
      '-R$ 5,00',
      'Desconto (BEMVINDA)',
      'R$ 209,70',
      'Frete',
      'Pago',
      'FRÁGIL',
      'COM SEGURO',
      'OBSERVAÇÕES PARA A TRANSPORTADORA',
      'Deixar com o porteiro.',
      'Você tem 30 dias para trocar ou devolver.',
      'http://shop.test/t/abc.def',
    ])
      assert.ok(text.includes(s), `missing "${s}" in:\n${text}`);
    assert.equal(page!.images, 1, 'the returns QR code');
  });

  test('prices included tax is shown as a note, and a long order flows onto a second page', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({
      title: `Produkt ${i + 1}`,
      sku: `SKU-${i + 1}`,
      quantity: 1,
      unitPrice: 10000,
      discount: 0,
      tax: 2000,
    }));
    const pdf = await renderPackingSlip(
      slip({
        locale: 'sv',
        timeZone: 'Europe/Stockholm',
        order: {
          ...slip().order,
          currency: 'SEK',
          taxesIncluded: true,
          tax: 80000,
          subtotal: 400000,
          discount: 0,
          shipping: 0,
          total: 400000,
        },
        lines,
        marks: [],
      }),
    );
    const pages = await inspectPdf(pdf);
    assert.ok(pages.length >= 2, `pages: ${pages.length}`);
    const text = pages.map((p) => p.text).join('\n');
    assert.match(text, /Följesedel och faktura/);
    assert.match(text, /Produkt 40/);
    assert.match(text, /Totalt/);
    assert.match(text, /4 000,00 kr/);
    assert.match(text, /Varav moms 800,00 kr/);
    assert.doesNotMatch(text, /ÖMTÅLIGT/);
  });

  test('slip, exchange instructions and packed-by card for an order, in Spanish', async () => {
    const photo = await qrPng('photo'); // any PNG
    const order: OrderPrintouts = {
      slip: slip({ locale: 'es', order: { ...slip().order, currency: 'EUR' } }),
      exchange: { locale: 'es', merchant, orderNumber: '#1001', portalUrl: 'https://shop.test/r?o=1001' },
      packedBy: {
        locale: 'es',
        merchant,
        packer: { name: 'Åsa Öberg', story: 'Llevo tres años preparando pedidos.', photo },
        note: '¡Que lo disfrutes!',
        customerFirstName: 'Łukasz',
      },
    };
    const pages = await inspectPdf(await renderOrderPrintouts([order]));
    assert.equal(pages.length, 3);
    assert.match(pages[0]!.text, /Albarán y factura/);
    assert.match(pages[0]!.text, /209,70 €/);
    assert.match(pages[0]!.text, /FRÁGIL/);
    const exchange = pages[1]!.text;
    assert.match(exchange, /Cómo cambiar o devolver/);
    for (const n of [1, 2, 3, 4, 5]) assert.match(exchange, new RegExp(`(^|\\n)${n}\\s`));
    assert.match(exchange, /Empaqueta los artículos en su embalaje original/);
    assert.match(exchange, /https:\/\/shop\.test\/r\?o=1001/);
    assert.equal(pages[1]!.images, 1, 'QR code on the instructions');
    const card = pages[2]!;
    assert.equal(Math.round(card.width), 298); // A6
    assert.equal(Math.round(card.height), 420);
    assert.match(card.text, /Preparado para ti por Åsa\s+Öberg/);
    assert.match(card.text, /¡Que lo disfrutes!/);
    assert.match(card.text, /¡Gracias por tu pedido, Łukasz!/);
    assert.equal(card.images, 1, 'the packer photo');
  });

  test('the packed-by card without a photo, in Swedish', async () => {
    const [card] = await inspectPdf(
      await renderPackedByCard({
        locale: 'sv',
        merchant,
        packer: { name: 'Ôrjan' },
        note: 'Hoppas du gillar den!',
      }),
    );
    assert.match(card!.text, /Packat åt dig av Ôrjan/);
    assert.match(card!.text, /Tack för din beställning!/);
    assert.equal(card!.images, 0);
  });

  test('the return label has the RMA as a Code128 barcode and a QR code, both addresses and the items', async () => {
    const pdf = await renderReturnLabel({
      locale: 'sv',
      merchant,
      rma: 'RMA-000123',
      orderNumber: '#1001',
      from: {
        name: 'Åsa Müller',
        line1: 'Storgatan 1',
        postalCode: '111 22',
        city: 'Stockholm',
        country: 'SE',
      },
      to: {
        name: 'Ateliê São João',
        line1: 'Rua Augusta 12',
        city: 'São Paulo',
        postalCode: '01310-100',
        country: 'BR',
      },
      items: [{ title: 'Camiseta', sku: 'TEE-M', variant: 'M', quantity: 1, reason: 'För liten' }],
      dropOff: 'PostNord',
    });
    const [page] = await inspectPdf(pdf);
    assert.equal(page!.images, 2, 'barcode and QR code');
    for (const s of [
      'Returetikett',
      'RMA-000123',
      'Åsa Müller',
      '111 22 Stockholm',
      'Sverige',
      'Brasilien',
      'Ateliê São João',
      '1 × Camiseta',
      'Orsak: För liten',
      'PostNord',
      'Klipp här',
    ])
      assert.ok(page!.text.includes(s), `missing "${s}" in:\n${page!.text}`);
  });

  test('images come only from PNG/JPEG data URLs, never from http URLs or other bytes', async () => {
    const png = await qrPng('x');
    assert.ok(imageFromDataUrl(`data:image/png;base64,${png.toString('base64')}`)?.equals(png));
    assert.equal(imageFromDataUrl('https://169.254.169.254/logo.png'), undefined);
    assert.equal(
      imageFromDataUrl(`data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}`),
      undefined,
    );
    assert.equal(imageFromDataUrl('data:image/svg+xml;base64,PHN2Zy8+'), undefined);
    assert.deepEqual(printoutSettings({ printouts: { packers: 'nope' } }).packers, []);
    assert.equal(printoutSettings({}).specialHandling.fragile, 'fragile');
  });

  test('every locale has every printout string', () => {
    for (const locale of ['pt-BR', 'es', 'sv'] as const)
      assert.deepEqual(
        missingKeys(locale).filter((k) => k.startsWith('printouts.')),
        [],
        locale,
      );
  });
});
