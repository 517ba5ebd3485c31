import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  add,
  api,
  cancelOrder,
  createHarness,
  DAY,
  enablePresetApi,
  type Harness,
  HOUR,
  hrefsIn,
  linksIn,
  localTime,
  mailsTo,
  messagesOf,
  type OrderSpec,
  pathOf,
  payOrder,
  placeOrder,
  type Shop,
  shipOrder,
  tokenPayload,
} from '../../../test/messaging-fixtures.ts';
import { withTransaction } from '../../db/pool.ts';
import { upsertShipment } from '../shipments/index.ts';

/**
 * Every journey preset end to end, as a merchant switches it on and a customer lives it: orders come in over
 * the REST API, payment and shipments move them on, and the mails are checked as a real SMTP server received
 * them. Time is moved, not waited for: the pump dispatches events, runs due enrollments and delivers due
 * messages at the `now` it is given.
 */

const ZONE = 'America/Sao_Paulo'; // no daylight saving time: local hours stay put when days are added

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

let shopCount = 0;
async function shop(over: Record<string, unknown> = {}): Promise<Shop & { name: string }> {
  shopCount++;
  const name = `Lumen ${shopCount}`;
  const created = await createTestMerchant(h.t, {
    name,
    locale: 'en',
    currency: 'USD',
    timezone: ZONE,
    ...over,
  });
  return { ...created, name };
}

const enrollmentsOf = (orderId: string) =>
  h.t.database.db.selectFrom('journey_enrollments').selectAll().where('order_id', '=', orderId).execute();

/** A customer in each supported language, each paying in a currency formatted the local way. */
const LOCALES = [
  { locale: 'en', currency: 'USD', total: '$1,234.56' },
  { locale: 'pt-BR', currency: 'BRL', total: 'R$\u00a01.234,56' },
  { locale: 'es', currency: 'EUR', total: '1234,56\u00a0€' },
  { locale: 'sv', currency: 'SEK', total: '1\u00a0234,56\u00a0kr' },
] as const;

const SUBJECTS: Record<string, Record<string, (n: string, shop: string) => string>> = {
  en: {
    order_confirmation: (n) => `Thank you for your order ${n}`,
    payment_confirmed: (n) => `Payment received for order ${n}`,
    order_shipped: (n) => `Your order ${n} is on its way`,
    delivered: (n) => `Your order ${n} has arrived`,
    product_survey: () => 'How do you like your purchase?',
  },
  'pt-BR': {
    order_confirmation: (n) => `Recebemos seu pedido ${n}. Obrigado!`,
    payment_confirmed: (n) => `Pagamento aprovado: pedido ${n}`,
    order_shipped: (n) => `Seu pedido ${n} está a caminho!`,
    delivered: (n) => `Seu pedido ${n} foi entregue`,
    product_survey: () => 'O que você achou da sua compra?',
  },
  es: {
    order_confirmation: (n) => `Gracias por tu pedido ${n}`,
    payment_confirmed: (n) => `Hemos recibido el pago de tu pedido ${n}`,
    order_shipped: (n) => `Tu pedido ${n} ya está en camino`,
    delivered: (n) => `Tu pedido ${n} ya ha llegado`,
    product_survey: () => '¿Qué te parece tu compra?',
  },
  sv: {
    order_confirmation: (n) => `Tack för din beställning ${n}`,
    payment_confirmed: (n) => `Vi har tagit emot betalningen för beställning ${n}`,
    order_shipped: (n) => `Din beställning ${n} är på väg`,
    delivered: (n) => `Din beställning ${n} har levererats`,
    product_survey: () => 'Vad tycker du om ditt köp?',
  },
};

/** Every mail is a proper multipart message: a rendered HTML part and a readable text part. */
function assertBothParts(mail: { html: string | null; text: string; subject: string }) {
  assert.ok(mail.html && /<html/i.test(mail.html), `an HTML part: ${mail.subject}`);
  assert.ok(mail.text.trim().length > 40, `a text part: ${mail.subject}`);
  assert.doesNotMatch(mail.text, /<\/?[a-z][^>]*>/i, 'the text part is not HTML');
}

describe('five_step_expectations', () => {
  test('confirmation, payment, shipped, delivered — each in the order language and money format — then the product survey a week later, outside quiet hours', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'five_step_expectations');
    const t0 = localTime(ZONE, 10);
    type Placed = Awaited<ReturnType<typeof placeOrder>>;
    const orders: Array<Placed & { email: string; currency: string; total: string }> = [];
    for (const l of LOCALES) {
      const email = `five.${l.locale.toLowerCase()}@example.com`;
      const o = await placeOrder(h.t, s, {
        number: `#5-${l.locale}`,
        email,
        locale: l.locale,
        currency: l.currency,
        firstName: 'Ana',
        acceptsMarketing: true,
        unitPrice: 123456,
      });
      assert.equal(o.locale, l.locale);
      orders.push({ ...l, ...o, email });
    }

    const expectMails = (o: (typeof orders)[number], keys: string[]) => {
      const mails = mailsTo(h.mailbox, o.email);
      assert.deepEqual(
        mails.map((m) => m.subject),
        keys.map((k) => SUBJECTS[o.locale]![k]!(o.number, s.name)),
        `${o.locale}: the mails so far, localized, in order`,
      );
      for (const m of mails) assertBothParts(m);
      return mails;
    };

    await h.pump(t0);
    for (const o of orders) {
      const [confirmation] = expectMails(o, ['order_confirmation']);
      // The confirmation itemises the order with money formatted for the reader.
      assert.ok(
        confirmation!.text.includes(o.total),
        `${o.locale} text shows ${o.total}: ${confirmation!.text}`,
      );
      assert.ok(confirmation!.html!.includes(o.total), `${o.locale} HTML shows ${o.total}`);
      assert.ok(confirmation!.text.includes('Ceramic vase'));
    }
    // Nothing else goes out before payment. (Events are dispatched close to when they happened, as the
    // worker does: the clock moves far ahead only across waits.)
    await h.pump(add(t0, 3 * HOUR));
    for (const o of orders) expectMails(o, ['order_confirmation']);

    for (const o of orders) await payOrder(h.t, s, o.id);
    await h.pump(add(t0, 4 * HOUR));
    for (const o of orders) {
      const mails = expectMails(o, ['order_confirmation', 'payment_confirmed']);
      assert.ok(mails[1]!.text.includes(o.total), `${o.locale}: the amount paid is shown`);
    }

    for (const o of orders) await shipOrder(h.t, s, o.id, `P-${o.locale}`, 'in_transit');
    await h.pump(add(t0, 5 * HOUR));
    for (const o of orders) {
      const shipped = expectMails(o, ['order_confirmation', 'payment_confirmed', 'order_shipped'])[2]!;
      assert.ok(shipped.text.includes(`TRK-P-${o.locale}`), 'the tracking number is in the shipped mail');
      assert.ok(
        linksIn(shipped.text).some((l) => l.startsWith('http://shop.test/t/')),
        'with a link to the tracking page',
      );
    }

    // Delivered late in the evening: the delivery news is transactional and goes at once...
    const delivered = localTime(ZONE, 23, 0, 0, t0);
    for (const o of orders) await shipOrder(h.t, s, o.id, `P-${o.locale}`, 'delivered');
    await h.pump(delivered);
    for (const o of orders)
      expectMails(o, ['order_confirmation', 'payment_confirmed', 'order_shipped', 'delivered']);

    // ...the survey waits a week,
    await h.pump(add(delivered, 6 * DAY + 23 * HOUR));
    for (const o of orders)
      expectMails(o, ['order_confirmation', 'payment_confirmed', 'order_shipped', 'delivered']);
    // and when the week is up at 23:00 it still waits for the morning.
    await h.pump(add(delivered, 7 * DAY));
    await h.pump(add(delivered, 7 * DAY + 8 * HOUR + 59 * 60_000));
    for (const o of orders)
      expectMails(o, ['order_confirmation', 'payment_confirmed', 'order_shipped', 'delivered']);

    await h.pump(add(delivered, 7 * DAY + 9 * HOUR)); // 08:00 local
    for (const o of orders) {
      const all = ['order_confirmation', 'payment_confirmed', 'order_shipped', 'delivered', 'product_survey'];
      const survey = expectMails(o, all)[4]!;
      const answers = linksIn(survey.text).filter((l) => l.startsWith('http://shop.test/s/'));
      assert.deepEqual(
        answers.map((l) => new URL(l).searchParams.get('score')),
        ['1', '2', '3', '4', '5'],
        'five one-click answers',
      );
      const rows = await messagesOf(h.t, { orderId: o.id });
      assert.deepEqual(
        rows.map((r) => [r.template_key, r.status, r.locale]),
        all.map((k) => [k, 'sent', o.locale]),
      );
    }
    // And it is over: nothing more, however long we wait.
    await h.pump(add(delivered, 60 * DAY));
    for (const o of orders) assert.equal(mailsTo(h.mailbox, o.email).length, 5);
  });

  test('cancelling the order ends the journey: no further mails', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'five_step_expectations');
    const t0 = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, { number: '#5-X', email: 'five.cancel@example.com' });
    await h.pump(t0);
    await payOrder(h.t, s, o.id);
    await h.pump(add(t0, HOUR));
    assert.equal(mailsTo(h.mailbox, 'five.cancel@example.com').length, 2);

    await cancelOrder(h.t, s, o.id);
    await h.pump(add(t0, 2 * HOUR));
    const [e] = await enrollmentsOf(o.id);
    assert.equal(e?.status, 'exited');
    assert.equal(e?.exit_reason, 'order.cancelled');
    await h.pump(add(t0, 30 * DAY));
    assert.deepEqual(
      mailsTo(h.mailbox, 'five.cancel@example.com').map((m) => m.subject),
      ['Thank you for your order #5-X', 'Payment received for order #5-X'],
    );
  });
  test('opening a return ends the journey: no product survey for an order on its way back', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'five_step_expectations');
    const t0 = new Date();
    const o = await placeOrder(h.t, s, { number: '#5-R', email: 'five.return@example.com' });
    await h.pump(t0);
    await payOrder(h.t, s, o.id);
    await h.pump(t0);
    await shipOrder(h.t, s, o.id, 'R-1', 'in_transit');
    await h.pump(t0);
    await shipOrder(h.t, s, o.id, 'R-1', 'delivered');
    await h.pump(t0);
    assert.equal(mailsTo(h.mailbox, 'five.return@example.com').length, 4);

    const view = (await api(h.t, s, 'GET', `/api/v1/orders/${o.id}`)).json();
    const opened = await api(h.t, s, 'POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [{ orderLineId: view.lines[0].id, quantity: 1, reason: 'damaged' }],
    });
    assert.equal(opened.statusCode, 201, opened.body);
    await h.pump(add(t0, HOUR));
    const [e] = (await enrollmentsOf(o.id)).filter((x) => x.status !== 'active' || x.exit_reason);
    assert.equal(e?.status, 'exited');
    assert.match(e?.exit_reason ?? '', /^return\.(requested|needs_review)$/);
    await h.pump(add(t0, 30 * DAY));
    assert.ok(
      !mailsTo(h.mailbox, 'five.return@example.com').some((m) =>
        /think|thought|achou/i.test(m.subject ?? ''),
      ),
      'no product survey',
    );
    const rows = await messagesOf(h.t, { orderId: o.id });
    assert.ok(!rows.some((r) => r.template_key === 'product_survey'), 'no survey message row at all');
  });
});

describe('four_transactional', () => {
  test('purchase, payment, shipped and delivered, with shipments reported through upsertShipment; no marketing after', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'four_transactional');
    const t0 = localTime(ZONE, 9);
    const email = 'four.tx@example.com';
    // No marketing consent: transactional mails need none.
    const o = await placeOrder(h.t, s, { number: '#4-1', email, acceptsMarketing: false });
    await h.pump(t0);
    await payOrder(h.t, s, o.id);
    await h.pump(add(t0, HOUR));

    const report = (status: 'in_transit' | 'delivered') =>
      withTransaction(h.t.database.db, (tx) =>
        upsertShipment({
          tx,
          merchantId: s.id,
          source: 'carrier-feed',
          data: {
            orderId: o.id,
            externalId: 'PARCEL-4',
            carrier: 'UPS',
            service: null,
            trackingNumber: '1Z999AA10123456784',
            trackingUrl: null,
            status,
            lines: [],
            shippedAt: new Date(),
            sourceUpdatedAt: null,
          },
        }),
      );
    assert.equal((await report('in_transit')).outcome, 'created');
    await h.pump(add(t0, 2 * HOUR));
    assert.equal((await report('delivered')).outcome, 'updated');
    await h.pump(add(t0, 3 * HOUR));
    await h.pump(add(t0, 30 * DAY));

    const mails = mailsTo(h.mailbox, email);
    assert.deepEqual(
      mails.map((m) => m.subject),
      [
        'Thank you for your order #4-1',
        'Payment received for order #4-1',
        'Your order #4-1 is on its way',
        'Your order #4-1 has arrived',
      ],
    );
    for (const m of mails) assertBothParts(m);
    assert.ok(mails[2]!.text.includes('1Z999AA10123456784'), 'the carrier tracking number is shown');
    const [e] = await enrollmentsOf(o.id);
    assert.equal(e?.status, 'completed');
  });
});

describe('thermometer_and_care', () => {
  /** Filled by the first test, used by the ones that click. */
  const thermo: {
    shop?: Shop & { name: string };
    unhappy?: { id: string; links: string[]; html: string };
    happy?: { id: string; links: string[] };
  } = {};

  test('an hour after purchase, a thermometer with five one-click links; care tips from the catalogue 3 days after delivery', async () => {
    const s = await shop();
    thermo.shop = s;
    const product = await api(h.t, s, 'POST', '/api/v1/products', {
      externalId: 'LINEN-SHEET',
      title: 'Linen sheet',
      careTips: 'Wash at 40 °C.\nDry flat, away from direct sun.',
    });
    assert.ok(product.statusCode === 201 || product.statusCode === 200, product.body);
    await enablePresetApi(h.t, s, 'thermometer_and_care');
    const t0 = localTime(ZONE, 10);
    const line = [
      { productExternalId: 'LINEN-SHEET', sku: 'LS-1', title: 'Linen sheet', quantity: 1, unitPrice: 5900 },
    ];
    const unhappy = await placeOrder(h.t, s, {
      number: '#T-1',
      email: 'thermo.unhappy@example.com',
      acceptsMarketing: true,
      lines: line,
    });
    const happy = await placeOrder(h.t, s, {
      number: '#T-2',
      email: 'thermo.happy@example.com',
      acceptsMarketing: true,
      lines: line,
    });
    await h.pump(t0);
    await h.pump(add(t0, 59 * 60_000));
    assert.equal(mailsTo(h.mailbox, 'thermo.unhappy@example.com').length, 0, 'not before the hour is up');
    await h.pump(add(t0, HOUR));

    const answerLinks = (address: string) => {
      const mails = mailsTo(h.mailbox, address);
      assert.equal(mails.length, 1, `one thermometer mail to ${address}`);
      const mail = mails[0]!;
      assert.equal(mail.subject, `How was buying from ${s.name}?`);
      assertBothParts(mail);
      const links = linksIn(mail.text).filter((l) => l.startsWith('http://shop.test/s/'));
      assert.equal(links.length, 5, 'five one-click links');
      assert.deepEqual(
        links.map((l) => new URL(l).searchParams.get('score')),
        ['1', '2', '3', '4', '5'],
      );
      assert.equal(new Set(links.map((l) => new URL(l).pathname)).size, 1, 'all five answer one survey');
      // In the HTML the same five answers are buttons, through click tracking, pointing at the same links.
      const buttons = hrefsIn(mail.html!)
        .filter((l) => l.startsWith('http://shop.test/c/'))
        .map((l) => tokenPayload(l).u);
      assert.deepEqual(
        buttons.filter((u) => String(u).includes('/s/')),
        links,
        'five buttons in the HTML',
      );
      return { mail, links };
    };
    const u = answerLinks('thermo.unhappy@example.com');
    const hp = answerLinks('thermo.happy@example.com');
    assert.notEqual(new URL(u.links[0]!).pathname, new URL(hp.links[0]!).pathname, 'a survey per order');
    thermo.unhappy = { id: unhappy.id, links: u.links, html: u.mail.html! };
    thermo.happy = { id: happy.id, links: hp.links };

    // Delivery, then the care tips three days later, from the catalogue.
    const delivered = add(t0, 2 * HOUR);
    await shipOrder(h.t, s, unhappy.id, 'TH-1', 'delivered');
    await h.pump(delivered);
    await h.pump(add(delivered, 3 * DAY - 60_000));
    assert.equal(mailsTo(h.mailbox, 'thermo.unhappy@example.com').length, 1, 'no care tips before 3 days');
    await h.pump(add(delivered, 3 * DAY));
    const mails = mailsTo(h.mailbox, 'thermo.unhappy@example.com');
    assert.equal(mails.length, 2);
    const care = mails[1]!;
    assert.equal(care.subject, 'Make it last: care tips for your purchase');
    assertBothParts(care);
    assert.ok(care.text.includes('Linen sheet'));
    assert.ok(care.text.includes('Wash at 40 °C.'), care.text);
    assert.ok(care.html!.includes('Dry flat, away from direct sun.'));
    // The order that was never delivered gets no care tips.
    await h.pump(add(delivered, 30 * DAY));
    assert.equal(mailsTo(h.mailbox, 'thermo.happy@example.com').length, 1);
  });

  test('answering 2 with one click records it and opens exactly one follow-up task; 5 opens none', {}, async () => {
    assert.ok(thermo.unhappy && thermo.happy, 'the thermometer mails of the previous test');
    const tasks = (orderId: string) =>
      h.t.database.db.selectFrom('tasks').selectAll().where('order_id', '=', orderId).execute();

    const two = await h.t.app.inject({ url: pathOf(thermo.unhappy.links[1]!) });
    assert.equal(two.statusCode, 200, two.body);
    assert.match(String(two.headers['content-type']), /text\/html/);
    const survey = await h.t.database.db
      .selectFrom('surveys')
      .selectAll()
      .where('order_id', '=', thermo.unhappy.id)
      .executeTakeFirstOrThrow();
    assert.equal(survey.score, 2);
    assert.ok(survey.answered_at);
    let open = await tasks(thermo.unhappy.id);
    assert.equal(open.length, 1, 'a score of 2 opens a task');
    assert.equal(open[0]!.status, 'open');
    assert.equal(open[0]!.kind, 'negative_feedback');
    // Clicking again (or a mail scanner following the links) does not open a second one.
    await h.t.app.inject({ url: pathOf(thermo.unhappy.links[1]!) });
    await h.t.app.inject({ url: pathOf(thermo.unhappy.links[0]!) });
    open = await tasks(thermo.unhappy.id);
    assert.equal(open.length, 1, 'still exactly one task');

    const five = await h.t.app.inject({ url: pathOf(thermo.happy.links[4]!) });
    assert.equal(five.statusCode, 200);
    const happySurvey = await h.t.database.db
      .selectFrom('surveys')
      .select('score')
      .where('order_id', '=', thermo.happy.id)
      .executeTakeFirstOrThrow();
    assert.equal(happySurvey.score, 5);
    assert.equal((await tasks(thermo.happy.id)).length, 0, 'a 5 opens no task');
  });

  test('the emoji buttons in the HTML (tracked) land on the one-click answers', {}, async () => {
    assert.ok(thermo.unhappy);
    const tracked = hrefsIn(thermo.unhappy.html).filter((l) => l.startsWith('http://shop.test/c/'));
    const landings = [];
    for (const l of tracked) {
      const res = await h.t.app.inject({ url: pathOf(l) });
      assert.equal(res.statusCode, 302, res.body);
      landings.push(String(res.headers.location));
    }
    assert.deepEqual(
      landings.filter((l) => l.includes('/s/')),
      thermo.unhappy.links,
    );
  });
  test('cancelled within the hour: no thermometer, the journey exits', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'thermometer_and_care');
    const t0 = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, { number: '#T-X', email: 'thermo.cancel@example.com' });
    await h.pump(t0);
    await cancelOrder(h.t, s, o.id);
    await h.pump(add(t0, 10 * 60_000));
    await h.pump(add(t0, 2 * HOUR));
    assert.equal(mailsTo(h.mailbox, 'thermo.cancel@example.com').length, 0);
    const [e] = await enrollmentsOf(o.id);
    assert.equal(e?.status, 'exited');
    assert.equal(
      await h.t.database.db
        .selectFrom('surveys')
        .select('id')
        .where('order_id', '=', o.id)
        .executeTakeFirst(),
      undefined,
      'no survey was created',
    );
  });
});

describe('thank_you_voucher', () => {
  test('a day after delivery each order gets its own unique, single-use code, valid for about 60 days', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'thank_you_voucher');
    const t0 = localTime(ZONE, 10);
    const specs: OrderSpec[] = [
      {
        number: '#V-1',
        email: 'voucher.one@example.com',
        acceptsMarketing: true,
        locale: 'pt-BR',
        currency: 'BRL',
      },
      { number: '#V-2', email: 'voucher.two@example.com', acceptsMarketing: true },
    ];
    const orders: Array<Awaited<ReturnType<typeof placeOrder>> & { email: string }> = [];
    for (const spec of specs) {
      const o = await placeOrder(h.t, s, spec);
      await shipOrder(h.t, s, o.id, `V-${o.number}`, 'delivered');
      orders.push({ ...o, email: spec.email });
    }
    await h.pump(t0);
    await h.pump(add(t0, DAY - 60_000));
    for (const o of orders)
      assert.equal(mailsTo(h.mailbox, o.email).length, 0, 'not before a day has passed');
    const sendAt = add(t0, DAY);
    await h.pump(sendAt);

    const codes: string[] = [];
    for (const o of orders) {
      const mails = mailsTo(h.mailbox, o.email);
      assert.equal(mails.length, 1);
      const mail = mails[0]!;
      assertBothParts(mail);
      assert.equal(
        mail.subject,
        o.locale === 'pt-BR' ? `Um presente de ${s.name} para você` : `A thank-you gift from ${s.name}`,
      );
      const code = /THANKS-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(mail.text)?.[0];
      assert.ok(code, `a code in the text part: ${mail.text}`);
      assert.ok(mail.html!.includes(code), 'and in the HTML part');
      codes.push(code);
      const v = await h.t.database.db
        .selectFrom('vouchers')
        .selectAll()
        .where('merchant_id', '=', s.id)
        .where('code', '=', code)
        .executeTakeFirst();
      assert.ok(v, 'the code in the mail exists as a voucher');
      assert.equal(v.order_id, o.id);
      assert.equal(v.customer_id, o.customerId);
      assert.equal(v.single_use, true);
      assert.equal(v.redeemed_at, null);
      assert.equal(v.percent_off, 10);
      assert.ok(v.expires_at, 'it expires');
      const days = (v.expires_at.getTime() - sendAt.getTime()) / DAY;
      assert.ok(Math.abs(days - 60) < 0.01, `expires 60 days out, not ${days}`);
    }
    assert.notEqual(codes[0], codes[1], 'two orders, two different codes');
    assert.match(
      mailsTo(h.mailbox, 'voucher.one@example.com')[0]!.text,
      /10 % de desconto na sua próxima compra/,
    );
    assert.match(mailsTo(h.mailbox, 'voucher.two@example.com')[0]!.text, /10 % off your next order/);

    // Later runs issue nothing new.
    await h.pump(add(sendAt, 10 * DAY));
    const all = await h.t.database.db
      .selectFrom('vouchers')
      .select('code')
      .where('merchant_id', '=', s.id)
      .execute();
    assert.deepEqual(all.map((v) => v.code).sort(), [...codes].sort());
  });
});

describe('campaign_thank_you', () => {
  test('only orders with the campaign tag get the thank-you, two hours after ordering', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'campaign_thank_you', {
      campaignTag: 'black-friday',
      campaignName: 'Black Friday',
    });
    const t0 = localTime(ZONE, 10);
    const tagged = await placeOrder(h.t, s, {
      number: '#BF-1',
      email: 'bf.tagged@example.com',
      acceptsMarketing: true,
      campaignTags: ['black-friday'],
    });
    await placeOrder(h.t, s, {
      number: '#BF-2',
      email: 'bf.untagged@example.com',
      acceptsMarketing: true,
      campaignTags: ['spring-sale'],
    });
    await h.pump(t0);
    await h.pump(add(t0, 2 * HOUR - 60_000));
    assert.equal(mailsTo(h.mailbox, 'bf.tagged@example.com').length, 0);
    await h.pump(add(t0, 2 * HOUR));
    const [mail] = mailsTo(h.mailbox, 'bf.tagged@example.com');
    assert.ok(mail);
    assert.equal(mail.subject, `Thank you from all of us at ${s.name}`);
    assert.ok(mail.text.includes('Thank you for shopping with us this Black Friday'), mail.text);
    assert.ok(mail.text.includes(tagged.number));
    assertBothParts(mail);
    await h.pump(add(t0, 10 * DAY));
    assert.equal(mailsTo(h.mailbox, 'bf.untagged@example.com').length, 0, 'no tag, no thank-you');
    assert.equal(mailsTo(h.mailbox, 'bf.tagged@example.com').length, 1);
  });

  test('with a date window, only orders placed inside it get the thank-you', async () => {
    const s = await shop();
    // A campaign that ran from 10 hours ago until 2 hours ago (recent orders: this is news, not history).
    const base = new Date();
    await enablePresetApi(h.t, s, 'campaign_thank_you', {
      campaignName: 'Cyber Week',
      from: add(base, -10 * HOUR).toISOString(),
      to: add(base, -2 * HOUR).toISOString(),
    });
    const t0 = localTime(ZONE, 10);
    const cases = [
      ['window.before@example.com', add(base, -10 * HOUR - 60_000), false],
      ['window.first@example.com', add(base, -10 * HOUR + 60_000), true],
      ['window.last@example.com', add(base, -2 * HOUR - 60_000), true],
      ['window.after@example.com', add(base, -2 * HOUR + 60_000), false],
    ] as const;
    for (const [email, placedAt] of cases)
      await placeOrder(h.t, s, {
        number: `#W-${email.split('.')[1]}`,
        email,
        placedAt: placedAt.toISOString(),
        acceptsMarketing: true,
      });
    await h.pump(t0);
    await h.pump(add(t0, 3 * HOUR));
    for (const [email, , expected] of cases) {
      const mails = mailsTo(h.mailbox, email);
      assert.equal(mails.length, expected ? 1 : 0, `${email}: ${expected ? 'in' : 'outside'} the window`);
      if (expected) assert.ok(mails[0]!.text.includes('Cyber Week'));
    }
  });

  test('a window given in the shop’s own offset (-03:00) is compared as instants, not as text', {}, async () => {
    const s = await shop();
    const base = new Date();
    const inSaoPaulo = (d: Date) =>
      DateTime.fromJSDate(d, { zone: 'UTC-3' }).toISO({ suppressMilliseconds: true })!;
    const from = add(base, -10 * HOUR);
    const to = add(base, -2 * HOUR);
    await enablePresetApi(h.t, s, 'campaign_thank_you', {
      campaignName: 'Black Friday',
      from: inSaoPaulo(from),
      to: inSaoPaulo(to),
    });
    const t0 = localTime(ZONE, 10);
    // An hour before the window opens, and an hour before it closes (inside).
    await placeOrder(h.t, s, {
      number: '#O-1',
      email: 'offset.before@example.com',
      placedAt: add(from, -HOUR).toISOString(),
      acceptsMarketing: true,
    });
    await placeOrder(h.t, s, {
      number: '#O-2',
      email: 'offset.inside@example.com',
      placedAt: add(to, -HOUR).toISOString(),
      acceptsMarketing: true,
    });
    await h.pump(t0);
    await h.pump(add(t0, 3 * HOUR));
    assert.equal(mailsTo(h.mailbox, 'offset.before@example.com').length, 0, 'placed before the window');
    assert.equal(mailsTo(h.mailbox, 'offset.inside@example.com').length, 1, 'placed inside the window');
  });

  test('cancelled before the thank-you goes out: none is sent', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'campaign_thank_you', { campaignTag: 'bf' });
    const t0 = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, {
      number: '#BF-X',
      email: 'bf.cancel@example.com',
      acceptsMarketing: true,
      campaignTags: ['bf'],
    });
    await h.pump(t0);
    await cancelOrder(h.t, s, o.id);
    await h.pump(add(t0, HOUR));
    await h.pump(add(t0, 5 * HOUR));
    assert.equal(mailsTo(h.mailbox, 'bf.cancel@example.com').length, 0);
    assert.equal((await enrollmentsOf(o.id))[0]?.exit_reason, 'order.cancelled');
  });
});

describe('delivery_day', () => {
  test('when the parcel goes out for delivery the customer gets "arriving today" with the tracking link', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'delivery_day');
    const t0 = localTime(ZONE, 8);
    const o = await placeOrder(h.t, s, {
      number: '#D-1',
      email: 'dday@example.com',
      locale: 'es',
      currency: 'EUR',
    });
    await shipOrder(h.t, s, o.id, 'D-1', 'in_transit');
    await h.pump(t0);
    assert.equal(mailsTo(h.mailbox, 'dday@example.com').length, 0, 'in transit is not delivery day');
    await shipOrder(h.t, s, o.id, 'D-1', 'out_for_delivery');
    await h.pump(add(t0, HOUR));
    const mails = mailsTo(h.mailbox, 'dday@example.com');
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['Llega hoy: tu pedido #D-1'],
    );
    assertBothParts(mails[0]!);
    const tracking = linksIn(mails[0]!.text).filter((l) => l.startsWith('http://shop.test/t/'));
    assert.equal(tracking.length, 1, 'the tracking link is in the text part');
    // In the HTML it is a button through click tracking, pointing at the same page.
    const buttons = hrefsIn(mails[0]!.html!)
      .filter((l) => l.startsWith('http://shop.test/c/'))
      .map((l) => tokenPayload(l).u);
    assert.ok(buttons.includes(tracking[0]), `a tracked button to ${tracking[0]}`);
  });

  test('the "arriving today" mail greets the customer by name and its preference link works', {}, async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'delivery_day');
    const t0 = localTime(ZONE, 8);
    const o = await placeOrder(h.t, s, {
      number: '#D-2',
      email: 'dday.name@example.com',
      firstName: 'Lucía',
    });
    await shipOrder(h.t, s, o.id, 'D-2', 'out_for_delivery');
    await h.pump(t0);
    const [mail] = mailsTo(h.mailbox, 'dday.name@example.com');
    assert.ok(mail);
    assert.match(mail.text, /Hi Lucía,/);
    const [row] = await messagesOf(h.t, { orderId: o.id });
    assert.equal(row?.customer_id, o.customerId);
    const prefs = linksIn(mail.text).find((l) => l.startsWith('http://shop.test/p/'));
    assert.ok(prefs);
    assert.equal((await h.t.app.inject({ url: pathOf(prefs) })).statusCode, 200);
  });
});

describe('delivery_problems', () => {
  test('a failed delivery attempt reported by the carrier feed (upsertShipment) sends an apology with next steps', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'delivery_problems');
    const t0 = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, {
      number: '#P-1',
      email: 'problem@example.com',
      locale: 'sv',
      currency: 'SEK',
    });
    await shipOrder(h.t, s, o.id, 'PRB-1', 'in_transit');
    await h.pump(t0);
    assert.equal(mailsTo(h.mailbox, 'problem@example.com').length, 0, 'all is well so far');

    const result = await withTransaction(h.t.database.db, (tx) =>
      upsertShipment({
        tx,
        merchantId: s.id,
        source: 'api',
        data: {
          orderId: o.id,
          externalId: 'PRB-1',
          carrier: null,
          service: null,
          trackingNumber: null,
          trackingUrl: null,
          status: 'attempt_fail',
          lines: [],
          shippedAt: new Date(),
          sourceUpdatedAt: null,
        },
      }),
    );
    assert.equal(result.outcome, 'updated');
    await h.pump(add(t0, HOUR));
    const mails = mailsTo(h.mailbox, 'problem@example.com');
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['Vi ber om ursäkt: en uppdatering om beställning #P-1'],
    );
    assertBothParts(mails[0]!);
    assert.ok(
      mails[0]!.text.includes('Fraktbolaget försökte leverera ditt paket'),
      `the failed attempt is explained: ${mails[0]!.text}`,
    );
    assert.ok(mails[0]!.text.includes('TRK-PRB-1'), 'with the tracking number');
  });

  test('an exception reported over the REST API sends the problem mail', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'delivery_problems');
    const t0 = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, { number: '#P-2', email: 'problem.two@example.com' });
    await shipOrder(h.t, s, o.id, 'PRB-2', 'in_transit');
    await shipOrder(h.t, s, o.id, 'PRB-2', 'exception');
    await h.pump(t0);
    const mails = mailsTo(h.mailbox, 'problem.two@example.com');
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, "We're sorry: an update on your order #P-2");
    assert.ok(mails[0]!.text.includes('reported a problem'), mails[0]!.text);
  });
});
