import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  createHarness,
  createJourneyApi,
  type Harness,
  mailsTo,
  placeOrder,
  type Shop,
  shipOrder,
} from '../../../test/messaging-fixtures.ts';
import { sampleContext } from './sample-context.ts';

/**
 * Dates in messages read the way each customer writes them: the delivery estimate in the order
 * confirmation and the delivery date in the "delivered" mail, in English, Brazilian Portuguese, Spanish and
 * Swedish, with the month named and the parts in the local order. Real orders, real mails: a December
 * delivery, so every language's word for December shows.
 */

let h: Harness;
let s: Shop;
before(async () => {
  h = await createHarness();
  s = await createTestMerchant(h.t, {
    name: 'Norrsken Home',
    locale: 'en',
    currency: 'USD',
    timezone: 'Europe/Stockholm',
  });
  await createJourneyApi(h.t, s, 'Confirmation', {
    trigger: { event: 'order.placed' },
    steps: [{ type: 'send', template: 'order_confirmation', channel: 'email' }],
  });
  await createJourneyApi(h.t, s, 'Delivered', {
    trigger: { event: 'order.delivered' },
    steps: [{ type: 'send', template: 'delivered', channel: 'email' }],
  });
});
after(() => h.close());

const CASES = [
  {
    locale: 'en',
    currency: 'USD',
    estimate: 'Estimated delivery: December 3 – December 6',
    delivered: 'Delivered on December 5, 2026',
    foreign: ['dezembro', 'diciembre', 'december 2026'],
  },
  {
    locale: 'pt-BR',
    currency: 'BRL',
    estimate: 'Previsão de entrega: 3 de dezembro – 6 de dezembro',
    delivered: 'Entregue em 5 de dezembro de 2026',
    foreign: ['December', 'diciembre'],
  },
  {
    locale: 'es',
    currency: 'EUR',
    estimate: 'Entrega estimada: 3 de diciembre – 6 de diciembre',
    delivered: 'Entregado el 5 de diciembre de 2026',
    foreign: ['December', 'dezembro'],
  },
  {
    locale: 'sv',
    currency: 'SEK',
    estimate: 'Beräknad leverans: 3 december – 6 december',
    delivered: 'Levererad 5 december 2026',
    foreign: ['December', 'dezembro', 'diciembre', 'december 5'],
  },
] as const;

/** Sets the promised delivery window through the REST API (PATCH), as an integrator would. */
async function promise(orderId: string, earliest: string, latest: string) {
  const res = await h.t.app.inject({
    method: 'PATCH',
    url: `/api/v1/orders/${orderId}`,
    headers: s.auth,
    payload: { promisedDelivery: { earliest, latest } },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json().promisedDelivery, { earliest, latest });
}

/** The text of an HTML part with tags dropped and whitespace and the common entities folded. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&ndash;/g, '–')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/\s+/g, ' ');

describe('dates in messages, per language', () => {
  for (const c of CASES) {
    test(`${c.locale}: the confirmation's delivery estimate and the delivered-on date name December the ${c.locale} way`, async () => {
      const email = `dates.${c.locale.toLowerCase()}@example.com`;
      const o = await placeOrder(h.t, s, {
        number: `#D-${c.locale}`,
        email,
        locale: c.locale,
        currency: c.currency,
        placedAt: '2026-12-01T10:00:00Z',
        lines: [{ sku: 'THROW', title: 'Linen throw', quantity: 1, unitPrice: 8900 }],
      });
      await promise(o.id, '2026-12-03', '2026-12-06');
      await h.pump(new Date('2026-12-01T10:05:00Z'));
      await shipOrder(h.t, s, o.id, `D-${c.locale}`, 'delivered', { shippedAt: '2026-12-05T13:00:00Z' });
      await h.pump(new Date('2026-12-05T14:00:00Z'));

      const mails = mailsTo(h.mailbox, email);
      assert.equal(mails.length, 2, `confirmation and delivered: ${mails.map((m) => m.subject).join(' | ')}`);
      const [confirmation, delivered] = mails as [(typeof mails)[0], (typeof mails)[0]];
      assert.ok(confirmation.text.includes(c.estimate), `${c.locale} estimate in: ${confirmation.text}`);
      assert.ok(visible(confirmation.html ?? '').includes(c.estimate.split(': ')[1]!), 'and in the HTML');
      assert.ok(delivered.text.includes(c.delivered), `${c.locale} delivered-on in: ${delivered.text}`);
      assert.ok(visible(delivered.html ?? '').includes(c.delivered), 'and in the HTML');
      for (const wrong of c.foreign) {
        assert.ok(!confirmation.text.includes(wrong), `${c.locale} confirmation has no "${wrong}"`);
        assert.ok(!delivered.text.includes(wrong), `${c.locale} delivered mail has no "${wrong}"`);
      }
    });
  }

  test('a one-day promise reads as one date, not a range', async () => {
    const email = 'dates.api@example.com';
    const o = await placeOrder(h.t, s, {
      number: '#D-API',
      email,
      locale: 'pt-BR',
      currency: 'BRL',
      placedAt: '2026-12-20T10:00:00Z',
      lines: [{ sku: 'MUG', title: 'Caneca', quantity: 1, unitPrice: 4900 }],
    });
    await promise(o.id, '2026-12-23', '2026-12-23');
    await h.pump(new Date('2026-12-20T10:05:00Z'));
    const [mail] = mailsTo(h.mailbox, email);
    assert.ok(mail);
    assert.ok(mail.text.includes('Previsão de entrega: 23 de dezembro\n'), mail.text);
  });

  test('the delivered-on date is the day in the customer’s zone: 23:30 UTC on 5 December is 6 December in Stockholm', async () => {
    const email = 'dates.midnight@example.com';
    const o = await placeOrder(h.t, s, {
      number: '#D-MID',
      email,
      locale: 'sv',
      currency: 'SEK',
      placedAt: '2026-12-01T10:00:00Z',
    });
    await h.pump(new Date('2026-12-01T10:05:00Z'));
    await shipOrder(h.t, s, o.id, 'D-MID', 'delivered', { shippedAt: '2026-12-05T23:30:00Z' });
    await h.pump(new Date('2026-12-05T23:45:00Z'));
    const delivered = mailsTo(h.mailbox, email)[1];
    assert.ok(delivered, 'the delivered mail');
    assert.ok(delivered.text.includes('Levererad 6 december 2026'), delivered.text);
  });
});

describe('the sample context used for previews', () => {
  const expected: Record<string, { estimate: string; placed: string }> = {
    en: { estimate: 'December 3 – December 6', placed: 'December 1, 2026' },
    'pt-BR': { estimate: '3 de dezembro – 6 de dezembro', placed: '1 de dezembro de 2026' },
    es: { estimate: '3 de diciembre – 6 de diciembre', placed: '1 de diciembre de 2026' },
    sv: { estimate: '3 december – 6 december', placed: '1 december 2026' },
  };
  for (const [locale, e] of Object.entries(expected)) {
    test(`${locale}: the preview data formats its delivery estimate and placed-on date for ${locale}`, () => {
      const ctx = sampleContext(locale);
      assert.equal(ctx.order?.delivery_estimate, e.estimate);
      assert.equal(ctx.order?.placed_on, e.placed);
    });
  }
});
