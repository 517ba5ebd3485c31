import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  createHarness,
  createJourneyApi,
  enablePresetApi,
  fakeGraph,
  fakeTwilio,
  type Harness,
  linksIn,
  localTime,
  mailsTo,
  messagesOf,
  metaSignature,
  pathOf,
  placeOrder,
  type Shop,
  shipOrder,
  twilioSignature,
} from '../../../test/messaging-fixtures.ts';

/**
 * SMS and WhatsApp end to end: a journey sends through the real channel adapters to local servers that
 * answer like Twilio and the WhatsApp Cloud API, and the providers' signed status callbacks, posted to the
 * app, move the message to delivered.
 */

const ZONE = 'America/Sao_Paulo';
const SMS = {
  SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  SMS_AUTH_TOKEN: 'e2e-twilio-auth-token',
  SMS_FROM: '+14155550100',
};
const WA = {
  WHATSAPP_TOKEN: 'EAAG-e2e-token',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_APP_SECRET: 'e2e-meta-app-secret',
};
const CALLBACK_URL = 'http://shop.test/webhooks/sms/twilio';

let h: Harness;
let twilio: Awaited<ReturnType<typeof fakeTwilio>>;
let graph: Awaited<ReturnType<typeof fakeGraph>>;
let shop: Shop;

before(async () => {
  twilio = await fakeTwilio();
  graph = await fakeGraph();
  h = await createHarness(
    { ...SMS, SMS_API_URL: twilio.url, ...WA, WHATSAPP_API_URL: graph.url },
    { sms: true, whatsapp: true },
  );
  shop = await createTestMerchant(h.t, {
    name: 'Casa Aurora',
    locale: 'pt-BR',
    currency: 'BRL',
    timezone: ZONE,
  });
});
after(async () => {
  await h.close();
  await twilio.close();
  await graph.close();
});

const messageRow = async (id: string) =>
  h.t.database.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('SMS through Twilio', () => {
  const state: { messageId?: string; sid?: string; trackingLink?: string } = {};

  test('the delivery_day preset texts "out for delivery" with the tracking link, in the customer language', async () => {
    await enablePresetApi(h.t, shop, 'delivery_day');
    const o = await placeOrder(h.t, shop, {
      number: '#SMS-1',
      email: 'sms.customer@example.com',
      phone: '(11) 98765-4321',
      country: 'BR',
      locale: 'pt-BR',
      currency: 'BRL',
    });
    await shipOrder(h.t, shop, o.id, 'SMS-1', 'in_transit');
    await shipOrder(h.t, shop, o.id, 'SMS-1', 'out_for_delivery');
    await h.pump(localTime(ZONE, 10));

    assert.deepEqual(
      mailsTo(h.mailbox, 'sms.customer@example.com').map((m) => m.subject),
      ['Chega hoje: seu pedido #SMS-1'],
      'the email of the same step',
    );
    assert.equal(twilio.seen.length, 1, 'one SMS');
    const req = twilio.seen[0]!;
    assert.equal(req.url, `/2010-04-01/Accounts/${SMS.SMS_ACCOUNT_SID}/Messages.json`);
    assert.equal(req.form.get('To'), '+5511987654321');
    assert.equal(req.form.get('From'), SMS.SMS_FROM);
    assert.equal(req.form.get('StatusCallback'), CALLBACK_URL);
    const body = req.form.get('Body') ?? '';
    assert.ok(
      body.startsWith('Casa Aurora: é hoje! Seu pedido #SMS-1 saiu para entrega. Acompanhe em tempo real: '),
      body,
    );
    const links = linksIn(body);
    assert.equal(links.length, 1);
    assert.match(links[0]!, /^http:\/\/shop\.test\/t\/[\w-]+\.[\w-]+$/, 'the signed tracking link');
    state.trackingLink = links[0];

    const sms = (await messagesOf(h.t, { orderId: o.id })).find((m) => m.channel === 'sms');
    assert.ok(sms);
    assert.equal(sms.status, 'sent');
    assert.equal(sms.recipient, '+5511987654321');
    assert.equal(sms.provider, 'twilio');
    assert.match(sms.provider_id ?? '', /^SM\d{32}$/);
    state.messageId = sms.id;
    state.sid = sms.provider_id!;
  });

  test('a signed Twilio status callback moves the message to delivered; an unsigned one changes nothing', async () => {
    const { messageId, sid } = state;
    assert.ok(messageId && sid);
    const params = {
      SmsSid: sid,
      SmsStatus: 'delivered',
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: SMS.SMS_ACCOUNT_SID,
      From: SMS.SMS_FROM,
      To: '+5511987654321',
      ApiVersion: '2010-04-01',
    };
    const post = (p: Record<string, string>, signature: string) =>
      h.t.app.inject({
        method: 'POST',
        url: '/webhooks/sms/twilio',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        payload: new URLSearchParams(p).toString(),
      });

    // Someone without the auth token claims the SMS bounced.
    const forged = { ...params, MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '30006' };
    const refused = await post(forged, twilioSignature('not-the-token', CALLBACK_URL, forged));
    assert.equal(refused.statusCode, 401, refused.body);
    assert.equal((await messageRow(messageId)).status, 'sent');
    const suppressed = await h.t.database.db.selectFrom('suppressions').selectAll().execute();
    assert.deepEqual(suppressed, [], 'and suppressed nobody');

    const ok = await post(params, twilioSignature(SMS.SMS_AUTH_TOKEN, CALLBACK_URL, params));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.body, /<Response\/>/);
    const row = await messageRow(messageId);
    assert.equal(row.status, 'delivered');
    assert.ok(row.delivered_at);
    const api = await h.t.app.inject({ url: `/api/v1/messages/${messageId}`, headers: shop.auth });
    assert.equal(api.json().status, 'delivered');

    // A late "sent" after "delivered" is recorded but does not move it back.
    const late = { ...params, MessageStatus: 'sent', SmsStatus: 'sent' };
    assert.equal((await post(late, twilioSignature(SMS.SMS_AUTH_TOKEN, CALLBACK_URL, late))).statusCode, 200);
    assert.equal((await messageRow(messageId)).status, 'delivered');
  });

  test('the tracking link in the SMS opens the order tracking page', async () => {
    assert.ok(state.trackingLink);
    const res = await h.t.app.inject({ url: pathOf(state.trackingLink) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /#SMS-1/);
  });
});

describe('WhatsApp through the Cloud API', () => {
  const state: { messageId?: string; wamid?: string } = {};

  test('a journey sends the approved template with its parameters when the order ships', async () => {
    await createJourneyApi(h.t, shop, 'Shipped on WhatsApp', {
      trigger: { event: 'order.shipped' },
      steps: [{ type: 'send', template: 'order_shipped', channel: 'whatsapp' }],
    });
    const o = await placeOrder(h.t, shop, {
      number: '#WA-1',
      email: 'wa.customer@example.com',
      firstName: 'Bruna',
      phone: '(21) 99876-5432',
      country: 'BR',
      locale: 'pt-BR',
      currency: 'BRL',
    });
    await shipOrder(h.t, shop, o.id, 'WA-1', 'in_transit');
    await h.pump(localTime(ZONE, 10));

    assert.equal(graph.seen.length, 1, 'one WhatsApp message');
    const req = graph.seen[0]!;
    assert.equal(req.url, `/v21.0/${WA.WHATSAPP_PHONE_NUMBER_ID}/messages`);
    assert.equal(req.headers.authorization, `Bearer ${WA.WHATSAPP_TOKEN}`);
    const body = req.json as {
      to: string;
      type: string;
      template: {
        name: string;
        language: { code: string };
        components: Array<{ type: string; parameters: Array<{ type: string; text: string }> }>;
      };
    };
    assert.equal(body.to, '5521998765432');
    assert.equal(body.type, 'template');
    assert.equal(body.template.name, 'order_shipped');
    assert.equal(body.template.language.code, 'pt_BR');
    const params = body.template.components[0]!.parameters.map((p) => p.text);
    assert.equal(params.length, 3);
    assert.equal(params[0], 'Bruna');
    assert.equal(params[1], '#WA-1');
    assert.match(params[2]!, /^http:\/\/shop\.test\/t\//);

    const [row] = (await messagesOf(h.t, { orderId: o.id })).filter((m) => m.channel === 'whatsapp');
    assert.ok(row);
    assert.equal(row.status, 'sent');
    assert.equal(row.provider, 'whatsapp');
    assert.match(row.provider_id ?? '', /^wamid\./);
    state.messageId = row.id;
    state.wamid = row.provider_id!;
  });

  test('signed status webhooks move it to delivered and record the read; a bad signature is refused', async () => {
    const { messageId, wamid } = state;
    assert.ok(messageId && wamid);
    const at = Math.floor(Date.now() / 1000);
    const webhook = (status: string, ts: number) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: {
                    display_phone_number: '15550783881',
                    phone_number_id: WA.WHATSAPP_PHONE_NUMBER_ID,
                  },
                  statuses: [
                    {
                      id: wamid,
                      status,
                      timestamp: String(ts),
                      recipient_id: '5521998765432',
                      conversation: { id: 'c1', origin: { type: 'utility' } },
                      pricing: { billable: true, pricing_model: 'PMP', category: 'utility' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
    const post = (body: string, signature: string) =>
      h.t.app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        payload: body,
      });

    const forged = webhook('failed', at);
    const refused = await post(forged, metaSignature('wrong-secret', forged));
    assert.equal(refused.statusCode, 401, refused.body);
    assert.equal((await messageRow(messageId)).status, 'sent');

    const delivered = webhook('delivered', at);
    const ok = await post(delivered, metaSignature(WA.WHATSAPP_APP_SECRET, delivered));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { received: 1 });
    let row = await messageRow(messageId);
    assert.equal(row.status, 'delivered');
    assert.equal(row.delivered_at?.getTime(), at * 1000, "the provider's time of delivery");

    const read = webhook('read', at + 60);
    assert.equal((await post(read, metaSignature(WA.WHATSAPP_APP_SECRET, read))).statusCode, 200);
    row = await messageRow(messageId);
    assert.equal(row.status, 'delivered');
    assert.equal(row.opened_at?.getTime(), (at + 60) * 1000, 'read is recorded as opened');
  });
});
