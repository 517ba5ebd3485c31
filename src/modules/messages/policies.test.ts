import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  add,
  api,
  createHarness,
  createJourneyApi,
  DAY,
  enablePresetApi,
  fakeTwilio,
  type Harness,
  HOUR,
  hrefsIn,
  linksIn,
  listUnsubscribe,
  localTime,
  mailsTo,
  messagesOf,
  pathOf,
  payOrder,
  placeOrder,
  type Shop,
  shipOrder,
  tokenPayload,
  waitFor,
} from '../../../test/messaging-fixtures.ts';
import { withTransaction } from '../../db/pool.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import { startWorker, type WorkerHandle } from '../../jobs/worker.ts';
import { silentLogger } from '../../lib/logger.ts';
import { allTasks } from '../../tasks.ts';
import { dispatchEvent } from '../journeys/engine.ts';
import { deliverMessage } from './deliver-message.ts';
import { queueMessage } from './queue-message.ts';
import { recordReceipt } from './record-receipt.ts';

/**
 * The restraint around every message, as a customer and a merchant notice it: nothing twice, no marketing
 * without consent or past the cap, nothing at night, no stale or overtaken news, no mail to dead addresses,
 * and the links in messages (unsubscribe, preferences, tracked clicks) doing what they promise.
 */

const ZONE = 'America/Sao_Paulo';
const SMS = {
  SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  SMS_AUTH_TOKEN: 'policies-twilio-token',
  SMS_FROM: '+14155550100',
};

let h: Harness;
let twilio: Awaited<ReturnType<typeof fakeTwilio>>;
before(async () => {
  twilio = await fakeTwilio();
  h = await createHarness({ ...SMS, SMS_API_URL: twilio.url }, { sms: true });
});
after(async () => {
  await h.close();
  await twilio.close();
});

let n = 0;
async function shop(): Promise<Shop & { name: string }> {
  n++;
  const name = `Policy Shop ${n}`;
  return {
    ...(await createTestMerchant(h.t, { name, timezone: ZONE, locale: 'en', currency: 'USD' })),
    name,
  };
}

const marketingOnPlaced = (s: Shop) =>
  createJourneyApi(h.t, s, 'Thank-you', {
    trigger: { event: 'order.placed' },
    steps: [{ type: 'send', template: 'campaign_thank_you', channel: 'email', campaign: 'Spring' }],
  });
const confirmationOnPlaced = (s: Shop) =>
  createJourneyApi(h.t, s, 'Confirmation', {
    trigger: { event: 'order.placed' },
    steps: [{ type: 'send', template: 'order_confirmation', channel: 'email' }],
  });

const eventsOf = async (subjectOrOrderId: string, type: string) => {
  const { rows } = await sql<{ id: string; merchant_id: string }>`
    SELECT id, merchant_id FROM events WHERE type = ${type}
      AND (subject_id = ${subjectOrOrderId} OR payload->>'orderId' = ${subjectOrOrderId}) ORDER BY seq`.execute(
    h.t.database.db,
  );
  return rows;
};

describe('the same thing twice is one message', () => {
  test('an event dispatched twice (one after the other, or at once) and a delivery run twice send one mail', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'four_transactional');
    const now = localTime(ZONE, 10);
    const a = await placeOrder(h.t, s, { number: '#I-1', email: 'twice.a@example.com' });
    const b = await placeOrder(h.t, s, { number: '#I-2', email: 'twice.b@example.com' });
    const [ea] = await eventsOf(a.id, 'order.placed');
    const [eb] = await eventsOf(b.id, 'order.placed');
    assert.ok(ea && eb);
    const dispatch = (eventId: string) =>
      dispatchEvent({ db: h.t.database.db, config: h.t.config, merchantId: s.id, eventId, now });
    await dispatch(ea.id);
    await dispatch(ea.id);
    await Promise.all([dispatch(eb.id), dispatch(eb.id)]);

    for (const o of [a, b]) {
      const rows = await messagesOf(h.t, { orderId: o.id });
      assert.deepEqual(
        rows.map((r) => [r.template_key, r.status]),
        [['order_confirmation', 'queued']],
        'one message row',
      );
    }
    const [row] = await messagesOf(h.t, { orderId: a.id });
    const deliver = () =>
      deliverMessage({
        db: h.t.database.db,
        config: h.t.config,
        channels: h.channels,
        logger: silentLogger,
        merchantId: s.id,
        messageId: row!.id,
      });
    assert.equal(await deliver(), 'sent');
    assert.equal(await deliver(), 'skipped', 'a second run of the job sends nothing');
    // And the pump (the worker's own dispatch of the same events) adds nothing either.
    await h.pump(now);
    await h.pump(add(now, HOUR));
    assert.equal(mailsTo(h.mailbox, 'twice.a@example.com').length, 1);
    assert.equal(mailsTo(h.mailbox, 'twice.b@example.com').length, 1);
    const sent = await messagesOf(h.t, { orderId: a.id });
    assert.equal(sent[0]!.status, 'sent');
    assert.equal(sent[0]!.attempts, 1);
  });
});

describe('marketing consent', () => {
  const state: { unsubscribeUrl?: string; preferencesUrl?: string; customerId?: string; shop?: Shop } = {};

  test('without consent a marketing message is recorded as suppressed, with the reason, and not sent', async () => {
    const s = await shop();
    await marketingOnPlaced(s);
    const now = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, {
      number: '#C-1',
      email: 'no.consent@example.com',
      acceptsMarketing: false,
    });
    await h.pump(now);
    assert.equal(mailsTo(h.mailbox, 'no.consent@example.com').length, 0);
    const res = await api(h.t, s, 'GET', `/api/v1/messages?orderId=${o.id}`);
    assert.equal(res.statusCode, 200);
    const [m] = res.json().data;
    assert.equal(m.templateKey, 'campaign_thank_you');
    assert.equal(m.status, 'suppressed');
    assert.equal(m.statusReason, 'no marketing consent');
  });

  test('with consent it is sent, with List-Unsubscribe and List-Unsubscribe-Post: List-Unsubscribe=One-Click; transactional mail has neither', async () => {
    const s = await shop();
    state.shop = s;
    await marketingOnPlaced(s);
    await confirmationOnPlaced(s);
    const now = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, {
      number: '#C-2',
      email: 'consent@example.com',
      acceptsMarketing: true,
    });
    state.customerId = o.customerId;
    await h.pump(now);
    const mails = mailsTo(h.mailbox, 'consent@example.com');
    assert.equal(mails.length, 2);
    const marketing = mails.find((m) => m.subject.startsWith('Thank you from all of us'));
    const confirmation = mails.find((m) => m.subject.startsWith('Thank you for your order'));
    assert.ok(marketing && confirmation);
    const list = listUnsubscribe(marketing);
    assert.match(list.url ?? '', /^http:\/\/shop\.test\/u\/[\w-]+\.[\w-]+$/);
    assert.equal(list.post, 'List-Unsubscribe=One-Click');
    assert.deepEqual(listUnsubscribe(confirmation), { url: null, post: null });
    // The footer of a marketing mail has the same unsubscribe link, and the preferences link.
    assert.ok(linksIn(marketing.text).includes(list.url!));
    state.unsubscribeUrl = list.url!;
    state.preferencesUrl = linksIn(marketing.text).find((l) => l.startsWith('http://shop.test/p/'));
    assert.ok(state.preferencesUrl);
  });

  test('GET on the unsubscribe link only shows a button: consent is unchanged', {}, async () => {
    const { unsubscribeUrl, customerId, shop: s } = state;
    assert.ok(unsubscribeUrl && customerId && s);
    const res = await h.t.app.inject({ url: pathOf(unsubscribeUrl) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /<form method="post">/);
    assert.match(res.body, /Unsubscribe/);
    const consents = await h.t.database.db
      .selectFrom('consents')
      .selectAll()
      .where('customer_id', '=', customerId)
      .execute();
    assert.deepEqual(consents, [], 'a link scanner following the link unsubscribes nobody');
    // The next marketing message still goes.
    const now = localTime(ZONE, 11);
    await placeOrder(h.t, s, { number: '#C-3', email: 'consent@example.com', acceptsMarketing: true });
    await h.pump(now);
    assert.equal(
      mailsTo(h.mailbox, 'consent@example.com').filter((m) =>
        m.subject.startsWith('Thank you from all of us'),
      ).length,
      2,
    );
  });

  test('a one-click POST to the List-Unsubscribe URL withdraws consent: marketing is suppressed, order mail still goes', {}, async () => {
    const { unsubscribeUrl, customerId, shop: s } = state;
    assert.ok(unsubscribeUrl && customerId && s);
    const before = mailsTo(h.mailbox, 'consent@example.com').length;
    const res = await h.t.app.inject({
      method: 'POST',
      url: pathOf(unsubscribeUrl),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    assert.equal(res.statusCode, 200, res.body);
    const consent = await h.t.database.db
      .selectFrom('consents')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('channel', '=', 'email')
      .executeTakeFirstOrThrow();
    assert.equal(consent.granted, false);
    assert.equal(consent.source, 'unsubscribe');

    const now = localTime(ZONE, 12);
    const o = await placeOrder(h.t, s, {
      number: '#C-4',
      email: 'consent@example.com',
      acceptsMarketing: true,
    });
    await h.pump(now);
    const after = mailsTo(h.mailbox, 'consent@example.com').slice(before);
    assert.deepEqual(
      after.map((m) => m.subject),
      ['Thank you for your order #C-4'],
      'only the transactional mail',
    );
    const rows = await messagesOf(h.t, { orderId: o.id });
    const marketing = rows.find((r) => r.template_key === 'campaign_thank_you');
    assert.equal(marketing?.status, 'suppressed');
    assert.equal(marketing?.status_reason, 'no marketing consent');
  });

  test('the preference page shows the current choices and saves new ones', async () => {
    const s = await shop();
    await marketingOnPlaced(s);
    const now = localTime(ZONE, 10);
    const email = 'prefs@example.com';
    await placeOrder(h.t, s, { number: '#PR-1', email, acceptsMarketing: true });
    await h.pump(now);
    const [mail] = mailsTo(h.mailbox, email);
    assert.ok(mail);
    const prefs = linksIn(mail.text).find((l) => l.startsWith('http://shop.test/p/'));
    assert.ok(prefs);
    const checked = (body: string, name: string) =>
      new RegExp(`<input type="checkbox" name="${name}" value="on"\\s+checked>`).test(body);

    const page = await h.t.app.inject({ url: pathOf(prefs) });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Your message preferences/);
    assert.equal(checked(page.body, 'email'), true, 'email offers: yes (consent given at checkout)');
    assert.equal(checked(page.body, 'sms'), false);
    assert.equal(checked(page.body, 'whatsapp'), false);

    const saved = await h.t.app.inject({
      method: 'POST',
      url: pathOf(prefs),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'sms=on',
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${pathOf(prefs)}?saved=1`);
    const again = await h.t.app.inject({ url: String(saved.headers.location) });
    assert.equal(again.statusCode, 200);
    assert.match(again.body, /Saved\. Thank you!/);
    assert.equal(checked(again.body, 'email'), false);
    assert.equal(checked(again.body, 'sms'), true);

    // The next marketing email respects the choice.
    await placeOrder(h.t, s, { number: '#PR-2', email, acceptsMarketing: true });
    await h.pump(add(now, HOUR));
    assert.equal(mailsTo(h.mailbox, email).length, 1, 'no more offers by email');
  });
});

describe('frequency cap', () => {
  test('at most 3 marketing messages in 7 days per customer, across journeys: the 4th is suppressed', async () => {
    const s = await shop();
    await marketingOnPlaced(s);
    await createJourneyApi(h.t, s, 'Review', {
      trigger: { event: 'order.paid' },
      steps: [{ type: 'send', template: 'review_request', channel: 'email' }],
    });
    await confirmationOnPlaced(s);
    const email = 'capped@example.com';
    // The first four a week ago (by the clock the journeys run on), the fifth today.
    const today = localTime(ZONE, 10);
    const t0 = add(today, -8 * DAY);
    const o1 = await placeOrder(h.t, s, { number: '#F-1', email, acceptsMarketing: true });
    await h.pump(t0);
    await payOrder(h.t, s, o1.id);
    await h.pump(add(t0, HOUR));
    const o2 = await placeOrder(h.t, s, { number: '#F-2', email, acceptsMarketing: true });
    await h.pump(add(t0, 2 * HOUR));
    await payOrder(h.t, s, o2.id);
    await h.pump(add(t0, 3 * HOUR));

    const marketing = (await messagesOf(h.t, { customerId: o1.customerId })).filter(
      (m) => m.category === 'marketing',
    );
    assert.deepEqual(
      marketing.map((m) => [m.template_key, m.status, m.status_reason]),
      [
        ['campaign_thank_you', 'sent', null],
        ['review_request', 'sent', null],
        ['campaign_thank_you', 'sent', null],
        ['review_request', 'suppressed', 'frequency cap (3 in 7 days)'],
      ],
    );
    const subjects = mailsTo(h.mailbox, email).map((m) => m.subject);
    assert.equal(subjects.filter((x) => x === 'What do you think of your purchase?').length, 1);
    assert.equal(
      subjects.filter((x) => x.startsWith('Thank you for your order')).length,
      2,
      'order confirmations do not count and are not capped',
    );

    // A week later there is room again.
    const o3 = await placeOrder(h.t, s, { number: '#F-3', email, acceptsMarketing: true });
    await h.pump(today);
    const third = (await messagesOf(h.t, { orderId: o3.id })).find(
      (m) => m.template_key === 'campaign_thank_you',
    );
    assert.equal(third?.status, 'sent');
  });
});

describe('quiet hours', () => {
  test('at 23:00 local: order mail goes at once, marketing email and every SMS wait until 08:00', async () => {
    const s = await shop();
    await confirmationOnPlaced(s);
    await marketingOnPlaced(s);
    await createJourneyApi(h.t, s, 'Shipped', {
      trigger: { event: ['order.shipped'] },
      steps: [
        { type: 'send', template: 'order_shipped', channel: 'email' },
        { type: 'send', template: 'order_shipped', channel: 'sms' },
      ],
    });
    const email = 'night@example.com';
    const o = await placeOrder(h.t, s, {
      number: '#N-1',
      email,
      acceptsMarketing: true,
      phone: '(11) 98765-4321',
      country: 'BR',
    });
    await shipOrder(h.t, s, o.id, 'N-1', 'in_transit');
    const night = localTime(ZONE, 23);
    const smsBefore = twilio.seen.length;
    await h.pump(night);
    assert.deepEqual(
      mailsTo(h.mailbox, email).map((m) => m.subject),
      ['Thank you for your order #N-1', 'Your order #N-1 is on its way'],
      'transactional email is not held back',
    );
    assert.equal(twilio.seen.length, smsBefore, 'no SMS at night');
    const morning = DateTime.fromJSDate(night, { zone: ZONE }).plus({ days: 1 }).set({ hour: 8 }).toJSDate();
    const waiting = (await messagesOf(h.t, { orderId: o.id })).filter((m) => m.status === 'queued');
    assert.deepEqual(waiting.map((m) => [m.template_key, m.channel]).sort(), [
      ['campaign_thank_you', 'email'],
      ['order_shipped', 'sms'],
    ]);
    for (const m of waiting)
      assert.equal(m.send_after.toISOString(), morning.toISOString(), 'held until 08:00');

    await h.pump(add(morning, -60_000));
    assert.equal(mailsTo(h.mailbox, email).length, 2);
    assert.equal(twilio.seen.length, smsBefore);
    await h.pump(morning);
    assert.equal(mailsTo(h.mailbox, email).length, 3, 'the marketing mail at 08:00');
    assert.equal(twilio.seen.length, smsBefore + 1, 'the SMS at 08:00');
    assert.equal(twilio.seen.at(-1)!.form.get('To'), '+5511987654321');
  });

  test("the customer's own time zone counts: 23:00 in São Paulo is 11:00 in Tokyo", async () => {
    const s = await shop();
    await marketingOnPlaced(s);
    const email = 'tokyo@example.com';
    const o = await placeOrder(h.t, s, { number: '#N-2', email, acceptsMarketing: true });
    await h.t.database.db
      .updateTable('customers')
      .set({ timezone: 'Asia/Tokyo' })
      .where('id', '=', o.customerId)
      .execute();
    await h.pump(localTime(ZONE, 23));
    assert.equal(mailsTo(h.mailbox, email).length, 1, 'sent at once: it is daytime for the customer');
  });
});

describe('stale and overtaken news', () => {
  test('news older than 48 hours is suppressed as stale; 47 hours old still goes', async () => {
    const s = await shop();
    const now = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, { number: '#S-1', email: 'stale@example.com' });
    const queue = (cause: string, ageHours: number) =>
      withTransaction(h.t.database.db, (tx) =>
        queueMessage(tx, {
          merchantId: s.id,
          templateKey: 'order_shipped',
          channel: 'email',
          cause,
          customerId: o.customerId,
          orderId: o.id,
          eventOccurredAt: add(now, -ageHours * HOUR),
          now,
        }),
      );
    const stale = await queue('evt:old', 49);
    const fresh = await queue('evt:recent', 47);
    assert.equal(stale?.status, 'suppressed');
    assert.equal(stale?.status_reason, 'stale event (older than 48 h)');
    assert.equal(fresh?.status, 'queued');
    await h.deliverDue(now);
    assert.equal(mailsTo(h.mailbox, 'stale@example.com').length, 1);
  });

  test('a shipment reported three days late does not send "your order is on its way" now', {}, async () => {
    const s = await shop();
    await createJourneyApi(h.t, s, 'Shipped', {
      trigger: { event: 'order.shipped' },
      steps: [{ type: 'send', template: 'order_shipped', channel: 'email' }],
    });
    const now = localTime(ZONE, 10);
    const o = await placeOrder(h.t, s, {
      number: '#S-2',
      email: 'late.news@example.com',
      placedAt: add(now, -96 * HOUR).toISOString(),
    });
    await shipOrder(h.t, s, o.id, 'S-2', 'in_transit', { shippedAt: add(now, -72 * HOUR).toISOString() });
    await h.pump(now);
    assert.equal(mailsTo(h.mailbox, 'late.news@example.com').length, 0);
    const [row] = await messagesOf(h.t, { orderId: o.id });
    assert.equal(row?.status, 'suppressed');
    assert.match(row?.status_reason ?? '', /^stale event/);
  });

  test('"out for delivery" or a delay arriving after "delivered" is suppressed as superseded', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'delivery_day');
    await enablePresetApi(h.t, s, 'delivery_problems');
    const now = localTime(ZONE, 10);
    const email = 'overtaken@example.com';
    const o = await placeOrder(h.t, s, { number: '#S-3', email });
    // The carrier's updates arrive in a burst: out for delivery, a failed attempt, delivered.
    await shipOrder(h.t, s, o.id, 'S-3', 'out_for_delivery');
    await shipOrder(h.t, s, o.id, 'S-3', 'attempt_fail');
    await shipOrder(h.t, s, o.id, 'S-3', 'delivered');
    await h.pump(now);
    assert.equal(
      mailsTo(h.mailbox, email).length,
      0,
      'no "arriving today" or apology for a parcel already here',
    );
    const rows = (await messagesOf(h.t, { orderId: o.id })).filter((r) => r.channel === 'email');
    assert.deepEqual(rows.map((r) => [r.template_key, r.status, r.status_reason]).sort(), [
      ['delivery_problem', 'suppressed', 'superseded: already delivered'],
      ['out_for_delivery', 'suppressed', 'superseded: already delivered'],
    ]);
  });
});

describe('bounces', () => {
  test('a hard bounce suppresses the address: the next message is not sent; a soft bounce does not', async () => {
    const s = await shop();
    await enablePresetApi(h.t, s, 'four_transactional');
    const now = localTime(ZONE, 10);
    const hard = await placeOrder(h.t, s, { number: '#B-1', email: 'gone@example.com' });
    const soft = await placeOrder(h.t, s, { number: '#B-2', email: 'full.inbox@example.com' });
    await h.pump(now);
    for (const [o, permanent] of [
      [hard, true],
      [soft, false],
    ] as const) {
      const [row] = await messagesOf(h.t, { orderId: o.id });
      assert.equal(row?.status, 'sent');
      assert.ok(row?.provider_id, 'the SMTP Message-ID is kept to match bounces');
      const applied = await recordReceipt(h.t.database.db, {
        provider: 'smtp',
        providerId: row.provider_id,
        type: 'bounced',
        permanent,
        reason: permanent ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full',
        occurredAt: now,
      });
      assert.equal(applied, 'applied');
      const after = (await messagesOf(h.t, { orderId: o.id }))[0]!;
      assert.equal(after.status, 'bounced');
    }

    await payOrder(h.t, s, hard.id);
    await payOrder(h.t, s, soft.id);
    await h.pump(add(now, HOUR));
    assert.equal(mailsTo(h.mailbox, 'gone@example.com').length, 1, 'nothing more to a dead address');
    assert.equal(mailsTo(h.mailbox, 'full.inbox@example.com').length, 2, 'a full mailbox is tried again');
    const payment = (await messagesOf(h.t, { orderId: hard.id })).find(
      (m) => m.template_key === 'payment_confirmed',
    );
    assert.equal(payment?.status, 'suppressed');
    assert.equal(payment?.status_reason, 'address suppressed (hard_bounce)');
  });
});

describe('a template with a missing variable', () => {
  test('renders it empty, sends anyway and records a warning on the message', async () => {
    const s = await shop();
    const saved = await api(h.t, s, 'PUT', '/api/v1/templates/payment_confirmed/en', {
      subject: 'Paid: {{ order.number }}',
      body: '<mj-section><mj-column><mj-text>Dear [{{ customer.nickname }}], order {{ order.number }} is paid.</mj-text></mj-column></mj-section>',
      textBody: 'Dear [{{ customer.nickname }}], order {{ order.number }} is paid.',
    });
    assert.equal(saved.statusCode, 201, saved.body);
    await createJourneyApi(h.t, s, 'Paid', {
      trigger: { event: 'order.paid' },
      steps: [{ type: 'send', template: 'payment_confirmed', channel: 'email' }],
    });
    const o = await placeOrder(h.t, s, { number: '#M-1', email: 'nickname@example.com' });
    await payOrder(h.t, s, o.id);
    await h.pump(localTime(ZONE, 10));
    const [mail] = mailsTo(h.mailbox, 'nickname@example.com');
    assert.ok(mail);
    assert.equal(mail.subject, 'Paid: #M-1');
    assert.equal(mail.text.trim(), 'Dear [], order #M-1 is paid.');
    assert.ok(mail.html?.includes('Dear [], order #M-1 is paid.'));
    const [row] = await messagesOf(h.t, { orderId: o.id });
    assert.equal(row?.status, 'sent');
    const api1 = (await api(h.t, s, 'GET', `/api/v1/messages/${row!.id}`)).json();
    assert.equal(api1.warnings.length, 1, JSON.stringify(api1.warnings));
    assert.match(api1.warnings[0], /customer\.nickname/);
  });
});

describe('click tracking', () => {
  const state: { html?: string; messageId?: string; trackingUrl?: string } = {};

  test('links in the sent HTML go through signed /c/ links to the original URL; the text part and the preference link are left alone', async () => {
    const s = await shop();
    await createJourneyApi(h.t, s, 'Shipped', {
      trigger: { event: 'order.shipped' },
      steps: [{ type: 'send', template: 'order_shipped', channel: 'email' }],
    });
    const o = await placeOrder(h.t, s, { number: '#K-1', email: 'clicker@example.com' });
    await shipOrder(h.t, s, o.id, 'K-1', 'in_transit');
    await h.pump(localTime(ZONE, 10));
    const [mail] = mailsTo(h.mailbox, 'clicker@example.com');
    assert.ok(mail?.html);
    const tracking = linksIn(mail.text).find((l) => l.startsWith('http://shop.test/t/'));
    assert.ok(tracking, 'the text part has the plain tracking link');
    const hrefs = hrefsIn(mail.html).filter((l) => l.startsWith('http'));
    const tracked = hrefs.filter((l) => l.startsWith('http://shop.test/c/'));
    assert.ok(tracked.length >= 1);
    assert.ok(!hrefs.includes(tracking), 'the HTML does not link to the tracking page directly');
    assert.ok(
      tracked.some((l) => tokenPayload(l).u === tracking),
      'a tracked link points at the tracking page',
    );
    assert.ok(
      hrefs.some((l) => l.startsWith('http://shop.test/p/')),
      'the preference link is not tracked (one click must be enough)',
    );
    const [row] = await messagesOf(h.t, { orderId: o.id });
    state.html = mail.html;
    state.messageId = row!.id;
    state.trackingUrl = tracking;
  });

  test('following a tracked link redirects (302) to the original URL and records the click', {}, async () => {
    assert.ok(state.html && state.messageId);
    const link = hrefsIn(state.html).find(
      (l) => l.startsWith('http://shop.test/c/') && tokenPayload(l).u === state.trackingUrl,
    );
    assert.ok(link);
    const res = await h.t.app.inject({ url: pathOf(link) });
    assert.equal(res.statusCode, 302, res.body);
    assert.equal(res.headers.location, state.trackingUrl);
    const row = await h.t.database.db
      .selectFrom('messages')
      .select('clicked_at')
      .where('id', '=', state.messageId)
      .executeTakeFirstOrThrow();
    assert.ok(row.clicked_at, 'clicked_at is set');
    const events = await h.t.database.db
      .selectFrom('message_events')
      .select('type')
      .where('message_id', '=', state.messageId)
      .execute();
    assert.ok(events.some((e) => e.type === 'clicked'));
  });

  test('a merchant who switched click tracking off gets the links untouched', async () => {
    const s = await shop();
    await h.t.database.db
      .updateTable('merchants')
      .set({ settings: JSON.stringify({ messaging: { clickTracking: false } }) })
      .where('id', '=', s.id)
      .execute();
    await createJourneyApi(h.t, s, 'Shipped', {
      trigger: { event: 'order.shipped' },
      steps: [{ type: 'send', template: 'order_shipped', channel: 'email' }],
    });
    const o = await placeOrder(h.t, s, { number: '#K-2', email: 'untracked@example.com' });
    await shipOrder(h.t, s, o.id, 'K-2', 'in_transit');
    await h.pump(localTime(ZONE, 10));
    const [mail] = mailsTo(h.mailbox, 'untracked@example.com');
    assert.ok(mail?.html);
    const tracking = linksIn(mail.text).find((l) => l.startsWith('http://shop.test/t/'));
    assert.ok(tracking);
    const hrefs = hrefsIn(mail.html);
    assert.ok(hrefs.includes(tracking), 'the tracking page is linked directly');
    assert.equal(hrefs.filter((l) => l.includes('/c/')).length, 0, 'no tracked links at all');
  });

  test('a tampered or misused token is a plain 404 on every public page', async () => {
    assert.ok(state.html);
    const c = hrefsIn(state.html).find((l) => l.startsWith('http://shop.test/c/'))!;
    const p = hrefsIn(state.html).find((l) => l.startsWith('http://shop.test/p/'))!;
    const tamper = (url: string) => {
      const path = pathOf(url);
      const last = path.at(-1) === 'A' ? 'B' : 'A';
      return path.slice(0, -1) + last;
    };
    // A token whose payload was changed (another message id) keeps a signature that no longer matches.
    const forged = (url: string) => {
      const token = new URL(url).pathname.split('/')[2]!;
      const dot = token.lastIndexOf('.');
      const payload = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
      payload.m = 'mer_someone_else';
      return `/${new URL(url).pathname.split('/')[1]}/${Buffer.from(JSON.stringify(payload)).toString('base64url')}${token.slice(dot)}`;
    };
    const cases: Array<{ method: 'GET' | 'POST'; url: string }> = [
      { method: 'GET', url: tamper(c) },
      { method: 'GET', url: forged(c) },
      { method: 'GET', url: tamper(p) },
      { method: 'POST', url: tamper(p) },
      { method: 'GET', url: forged(p) },
      // A valid preference token used as a click or survey token.
      { method: 'GET', url: `/c/${new URL(p).pathname.split('/')[2]}` },
      { method: 'GET', url: `/s/${new URL(p).pathname.split('/')[2]}?score=1` },
      { method: 'GET', url: `/u/${new URL(p).pathname.split('/')[2]}` },
      { method: 'POST', url: `/u/${new URL(p).pathname.split('/')[2]}` },
    ];
    for (const k of cases) {
      const res = await h.t.app.inject({
        method: k.method,
        url: k.url,
        ...(k.method === 'POST'
          ? {
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: 'List-Unsubscribe=One-Click',
            }
          : {}),
      });
      assert.equal(res.statusCode, 404, `${k.method} ${k.url}: ${res.statusCode} ${res.body}`);
      assert.equal(res.body, 'This link is not valid.');
    }
  });
});

describe('with the real worker', () => {
  let w: Harness;
  let worker: WorkerHandle | undefined;
  before(async () => {
    w = await createHarness();
  });
  after(async () => {
    await worker?.stop();
    await w.close();
  });

  test('an invalid address fails that message with the reason; the worker keeps going and sends the others', async () => {
    const s = await createTestMerchant(w.t, { name: 'Worker Shop', timezone: ZONE });
    await enablePresetApi(w.t, s, 'four_transactional');
    const bad = await placeOrder(w.t, s, { number: '#WK-1', email: 'broken@example.com' });
    const good = await placeOrder(w.t, s, { number: '#WK-2', email: 'fine@example.com' });
    // The address went bad in the shop's system before we got to send (an import, a typo fixed badly).
    await w.t.database.db
      .updateTable('customers')
      .set({ email: 'broken@example' })
      .where('id', '=', bad.customerId)
      .execute();
    await w.t.database.db
      .updateTable('orders')
      .set({ email: 'broken@example' })
      .where('id', '=', bad.id)
      .execute();

    worker = await startWorker({
      database: w.t.database,
      config: w.t.config,
      logger: silentLogger,
      tasks: allTasks,
      channels: w.channels,
      concurrency: 2,
    });
    await waitFor('the good confirmation', async () => mailsTo(w.mailbox, 'fine@example.com').length === 1);
    const failed = await waitFor('the bad message to fail', async () => {
      const [m] = await messagesOf(w.t, { orderId: bad.id });
      return m?.status === 'failed' ? m : undefined;
    });
    assert.equal(failed.status_reason, 'invalid email address "broken@example"');
    const res = await api(w.t, s, 'GET', `/api/v1/messages?orderId=${bad.id}`);
    assert.equal(res.json().data[0].statusReason, 'invalid email address "broken@example"');

    // The worker is still at work: the next message of the good order goes out.
    await payOrder(w.t, s, good.id);
    await waitFor('the payment mail', async () => mailsTo(w.mailbox, 'fine@example.com').length === 2);
    assert.equal(w.mailbox.messages.filter((m) => m.to.includes('broken')).length, 0);
  });

  test('a delivery job that runs again for a sent message sends nothing', async () => {
    const s = await createTestMerchant(w.t, { name: 'Worker Shop 2', timezone: ZONE });
    await confirmationOnPlacedFor(w, s);
    const o = await placeOrder(w.t, s, { number: '#WK-3', email: 'once@example.com' });
    await waitFor('the confirmation', async () => mailsTo(w.mailbox, 'once@example.com').length === 1);
    const [row] = await messagesOf(w.t, { orderId: o.id });
    await waitFor('the message to be sent', async () => {
      const [m] = await messagesOf(w.t, { orderId: o.id });
      return m?.status === 'sent';
    });
    // The same job once more (a redelivered job, a retry after a lost completion).
    await enqueue(w.t.database.db, 'messages.deliver', { merchantId: s.id, messageId: row!.id });
    await waitFor('the job to be done', async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'messages.deliver'`.execute(
        w.t.database.db,
      );
      return rows[0]!.n === 0;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(mailsTo(w.mailbox, 'once@example.com').length, 1);
  });
});

function confirmationOnPlacedFor(x: Harness, s: Shop) {
  return createJourneyApi(x.t, s, 'Confirmation', {
    trigger: { event: 'order.placed' },
    steps: [{ type: 'send', template: 'order_confirmation', channel: 'email' }],
  });
}
