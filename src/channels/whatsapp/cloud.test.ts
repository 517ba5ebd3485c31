import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { ValidationError } from '../../lib/errors.ts';
import { type OutboundMessage, PermanentSendError } from '../types.ts';
import { createWhatsAppCloudChannel, parseWhatsAppWebhook, verifyWhatsAppSignature } from './cloud.ts';

/**
 * The adapter against a local server answering like graph.facebook.com's /{phone-number-id}/messages:
 * the documented success document and Graph error documents. Webhook bodies are Meta's documented shapes.
 */

const TOKEN = 'EAAG-test-token';
const PHONE_NUMBER_ID = '106540352242922';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  json: unknown;
}

const servers: http.Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function fakeGraph(reply: (seen: Seen) => { status: number; json?: unknown; text?: string } | 'hang') {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, json: JSON.parse(raw || 'null') };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return;
      res.writeHead(r.status, { 'content-type': r.json ? 'application/json' : 'text/html' });
      res.end(r.json ? JSON.stringify(r.json) : (r.text ?? ''));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`, seen };
}

function channel(apiUrl: string, timeoutMs?: number) {
  return createWhatsAppCloudChannel({
    apiUrl,
    token: TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

function message(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg_1',
    merchantId: 'mer_1',
    channel: 'whatsapp',
    to: '+16505551234',
    from: { name: null, address: null },
    text: 'Your order #1001 has shipped',
    whatsappTemplate: { name: 'order_shipped', language: 'en_US', parameters: ['Jane', '#1001'] },
    ...over,
  };
}

const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA';
const ok = {
  status: 200,
  json: {
    messaging_product: 'whatsapp',
    contacts: [{ input: '16505551234', wa_id: '16505551234' }],
    messages: [{ id: WAMID, message_status: 'accepted' }],
  },
};

function graphError(status: number, code: number, message: string, details?: string) {
  return {
    status,
    json: {
      error: {
        message: `(#${code}) ${message}`,
        type: 'OAuthException',
        code,
        ...(details && { error_data: { messaging_product: 'whatsapp', details } }),
        fbtrace_id: 'AazFu6b3kM2TjQ1l8Y8nK5b',
      },
    },
  };
}

describe('WhatsApp Cloud API: sending', () => {
  test('POSTs the template message with the Bearer token and returns the wamid', async () => {
    const g = await fakeGraph(() => ok);
    assert.deepEqual(await channel(g.apiUrl).send(message()), { provider: 'whatsapp', providerId: WAMID });
    const req = g.seen[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `/v21.0/${PHONE_NUMBER_ID}/messages`);
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(req.json, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505551234',
      type: 'template',
      template: {
        name: 'order_shipped',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Jane' },
              { type: 'text', text: '#1001' },
            ],
          },
        ],
      },
    });
  });

  test('a template without variables is sent without components', async () => {
    const g = await fakeGraph(() => ok);
    const whatsappTemplate = { name: 'thanks', language: 'pt_BR', parameters: [] };
    await channel(g.apiUrl).send(message({ whatsappTemplate }));
    assert.deepEqual((g.seen[0]!.json as { template: unknown }).template, {
      name: 'thanks',
      language: { code: 'pt_BR' },
    });
  });

  test('no template, or a number that is not E.164, is permanent and nothing is sent', async () => {
    const g = await fakeGraph(() => assert.fail('Graph must not be called'));
    await assert.rejects(channel(g.apiUrl).send(message({ whatsappTemplate: undefined })), {
      name: 'PermanentSendError',
      reason: 'missing_template',
    });
    await assert.rejects(channel(g.apiUrl).send(message({ to: '06505551234' })), { reason: 'invalid_phone' });
    assert.equal(g.seen.length, 0);
  });

  const permanent: Array<[number, string, string, string]> = [
    [131026, 'undeliverable', 'Message Undeliverable.', 'Message Undeliverable.'],
    [
      131047,
      'reengagement_window_closed',
      'Re-engagement message',
      'More than 24 hours have passed since the customer last replied to this number.',
    ],
    [
      132000,
      'template_parameter_mismatch',
      'Number of parameters does not match the expected number of params',
      'body: number of localizable_params (2) does not match the expected number of params (3)',
    ],
    [
      132001,
      'template_not_found',
      'Template name does not exist in the translation',
      'template name (order_shipped) does not exist in en_US',
    ],
    [100, 'invalid_parameter', 'Invalid parameter', 'Parameter value is not valid'],
  ];
  for (const [code, reason, title, details] of permanent) {
    test(`Graph error ${code} is permanent: ${reason}`, async () => {
      const g = await fakeGraph(() => graphError(400, code, title, details));
      await assert.rejects(channel(g.apiUrl).send(message()), (err) => {
        assert.ok(err instanceof PermanentSendError);
        assert.equal(err.reason, reason);
        assert.ok(err.message.includes(`(error ${code})`) && err.message.includes(details), err.message);
        return true;
      });
    });
  }

  const transient: Array<[number, number, string]> = [
    [400, 130429, 'Rate limit hit'],
    [400, 131056, '(Business Account, Consumer Account) pair rate limit hit'],
    [429, 4, 'Application request limit reached'],
    [500, 1, 'An unknown error has occurred.'],
    [503, 131016, 'Service unavailable'],
    [401, 190, 'Error validating access token: Session has expired'],
  ];
  for (const [status, code, title] of transient) {
    test(`HTTP ${status} with Graph error ${code} is transient`, async () => {
      const g = await fakeGraph(() => graphError(status, code, title));
      await assert.rejects(channel(g.apiUrl).send(message()), (err: Error) => {
        assert.ok(!(err instanceof PermanentSendError), err.message);
        assert.match(err.message, new RegExp(`${status} \\(error ${code}\\)`));
        return true;
      });
    });
  }

  test('an HTML 502 and a timeout are transient', async () => {
    const bad = await fakeGraph(() => ({ status: 502, text: '<html>Bad Gateway</html>' }));
    await assert.rejects(channel(bad.apiUrl).send(message()), (err: Error) => {
      assert.ok(!(err instanceof PermanentSendError));
      return /502: <html>Bad Gateway/.test(err.message);
    });
    const slow = await fakeGraph(() => 'hang');
    await assert.rejects(channel(slow.apiUrl, 150).send(message()), /could not be reached: timed out/);
  });
});

function statusWebhook(statuses: unknown[], extraValue: Record<string, unknown> = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
              statuses,
              ...extraValue,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

const status = (s: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  id: WAMID,
  status: s,
  timestamp,
  recipient_id: '16505551234',
  conversation: { id: 'CONVERSATION_ID', origin: { type: 'utility' } },
  pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' },
  ...extra,
});

describe('WhatsApp Cloud API: webhooks', () => {
  test('sent, delivered, read and failed statuses become receipts', () => {
    const failed = status('failed', '1751347524', {
      errors: [
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: 'Message Undeliverable.' },
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
      ],
    });
    const receipts = parseWhatsAppWebhook(
      statusWebhook([
        status('sent', '1750263771'),
        status('delivered', '1750263773'),
        status('read', '1750263780'),
        status('deleted', '1750263790'),
        failed,
      ]),
    );
    const base = { provider: 'whatsapp', providerId: WAMID };
    assert.deepEqual(receipts, [
      { ...base, type: 'sent', occurredAt: new Date(1750263771_000) },
      { ...base, type: 'delivered', occurredAt: new Date(1750263773_000) },
      { ...base, type: 'opened', occurredAt: new Date(1750263780_000) },
      {
        ...base,
        type: 'failed',
        occurredAt: new Date(1751347524_000),
        permanent: true,
        reason: '131026: Message undeliverable: Message Undeliverable.',
      },
    ]);
  });

  test('an inbound customer message carries no receipts; a non-object body is invalid_payload', () => {
    const inbound = statusWebhook([], {
      contacts: [{ profile: { name: 'Jane' }, wa_id: '16505551234' }],
      messages: [
        { from: '16505551234', id: 'wamid.IN', timestamp: '1750263800', type: 'text', text: { body: 'Hi' } },
      ],
    });
    delete (inbound.entry[0]!.changes[0]!.value as { statuses?: unknown }).statuses;
    assert.deepEqual(parseWhatsAppWebhook(inbound), []);
    assert.deepEqual(parseWhatsAppWebhook({ object: 'whatsapp_business_account', entry: [] }), []);
    assert.throws(() => parseWhatsAppWebhook('nope'), ValidationError);
    assert.throws(
      () => parseWhatsAppWebhook(statusWebhook([{ id: WAMID, status: 'sent' }])),
      ValidationError,
    );
  });

  test('X-Hub-Signature-256 is checked over the raw bytes', () => {
    const appSecret = 'meta-app-secret';
    const rawBody = Buffer.from(JSON.stringify(statusWebhook([status('delivered', '1750263773')])));
    const hex = createHmac('sha256', appSecret).update(rawBody).digest('hex');
    const check = (signature: string | undefined, body = rawBody, secret = appSecret) =>
      verifyWhatsAppSignature({ appSecret: secret, rawBody: body, signature });
    assert.equal(check(`sha256=${hex}`), true);
    assert.equal(check(`sha256=${hex.toUpperCase()}`), true);
    assert.equal(check(hex), false, 'the sha256= prefix is required');
    assert.equal(check(`sha1=${hex}`), false);
    assert.equal(check(`sha256=${hex}00`), false);
    assert.equal(check(undefined), false);
    assert.equal(check(`sha256=${hex}`, Buffer.concat([rawBody, Buffer.from(' ')])), false);
    assert.equal(check(`sha256=${hex}`, rawBody, 'other-secret'), false);
  });
});
