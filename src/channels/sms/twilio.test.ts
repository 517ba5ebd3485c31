import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { ValidationError } from '../../lib/errors.ts';
import { type OutboundMessage, PermanentSendError } from '../types.ts';
import { createTwilioSmsChannel, parseTwilioStatusCallback, verifyTwilioSignature } from './twilio.ts';

/**
 * The adapter against a local server that answers like api.twilio.com: the Messages resource's 201
 * document, and its error documents ({code, message, more_info, status}) for the codes we map.
 */

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const CALLBACK = 'https://track.example.com/webhooks/sms/twilio';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
}

type Reply = { status: number; json?: unknown; text?: string } | 'hang';

const servers: http.Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A fake Twilio whose answers are given per test; every request it received is kept in `seen`. */
async function fakeTwilio(reply: (seen: Seen) => Reply) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, form: new URLSearchParams(raw) };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return;
      const body = r.json !== undefined ? JSON.stringify(r.json) : (r.text ?? '');
      res.writeHead(r.status, {
        'content-type': r.json !== undefined ? 'application/json; charset=utf-8' : 'text/html',
      });
      res.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { apiUrl, seen, server };
}

function channel(apiUrl: string, extra: { from?: string; timeoutMs?: number } = {}) {
  return createTwilioSmsChannel({
    apiUrl,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: extra.from ?? '+14155552345',
    statusCallbackUrl: CALLBACK,
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
  });
}

function sms(
  to: string,
  text = 'Your order #1001 has shipped: https://t.example.com/t/abc',
): OutboundMessage {
  return { id: 'msg_1', merchantId: 'mer_1', channel: 'sms', to, from: { name: null, address: null }, text };
}

/** The Messages resource as Twilio returns it on 201 Created. */
function messageResource(form: URLSearchParams, sid: string) {
  return {
    account_sid: ACCOUNT_SID,
    api_version: '2010-04-01',
    body: form.get('Body'),
    date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
    date_sent: null,
    date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: form.get('From'),
    messaging_service_sid: form.get('MessagingServiceSid'),
    num_media: '0',
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid,
    status: 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}/Media.json` },
    to: form.get('To'),
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
  };
}

function twilioError(code: number, status: number, message: string) {
  return { status, json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

async function permanent(p: Promise<unknown>, reason: string): Promise<PermanentSendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PermanentSendError, `expected PermanentSendError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    return err;
  }
  assert.fail('expected a PermanentSendError');
}

async function transient(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(!(err instanceof PermanentSendError), `expected a transient error, got ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('Twilio SMS: sending', () => {
  test('POSTs the form Twilio expects, with Basic auth, and returns the sid', async () => {
    const sid = 'SM3f2b7c1a9e8d4c6b5a4f3e2d1c0b9a8f';
    const tw = await fakeTwilio((s) => ({ status: 201, json: messageResource(s.form, sid) }));
    const result = await channel(tw.apiUrl).send(sms('+14155551212'));
    assert.deepEqual(result, { provider: 'twilio', providerId: sid });

    assert.equal(tw.seen.length, 1);
    const req = tw.seen[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const basic = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
    assert.equal(req.headers.authorization, `Basic ${basic}`);
    assert.deepEqual(Object.fromEntries(req.form), {
      To: '+14155551212',
      Body: 'Your order #1001 has shipped: https://t.example.com/t/abc',
      From: '+14155552345',
      StatusCallback: CALLBACK,
    });
  });

  test('a Messaging Service SID is sent as MessagingServiceSid, not From', async () => {
    const tw = await fakeTwilio((s) => ({ status: 201, json: messageResource(s.form, 'SMaaaa') }));
    const service = 'MG0123456789abcdef0123456789abcdef';
    await channel(tw.apiUrl, { from: service }).send(sms('+447911123456', 'Olá! Acentos e emoji 📦 & co.'));
    const form = tw.seen[0]!.form;
    assert.equal(form.get('MessagingServiceSid'), service);
    assert.equal(form.get('From'), null);
    assert.equal(form.get('Body'), 'Olá! Acentos e emoji 📦 & co.');
  });

  test('a destination that is not E.164 is invalid_phone and nothing is sent', async () => {
    const tw = await fakeTwilio(() => assert.fail('Twilio must not be called'));
    for (const to of ['4155551212', '+0155551212', '+1 415 555 1212', 'jane@example.com', '+1']) {
      await permanent(channel(tw.apiUrl).send(sms(to)), 'invalid_phone');
    }
    assert.equal(tw.seen.length, 0);
  });

  const permanentCodes: Array<[number, string, string]> = [
    [21211, 'invalid_phone', "Invalid 'To' Phone Number: +1415555121"],
    [21614, 'not_a_mobile_number', "'To' number is not a valid mobile number"],
    [21610, 'unsubscribed', 'Attempt to send to unsubscribed recipient'],
  ];
  for (const [code, reason, message] of permanentCodes) {
    test(`400 with code ${code} is permanent: ${reason}`, async () => {
      const tw = await fakeTwilio(() => twilioError(code, 400, message));
      const err = await permanent(channel(tw.apiUrl).send(sms('+14155551212')), reason);
      assert.match(err.message, new RegExp(`error ${code}`));
      assert.ok(err.message.includes(message), err.message);
    });
  }

  test('429 Too Many Requests is transient', async () => {
    const tw = await fakeTwilio(() => twilioError(20429, 429, 'Too Many Requests'));
    await transient(channel(tw.apiUrl).send(sms('+14155551212')), /429 \(error 20429\): Too Many Requests/);
  });

  test('a 5xx, even with an HTML body, is transient', async () => {
    const tw = await fakeTwilio(() => ({ status: 503, text: '<html>Service Unavailable</html>' }));
    await transient(channel(tw.apiUrl).send(sms('+14155551212')), /503/);
  });

  test('a 400 about our own account (not the recipient) is transient, to be retried after a fix', async () => {
    const tw = await fakeTwilio(() =>
      twilioError(21606, 400, "The 'From' phone number provided is not a valid message-capable number"),
    );
    await transient(channel(tw.apiUrl).send(sms('+14155551212')), /error 21606/);
    const auth = await fakeTwilio(() => twilioError(20003, 401, 'Authentication Error - invalid username'));
    await transient(channel(auth.apiUrl).send(sms('+14155551212')), /401/);
  });

  test('a refused connection and a timeout are transient', async () => {
    const gone = await fakeTwilio(() => ({ status: 500 }));
    gone.server.close();
    await new Promise((r) => setTimeout(r, 10));
    await transient(channel(gone.apiUrl).send(sms('+14155551212')), /could not be reached: ECONNREFUSED/);
    const slow = await fakeTwilio(() => 'hang');
    await transient(
      channel(slow.apiUrl, { timeoutMs: 150 }).send(sms('+14155551212')),
      /could not be reached: timed out/,
    );
  });
});

describe('Twilio SMS: status callbacks', () => {
  const at = new Date('2025-03-01T10:00:00Z');
  const callback = (status: string, extra: Record<string, string> = {}) => ({
    SmsSid: 'SM1',
    SmsStatus: status,
    MessageStatus: status,
    MessageSid: 'SM1',
    AccountSid: ACCOUNT_SID,
    From: '+14155552345',
    To: '+14155551212',
    ApiVersion: '2010-04-01',
    ...extra,
  });

  test('maps each status to a receipt', () => {
    const base = { provider: 'twilio', providerId: 'SM1', occurredAt: at };
    assert.equal(parseTwilioStatusCallback(callback('queued'), at), null);
    assert.equal(parseTwilioStatusCallback(callback('sending'), at), null);
    assert.deepEqual(parseTwilioStatusCallback(callback('sent'), at), { ...base, type: 'sent' });
    assert.deepEqual(parseTwilioStatusCallback(callback('delivered'), at), { ...base, type: 'delivered' });
    assert.deepEqual(parseTwilioStatusCallback(callback('undelivered', { ErrorCode: '30003' }), at), {
      ...base,
      type: 'bounced',
      permanent: false,
      reason: '30003: unreachable destination handset',
    });
    assert.deepEqual(parseTwilioStatusCallback(callback('undelivered', { ErrorCode: '30006' }), at), {
      ...base,
      type: 'bounced',
      permanent: true,
      reason: '30006: landline or unreachable carrier',
    });
    assert.deepEqual(parseTwilioStatusCallback(callback('failed', { ErrorCode: '21610' }), at), {
      ...base,
      type: 'failed',
      permanent: true,
      reason: '21610: recipient unsubscribed (STOP)',
    });
    const unknown = parseTwilioStatusCallback(callback('failed', { ErrorCode: '30410' }), at);
    assert.equal(unknown?.reason, '30410: see https://www.twilio.com/docs/api/errors/30410');
    assert.equal(unknown?.permanent, false);
  });

  test('a callback without MessageSid is a ValidationError', () => {
    assert.throws(() => parseTwilioStatusCallback({ MessageStatus: 'sent' }), ValidationError);
  });
});

describe('Twilio SMS: X-Twilio-Signature', () => {
  // Twilio's published examples (docs "Validating requests", api-snippets): token 12345.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const documented = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  };

  test("matches Twilio's documented signatures", () => {
    const ok = (params: Record<string, string>, signature: string) =>
      verifyTwilioSignature({ authToken: '12345', url, params, signature });
    assert.equal(ok(documented, '0/KCTR6DLpKmkAf8muzZqo1nDgQ='), true);
    const older = { ...documented, Caller: '+14158675310', From: '+14158675310' };
    assert.equal(ok(older, 'GvWf1cFY/Q7PnoempGyD5oXAezc='), true);
  });

  test('rejects a wrong token, a changed parameter, a changed URL and a missing header', () => {
    const signature = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';
    const check = (o: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
      verifyTwilioSignature({ authToken: '12345', url, params: documented, signature, ...o });
    assert.equal(check({ authToken: '12346' }), false);
    assert.equal(check({ params: { ...documented, Digits: '1235' } }), false);
    assert.equal(check({ params: { ...documented, Extra: '' } }), false);
    assert.equal(check({ url: 'https://mycompany.com/myapp.php?foo=1&bar=3' }), false);
    assert.equal(check({ signature: undefined }), false);
    assert.equal(check({ signature: `${signature}x` }), false);
  });

  test('accepts the URL signed with or without its default port', () => {
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    const sign = (u: string) =>
      createHmac('sha1', AUTH_TOKEN).update(`${u}MessageSidSM1MessageStatusdelivered`).digest('base64');
    const plain = 'https://track.example.com/webhooks/sms/twilio';
    const ported = 'https://track.example.com:443/webhooks/sms/twilio';
    for (const [configured, signedAs] of [
      [plain, ported],
      [ported, plain],
      [plain, plain],
    ] as const) {
      assert.equal(
        verifyTwilioSignature({ authToken: AUTH_TOKEN, url: configured, params, signature: sign(signedAs) }),
        true,
      );
    }
    const other = 'https://track.example.com:8443/webhooks/sms/twilio';
    assert.equal(
      verifyTwilioSignature({ authToken: AUTH_TOKEN, url: other, params, signature: sign(plain) }),
      false,
    );
  });
});
