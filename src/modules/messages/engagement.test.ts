import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  add,
  api,
  createHarness,
  createJourneyApi,
  DAY,
  type Harness,
  HOUR,
  localTime,
  mailsTo,
  messagesOf,
  pathOf,
  placeOrder,
  type Shop,
  tokenPayload,
} from '../../../test/messaging-fixtures.ts';

/**
 * What a merchant switches on or tunes in the messaging settings, seen where it shows: the optional open
 * pixel in the mail and the opened time it records, and a frequency cap of the merchant's own choosing.
 */

const ZONE = 'America/Sao_Paulo';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

let n = 0;
async function shop(): Promise<Shop> {
  n++;
  return createTestMerchant(h.t, {
    name: `Engagement Shop ${n}`,
    timezone: ZONE,
    locale: 'en',
    currency: 'USD',
  });
}

async function setMessaging(s: Shop, messaging: Record<string, unknown>) {
  const res = await api(h.t, s, 'PATCH', '/api/v1/merchant', { settings: { messaging } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().settings.messaging;
}

const confirmationOnPlaced = (s: Shop) =>
  createJourneyApi(h.t, s, 'Confirmation', {
    trigger: { event: 'order.placed' },
    steps: [{ type: 'send', template: 'order_confirmation', channel: 'email' }],
  });

/** The open-pixel image URLs in an HTML document. */
const pixelsIn = (html: string) =>
  [...html.matchAll(/<img[^>]+src="([^"]+)"/g)]
    .map((m) => m[1]!.replace(/&amp;/g, '&'))
    .filter((u) => u.includes('/o/'));

describe('open pixel', () => {
  test('with openTracking on, the HTML carries a 1×1 pixel; fetching it records opened_at once, shown by the API', async () => {
    const s = await shop();
    const settings = await setMessaging(s, { openTracking: true });
    assert.equal(settings.openTracking, true);
    await confirmationOnPlaced(s);
    const o = await placeOrder(h.t, s, { number: '#OP-1', email: 'open.on@example.com' });
    await h.pump(new Date());
    const [mail] = mailsTo(h.mailbox, 'open.on@example.com');
    assert.ok(mail?.html, 'a mail with an HTML part');
    const pixels = pixelsIn(mail.html);
    assert.equal(pixels.length, 1, 'exactly one pixel');
    const pixel = pixels[0]!;
    assert.match(pixel, /^http:\/\/shop\.test\/o\//);
    assert.match(mail.html, /<img[^>]+width="1"[^>]+height="1"/);
    assert.ok(!mail.text.includes('/o/'), 'the text part has no pixel');
    const [row] = await messagesOf(h.t, { orderId: o.id });
    assert.ok(row);
    assert.equal(tokenPayload(pixel).msg, row.id, 'the pixel is for this message');
    assert.equal(row.opened_at, null, 'not opened yet');

    const res = await h.t.app.inject({ url: pathOf(pixel) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/gif');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.rawPayload.subarray(0, 6).toString('latin1'), 'GIF89a');

    const opened = (await messagesOf(h.t, { orderId: o.id }))[0]!;
    assert.ok(opened.opened_at, 'opened_at is recorded');
    const listed = (await api(h.t, s, 'GET', `/api/v1/messages?orderId=${o.id}`)).json().data[0];
    assert.equal(listed.openedAt, opened.opened_at.toISOString(), 'the API shows when it was opened');

    // Opening it again later keeps the first time (each open is still logged as an event).
    await new Promise((r) => setTimeout(r, 20));
    await h.t.app.inject({ url: pathOf(pixel) });
    const again = (await messagesOf(h.t, { orderId: o.id }))[0]!;
    assert.equal(again.opened_at?.toISOString(), opened.opened_at.toISOString());
    const events = await h.t.database.db
      .selectFrom('message_events')
      .select('type')
      .where('message_id', '=', row.id)
      .where('type', '=', 'opened')
      .execute();
    assert.equal(events.length, 2);
  });

  test('a forged pixel token still answers with an image but records nothing', async () => {
    const s = await shop();
    await setMessaging(s, { openTracking: true });
    await confirmationOnPlaced(s);
    const o = await placeOrder(h.t, s, { number: '#OP-F', email: 'open.forged@example.com' });
    await h.pump(new Date());
    const [mail] = mailsTo(h.mailbox, 'open.forged@example.com');
    const pixel = pixelsIn(mail!.html!)[0]!;
    const path = pathOf(pixel);
    const forged = `${path.slice(0, -3)}${path.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const res = await h.t.app.inject({ url: forged });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/gif');
    assert.equal((await messagesOf(h.t, { orderId: o.id }))[0]!.opened_at, null);
  });

  test('with openTracking off (the default) there is no pixel and nothing is recorded as opened', async () => {
    const s = await shop();
    const current = (await api(h.t, s, 'GET', '/api/v1/merchant')).json().settings.messaging;
    assert.equal(current.openTracking, false, 'off by default');
    await confirmationOnPlaced(s);
    const o = await placeOrder(h.t, s, { number: '#OP-0', email: 'open.off@example.com' });
    await h.pump(new Date());
    const [mail] = mailsTo(h.mailbox, 'open.off@example.com');
    assert.ok(mail?.html);
    assert.deepEqual(pixelsIn(mail.html), []);
    assert.ok(!mail.html.includes('http://shop.test/o/'), 'no open-tracking URL anywhere in the HTML');
    assert.equal((await messagesOf(h.t, { orderId: o.id }))[0]!.opened_at, null);
  });

  test('switching it off again removes the pixel from the next mail', async () => {
    const s = await shop();
    await setMessaging(s, { openTracking: true });
    await confirmationOnPlaced(s);
    await placeOrder(h.t, s, { number: '#OP-A', email: 'open.toggle@example.com' });
    await h.pump(new Date());
    await setMessaging(s, { openTracking: false });
    await placeOrder(h.t, s, { number: '#OP-B', email: 'open.toggle@example.com' });
    await h.pump(new Date());
    const mails = mailsTo(h.mailbox, 'open.toggle@example.com');
    assert.deepEqual(
      mails.map((m) => [m.subject, pixelsIn(m.html ?? '').length]),
      [
        ['Thank you for your order #OP-A', 1],
        ['Thank you for your order #OP-B', 0],
      ],
    );
  });
});

describe('frequency cap set by the merchant', () => {
  const marketingOnPlaced = (s: Shop) =>
    createJourneyApi(h.t, s, 'Thank-you', {
      trigger: { event: 'order.placed' },
      steps: [{ type: 'send', template: 'campaign_thank_you', channel: 'email', campaign: 'Spring' }],
    });
  const thankYous = (email: string) =>
    mailsTo(h.mailbox, email).filter((m) => m.subject.startsWith('Thank you from all of us'));

  test('1 in 7 days: the second marketing message is suppressed with the cap as the reason; a week later there is room again', async () => {
    const s = await shop();
    const settings = await setMessaging(s, { frequencyCap: { max: 1, days: 7 } });
    assert.deepEqual(settings.frequencyCap, { max: 1, days: 7 });
    await marketingOnPlaced(s);
    await confirmationOnPlaced(s);
    const email = 'cap.one@example.com';
    const today = localTime(ZONE, 10);
    const t0 = add(today, -8 * DAY);
    const o1 = await placeOrder(h.t, s, { number: '#FC-1', email, acceptsMarketing: true });
    await h.pump(t0);
    const o2 = await placeOrder(h.t, s, { number: '#FC-2', email, acceptsMarketing: true });
    await h.pump(add(t0, 2 * HOUR));

    const marketing = (await messagesOf(h.t, { customerId: o1.customerId })).filter(
      (m) => m.category === 'marketing',
    );
    assert.deepEqual(
      marketing.map((m) => [m.order_id, m.status, m.status_reason]),
      [
        [o1.id, 'sent', null],
        [o2.id, 'suppressed', 'frequency cap (1 in 7 days)'],
      ],
    );
    assert.equal(thankYous(email).length, 1, 'one marketing mail');
    assert.equal(
      mailsTo(h.mailbox, email).filter((m) => m.subject.startsWith('Thank you for your order')).length,
      2,
      'both order confirmations went: transactional mail is not capped',
    );
    const listed = (await api(h.t, s, 'GET', `/api/v1/messages?orderId=${o2.id}`)).json().data;
    const suppressed = listed.find((m: { templateKey: string }) => m.templateKey === 'campaign_thank_you');
    assert.equal(suppressed.status, 'suppressed');
    assert.equal(suppressed.statusReason, 'frequency cap (1 in 7 days)');

    // Eight days on, the first one has left the window.
    const o3 = await placeOrder(h.t, s, { number: '#FC-3', email, acceptsMarketing: true });
    await h.pump(today);
    const third = (await messagesOf(h.t, { orderId: o3.id })).find((m) => m.category === 'marketing');
    assert.equal(third?.status, 'sent');
    assert.equal(thankYous(email).length, 2);
  });

  test('the same two orders at a shop with the default cap (3 in 7 days) both get the marketing mail', async () => {
    const s = await shop();
    await marketingOnPlaced(s);
    const email = 'cap.default@example.com';
    const t0 = localTime(ZONE, 10);
    await placeOrder(h.t, s, { number: '#FD-1', email, acceptsMarketing: true });
    await h.pump(t0);
    await placeOrder(h.t, s, { number: '#FD-2', email, acceptsMarketing: true });
    await h.pump(add(t0, 2 * HOUR));
    assert.equal(thankYous(email).length, 2);
  });

  test('a cap of 0 stops every marketing message, and the reason says so', async () => {
    const s = await shop();
    await setMessaging(s, { frequencyCap: { max: 0, days: 30 } });
    await marketingOnPlaced(s);
    const email = 'cap.zero@example.com';
    const o = await placeOrder(h.t, s, { number: '#FZ-1', email, acceptsMarketing: true });
    await h.pump(localTime(ZONE, 10));
    assert.equal(thankYous(email).length, 0);
    const [m] = await messagesOf(h.t, { orderId: o.id });
    assert.deepEqual([m?.status, m?.status_reason], ['suppressed', 'frequency cap (0 in 30 days)']);
  });
});
