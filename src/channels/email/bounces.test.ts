import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { placeOrder, type Shop } from '../../../test/messaging-fixtures.ts';
import { withTransaction } from '../../db/pool.ts';
import { hmacSha256 } from '../../lib/crypto.ts';
import { silentLogger } from '../../lib/logger.ts';
import { deliverMessage } from '../../modules/messages/deliver-message.ts';
import { queueMessage } from '../../modules/messages/queue-message.ts';
import { createEmailChannel } from './smtp.ts';

/**
 * Addresses that bounce or complain stop getting mail: refused by the receiving server while we hand the
 * message over (550 to RCPT TO), or reported later by the relay (Mailgun's signed event webhook).
 */
const SIGNING_KEY = 'mailgun-signing-key-for-tests';
let t: TestApp;
let shop: Shop;
let server: SMTPServer;
let smtpUrl: string;
const received: string[] = [];

before(async () => {
  t = await createTestApp({ MAILGUN_WEBHOOK_SIGNING_KEY: SIGNING_KEY });
  shop = await createTestMerchant(t);
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('gone@')) {
        const err = new Error('5.1.1 <gone@example.com>: user unknown') as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      if (address.address.startsWith('relayed@')) {
        const err = new Error('5.7.1 Relaying denied') as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

let n = 0;
async function sendTo(email: string, templateKey = 'order_confirmation') {
  n++;
  const order = await placeOrder(t, shop, { number: `#BN-${n}`, email });
  const row = await withTransaction(t.database.db, (tx) =>
    queueMessage(tx, {
      merchantId: shop.id,
      templateKey,
      channel: 'email',
      cause: `test-${n}`,
      customerId: order.customerId,
      orderId: order.id,
      now: new Date(),
    }),
  );
  assert.ok(row);
  const channel = createEmailChannel({ url: smtpUrl, messageIdDomain: 'shop.test' });
  try {
    const outcome =
      row.status === 'queued'
        ? await deliverMessage({
            db: t.database.db,
            config: t.config,
            channels: { email: channel },
            logger: silentLogger,
            merchantId: shop.id,
            messageId: row.id,
          })
        : row.status;
    return { outcome, order, row: await messageRow(row.id) };
  } finally {
    await channel.close?.();
  }
}

const messageRow = (id: string) =>
  t.database.db
    .selectFrom('messages')
    .selectAll()
    .where('merchant_id', '=', shop.id)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const suppression = (address: string) =>
  t.database.db
    .selectFrom('suppressions')
    .select('reason')
    .where('merchant_id', '=', shop.id)
    .where('address', '=', address)
    .executeTakeFirst();

function mailgunEvent(event: Record<string, unknown>, key = SIGNING_KEY, at = Date.now()) {
  const timestamp = String(Math.floor(at / 1000));
  const token = `tok${n}${Math.random().toString(36).slice(2)}`;
  return {
    signature: { timestamp, token, signature: hmacSha256(key, timestamp + token).toString('hex') },
    'event-data': { timestamp: Date.now() / 1000, ...event },
  };
}

const postEvent = (body: unknown) =>
  t.app.inject({ method: 'POST', url: '/webhooks/email/mailgun', payload: body as object });

describe('a 550 to RCPT TO while sending', () => {
  test('marks the message bounced with the server’s words and suppresses the address', async () => {
    const first = await sendTo('gone@example.com');
    assert.equal(first.outcome, 'bounced');
    assert.equal(first.row.status, 'bounced');
    assert.match(first.row.status_reason ?? '', /550/);
    assert.equal((await suppression('gone@example.com'))?.reason, 'hard_bounce');
    assert.ok(!received.includes('gone@example.com'));

    const next = await sendTo('gone@example.com', 'payment_confirmed');
    assert.equal(next.row.status, 'suppressed');
    assert.equal(next.row.status_reason, 'address suppressed (hard_bounce)');
  });
});

describe('a 5xx from our own relay at RCPT TO', () => {
  test('fails the message but does not blame the address', async () => {
    const refused = await sendTo('relayed@example.com');
    assert.equal(refused.outcome, 'failed');
    assert.equal(refused.row.status, 'failed');
    assert.match(refused.row.status_reason ?? '', /5\.7\.1/);
    assert.equal(await suppression('relayed@example.com'), undefined);
  });
});

describe('Mailgun event webhook', () => {
  test('delivered, then a complaint: the message moves on and the address is suppressed', async () => {
    const sent = await sendTo('reader@example.com');
    assert.equal(sent.row.status, 'sent');
    assert.ok(received.includes('reader@example.com'));
    const messageId = sent.row.provider_id!.replace(/^<|>$/g, '');

    const delivered = await postEvent(
      mailgunEvent({
        event: 'delivered',
        message: { headers: { 'message-id': messageId } },
        'delivery-status': { code: 250, message: 'OK' },
      }),
    );
    assert.equal(delivered.statusCode, 200, delivered.body);
    assert.equal((await messageRow(sent.row.id)).status, 'delivered');

    const complained = await postEvent(
      mailgunEvent({ event: 'complained', message: { headers: { 'message-id': messageId } } }),
    );
    assert.equal(complained.json().received, 1);
    assert.equal((await messageRow(sent.row.id)).status, 'complained');
    assert.equal((await suppression('reader@example.com'))?.reason, 'complaint');
  });

  test('a permanent failure reported later bounces the message; a temporary one changes nothing', async () => {
    const sent = await sendTo('later.gone@example.com');
    const messageId = sent.row.provider_id!.replace(/^<|>$/g, '');
    const temporary = await postEvent(
      mailgunEvent({
        event: 'failed',
        severity: 'temporary',
        message: { headers: { 'message-id': messageId } },
        'delivery-status': { code: 452, message: 'mailbox full' },
      }),
    );
    assert.equal(temporary.json().received, 0);
    assert.equal((await messageRow(sent.row.id)).status, 'sent');
    assert.equal(await suppression('later.gone@example.com'), undefined);

    await postEvent(
      mailgunEvent({
        event: 'failed',
        severity: 'permanent',
        reason: 'bounce',
        message: { headers: { 'message-id': messageId } },
        'delivery-status': { code: 550, message: '5.1.1 The email account does not exist' },
      }),
    );
    const row = await messageRow(sent.row.id);
    assert.equal(row.status, 'bounced');
    assert.match(row.status_reason ?? '', /550 5\.1\.1/);
    assert.equal((await suppression('later.gone@example.com'))?.reason, 'hard_bounce');
  });

  test('a wrong signature is refused and changes nothing', async () => {
    const sent = await sendTo('forged@example.com');
    const messageId = sent.row.provider_id!.replace(/^<|>$/g, '');
    const res = await postEvent(
      mailgunEvent({ event: 'complained', message: { headers: { 'message-id': messageId } } }, 'wrong-key'),
    );
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'invalid_signature');
    // A genuine signature from a day ago is a replay.
    const replayed = await postEvent(
      mailgunEvent(
        { event: 'complained', message: { headers: { 'message-id': messageId } } },
        SIGNING_KEY,
        Date.now() - 24 * 3600_000,
      ),
    );
    assert.equal(replayed.statusCode, 401);
    assert.equal((await messageRow(sent.row.id)).status, 'sent');
    assert.equal(await suppression('forged@example.com'), undefined);
  });

  test('a permanent failure that is not a bounce (Mailgun’s own block) fails the message, address kept', async () => {
    const sent = await sendTo('blocked@example.com');
    const messageId = sent.row.provider_id!.replace(/^<|>$/g, '');
    await postEvent(
      mailgunEvent({
        event: 'failed',
        severity: 'permanent',
        reason: 'esp-block',
        message: { headers: { 'message-id': messageId } },
      }),
    );
    assert.equal((await messageRow(sent.row.id)).status, 'failed');
    assert.equal(await suppression('blocked@example.com'), undefined);
  });
});
