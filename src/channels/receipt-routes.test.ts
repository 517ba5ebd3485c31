import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase, testConfig } from '../../test/helpers.ts';
import { buildApp } from '../http/app.ts';
import { silentLogger } from '../lib/logger.ts';
import type { Receipt } from './types.ts';

/**
 * The receipt routes on the real HTTP application (its body parsers and error handling), fed requests
 * as Twilio and Meta send them: form-encoded status callbacks and Cloud API webhooks, signed the way
 * each provider signs.
 */

const AUTH_TOKEN = 'twilio-auth-token-0123456789';
const APP_SECRET = 'meta-app-secret-0123456789';
const VERIFY_TOKEN = 'verify-me-please';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';

let database: TestDatabase;
const apps: FastifyInstance[] = [];
after(async () => {
  for (const app of apps) await app.close();
  await database.drop();
});

async function appWith(overrides: Record<string, string>, fail = false) {
  const config = testConfig(overrides);
  const receipts: Receipt[] = [];
  const app = await buildApp({
    db: database.db,
    config,
    logger: silentLogger,
    async handleReceipt(r) {
      if (fail) throw new Error('database unavailable');
      receipts.push(r);
    },
  });
  await app.ready();
  apps.push(app);
  return { app, receipts, config };
}

const configured = {
  SMS_ACCOUNT_SID: ACCOUNT_SID,
  SMS_AUTH_TOKEN: AUTH_TOKEN,
  SMS_FROM: '+14155552345',
  WHATSAPP_APP_SECRET: APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
};

let app: Awaited<ReturnType<typeof appWith>>;
before(async () => {
  database = await createTestDatabase();
  app = await appWith(configured);
});

/** Twilio's signature, computed here independently: URL + sorted name/value pairs, HMAC-SHA1, base64. */
function twilioSign(url: string, params: Record<string, string>, token = AUTH_TOKEN): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}

function statusCallback(status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SmsSid: 'SM3f2b7c1a9e8d4c6b5a4f3e2d1c0b9a8f',
    SmsStatus: status,
    MessageStatus: status,
    To: '+14155551212',
    MessageSid: 'SM3f2b7c1a9e8d4c6b5a4f3e2d1c0b9a8f',
    AccountSid: ACCOUNT_SID,
    From: '+14155552345',
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

function postTwilio(a: FastifyInstance, params: Record<string, string>, signature?: string) {
  return a.inject({
    method: 'POST',
    url: '/webhooks/sms/twilio',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      ...(signature !== undefined && { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

const CALLBACK_URL = 'http://shop.test/webhooks/sms/twilio';

describe('POST /webhooks/sms/twilio', () => {
  test('a signed delivered callback is recorded and answered with empty TwiML', async () => {
    const params = statusCallback('delivered');
    const before = app.receipts.length;
    const res = await postTwilio(app.app, params, twilioSign(CALLBACK_URL, params));
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/xml/);
    assert.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const got = app.receipts.slice(before);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.provider, 'twilio');
    assert.equal(got[0]!.providerId, params.MessageSid);
    assert.equal(got[0]!.type, 'delivered');
  });

  test('an undelivered callback carries the error code; queued is acknowledged without a receipt', async () => {
    const before = app.receipts.length;
    const undelivered = statusCallback('undelivered', { ErrorCode: '30005' });
    assert.equal(
      (await postTwilio(app.app, undelivered, twilioSign(CALLBACK_URL, undelivered))).statusCode,
      200,
    );
    const queued = statusCallback('queued');
    assert.equal((await postTwilio(app.app, queued, twilioSign(CALLBACK_URL, queued))).statusCode, 200);
    const got = app.receipts.slice(before);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.type, 'bounced');
    assert.equal(got[0]!.permanent, true);
    assert.equal(got[0]!.reason, '30005: unknown destination handset');
  });

  test('a forged, missing or stale signature is 401 invalid_signature and records nothing', async () => {
    const before = app.receipts.length;
    const params = statusCallback('delivered');
    const attempts = [
      postTwilio(app.app, params, twilioSign(CALLBACK_URL, params, 'wrong-token')),
      postTwilio(app.app, params),
      // Signed, then a field changed.
      postTwilio(app.app, { ...params, MessageStatus: 'failed' }, twilioSign(CALLBACK_URL, params)),
      // Signed for another URL.
      postTwilio(app.app, params, twilioSign('http://shop.test/webhooks/other', params)),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().error.code, 'invalid_signature');
    }
    assert.equal(app.receipts.length, before);
  });

  test('a callback that cannot be recorded is 500, so Twilio retries it', async () => {
    const failing = await appWith(configured, true);
    const params = statusCallback('delivered');
    const res = await postTwilio(failing.app, params, twilioSign(CALLBACK_URL, params));
    assert.equal(res.statusCode, 500);
  });

  test('without SMS configured the route is 404 channel_not_configured', async () => {
    const bare = await appWith({});
    const params = statusCallback('delivered');
    const res = await postTwilio(bare.app, params, twilioSign(CALLBACK_URL, params));
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'channel_not_configured');
  });
});

describe('GET /webhooks/whatsapp (subscription handshake)', () => {
  const verify = (a: FastifyInstance, query: Record<string, string>) =>
    a.inject({ method: 'GET', url: `/webhooks/whatsapp?${new URLSearchParams(query)}` });

  test('echoes hub.challenge when the verify token matches', async () => {
    const res = await verify(app.app, {
      'hub.mode': 'subscribe',
      'hub.challenge': '1158201444',
      'hub.verify_token': VERIFY_TOKEN,
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.equal(res.body, '1158201444');
  });

  test('a wrong token, another mode, or no token configured is 403', async () => {
    const base = { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': VERIFY_TOKEN };
    const bare = await appWith({});
    for (const [a, q] of [
      [app.app, { ...base, 'hub.verify_token': 'guess' }],
      [app.app, { ...base, 'hub.mode': 'unsubscribe' }],
      [app.app, { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
      [bare.app, base],
    ] as const) {
      const res = await verify(a, q);
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'verification_failed');
    }
  });
});

describe('POST /webhooks/whatsapp', () => {
  const WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA';
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              statuses: [
                { id: WAMID, status: 'delivered', timestamp: '1750263773', recipient_id: '16505551234' },
                { id: WAMID, status: 'read', timestamp: '1750263780', recipient_id: '16505551234' },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };

  const sign = (raw: string, secret = APP_SECRET) =>
    `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  const post = (a: FastifyInstance, raw: string, signature?: string) =>
    a.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        ...(signature !== undefined && { 'x-hub-signature-256': signature }),
      },
      payload: raw,
    });

  test('each status in a signed webhook reaches handleReceipt', async () => {
    // Meta's bytes are what is signed, whitespace included: not a re-serialisation of the JSON.
    const raw = JSON.stringify(payload, null, 2);
    const before = app.receipts.length;
    const res = await post(app.app, raw, sign(raw));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { received: 2 });
    assert.deepEqual(
      app.receipts.slice(before).map((r) => [r.provider, r.providerId, r.type, r.occurredAt.toISOString()]),
      [
        ['whatsapp', WAMID, 'delivered', new Date(1750263773_000).toISOString()],
        ['whatsapp', WAMID, 'opened', new Date(1750263780_000).toISOString()],
      ],
    );
  });

  test('a bad or missing signature is 401 and records nothing', async () => {
    const raw = JSON.stringify(payload);
    const before = app.receipts.length;
    for (const res of [
      await post(app.app, raw, sign(raw, 'another-secret')),
      await post(app.app, raw),
      await post(app.app, raw.replace('delivered', 'failed'), sign(raw)),
      await post(app.app, raw, sign(raw).replace('sha256=', '')),
    ]) {
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().error.code, 'invalid_signature');
    }
    assert.equal(app.receipts.length, before);
  });

  test('a signed body that is not the Cloud API shape is 400 invalid_payload', async () => {
    const raw = JSON.stringify({ entry: 'nope' });
    const res = await post(app.app, raw, sign(raw));
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'invalid_payload');
  });

  test('without WhatsApp configured the route is 404 channel_not_configured', async () => {
    const bare = await appWith({});
    const raw = JSON.stringify(payload);
    const res = await post(bare.app, raw, sign(raw));
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'channel_not_configured');
  });
});
