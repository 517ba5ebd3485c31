import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../test/helpers.ts';
import { createSmsChannel, createWebhookChannel, createWhatsAppChannel } from './index.ts';
import { type OutboundMessage, PermanentSendError } from './types.ts';

/** The factories read the configuration correctly: checked by sending through each to a local server. */

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base = '';
const seen: Seen[] = [];
before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body });
      res.writeHead(req.url!.includes('/Messages.json') ? 201 : 200, { 'content-type': 'application/json' });
      if (req.url!.includes('/Messages.json'))
        res.end(JSON.stringify({ sid: 'SMfactory', status: 'queued' }));
      else if (req.url!.endsWith('/messages'))
        res.end(JSON.stringify({ messages: [{ id: 'wamid.factory' }] }));
      else res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const message = (over: Partial<OutboundMessage>): OutboundMessage => ({
  id: 'msg_f',
  merchantId: 'mer_1',
  channel: 'sms',
  to: '+14155551212',
  from: { name: null, address: null },
  text: 'Hello',
  ...over,
});

describe('channel factories', () => {
  test('SMS and WhatsApp are null until their provider is configured', () => {
    const bare = testConfig();
    assert.equal(createSmsChannel(bare), null);
    assert.equal(createSmsChannel(testConfig({ SMS_ACCOUNT_SID: 'AC1', SMS_AUTH_TOKEN: 't' })), null);
    assert.equal(createWhatsAppChannel(bare), null);
    assert.equal(createWhatsAppChannel(testConfig({ WHATSAPP_TOKEN: 't' })), null);
    assert.equal(createWebhookChannel(bare).name, 'webhook');
  });

  test('the SMS channel posts to SMS_API_URL with the status callback under PUBLIC_URL', async () => {
    const sms = createSmsChannel(
      testConfig({
        SMS_API_URL: base,
        SMS_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
        SMS_AUTH_TOKEN: 'secret',
        SMS_FROM: '+14155552345',
        PUBLIC_URL: 'https://track.example.com/',
      }),
    );
    assert.equal(sms?.name, 'sms');
    assert.deepEqual(await sms!.send(message({})), { provider: 'twilio', providerId: 'SMfactory' });
    const form = new URLSearchParams(seen.at(-1)!.body);
    assert.equal(form.get('StatusCallback'), 'https://track.example.com/webhooks/sms/twilio');
    assert.equal(form.get('From'), '+14155552345');
  });

  test('the WhatsApp channel posts to WHATSAPP_API_URL/{phone number id}/messages', async () => {
    const wa = createWhatsAppChannel(
      testConfig({
        WHATSAPP_API_URL: `${base}/v21.0`,
        WHATSAPP_TOKEN: 'tok',
        WHATSAPP_PHONE_NUMBER_ID: '1065',
      }),
    );
    const whatsappTemplate = { name: 'order_shipped', language: 'en', parameters: ['Jane'] };
    const result = await wa!.send(message({ channel: 'whatsapp', whatsappTemplate }));
    assert.deepEqual(result, { provider: 'whatsapp', providerId: 'wamid.factory' });
    assert.equal(seen.at(-1)!.url, '/v21.0/1065/messages');
    assert.equal(seen.at(-1)!.headers.authorization, 'Bearer tok');
  });

  test('the webhook channel follows ALLOW_PRIVATE_WEBHOOK_TARGETS', async () => {
    const webhook = { body: '{"ok":true}', secret: 's', event: 'test.ping' };
    const msg = message({ channel: 'webhook', to: `${base}/hook`, webhook });
    const strict = createWebhookChannel(testConfig());
    await assert.rejects(
      strict.send(msg),
      (err) => err instanceof PermanentSendError && err.reason === 'unsafe_url',
    );
    const lan = createWebhookChannel(testConfig({ ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true' }));
    assert.deepEqual(await lan.send(msg), { provider: 'webhook', providerId: 'msg_f' });
    assert.equal(seen.at(-1)!.url, '/hook');
    await strict.close?.();
    await lan.close?.();
  });
});
