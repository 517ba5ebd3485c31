import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { manualClock } from '../../lib/clock.ts';
import type { Resolver } from '../../lib/ssrf.ts';
import { type OutboundMessage, PermanentSendError } from '../types.ts';
import { createOutboundWebhookChannel, signAfterglowPayload, verifyAfterglowSignature } from './outbound.ts';

/** Deliveries to a real endpoint on 127.0.0.1, checked the way a merchant's server would check them. */

const SECRET = 'whsec_merchant_0123456789';
const NOW = new Date('2025-06-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Behaviour = { status: number } | 'hang' | 'stall-body';

const servers: http.Server[] = [];
const channels: Array<ReturnType<typeof createOutboundWebhookChannel>> = [];
after(async () => {
  for (const c of channels) await c.close?.();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function endpoint(behave: (r: Received) => Behaviour = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body };
      received.push(r);
      const b = behave(r);
      if (b === 'hang') return;
      if (b === 'stall-body') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return;
      }
      res.writeHead(b.status, b.status === 302 ? { location: 'http://169.254.169.254/' } : {});
      res.end(b.status === 204 ? undefined : 'ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hooks/afterglow?shop=1`, port, received, server };
}

function channel(o: { allowPrivate?: boolean; timeoutMs?: number; resolve?: Resolver } = {}) {
  const c = createOutboundWebhookChannel({
    allowPrivate: o.allowPrivate ?? true,
    clock: manualClock(NOW),
    ...(o.timeoutMs && { timeoutMs: o.timeoutMs }),
    ...(o.resolve && { resolve: o.resolve }),
  });
  channels.push(c);
  return c;
}

const BODY = JSON.stringify({ type: 'shipment.delivered', data: { orderNumber: '#1001', note: 'Zürich ✓' } });

function hook(to: string, over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg_01JABCDEF',
    merchantId: 'mer_1',
    channel: 'webhook',
    to,
    from: { name: null, address: null },
    text: '',
    webhook: { body: BODY, secret: SECRET, event: 'shipment.delivered' },
    ...over,
  };
}

function dns(table: Record<string, string[]>): Resolver {
  return async (hostname) =>
    (table[hostname] ?? []).map(
      (address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }),
    );
}

async function permanent(p: Promise<unknown>, reason: string): Promise<PermanentSendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PermanentSendError, `expected PermanentSendError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
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

describe('outbound webhooks: delivery', () => {
  test('POSTs the body with the documented headers and a signature the merchant can verify', async () => {
    const ep = await endpoint();
    const result = await channel().send(hook(ep.url));
    assert.deepEqual(result, { provider: 'webhook', providerId: 'msg_01JABCDEF' });
    assert.equal(ep.received.length, 1);
    const r = ep.received[0]!;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/hooks/afterglow?shop=1');
    assert.equal(r.body, BODY);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(BODY)));
    assert.equal(r.headers['user-agent'], 'Afterglow-Webhooks/1');
    assert.equal(r.headers['x-afterglow-event'], 'shipment.delivered');
    assert.equal(r.headers['x-afterglow-delivery'], 'msg_01JABCDEF');
    assert.equal(r.headers['x-afterglow-timestamp'], String(T));
    // Recomputed independently, as the docs tell merchants to.
    const hex = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    assert.equal(r.headers['x-afterglow-signature'], `t=${T},v1=${hex}`);
    const header = r.headers['x-afterglow-signature'] as string;
    assert.equal(verifyAfterglowSignature({ secret: SECRET, body: r.body, header, now: NOW }), true);
  });

  test('any 2xx is success', async () => {
    for (const status of [201, 202, 204]) {
      const ep = await endpoint(() => ({ status }));
      assert.equal((await channel().send(hook(ep.url))).providerId, 'msg_01JABCDEF');
    }
  });

  test('410 Gone is permanent', async () => {
    const ep = await endpoint(() => ({ status: 410 }));
    await permanent(channel().send(hook(ep.url)), 'endpoint_gone');
  });

  test('other 4xx and 5xx answers, and redirects, are transient', async () => {
    for (const status of [400, 401, 404, 429, 500, 503]) {
      const ep = await endpoint(() => ({ status }));
      await transient(channel().send(hook(ep.url)), new RegExp(`answered ${status}`));
    }
    const redirect = await endpoint(() => ({ status: 302 }));
    await transient(channel().send(hook(redirect.url)), /302 \(redirects are not followed\)/);
    assert.equal(redirect.received.length, 1);
  });

  test('an endpoint that does not answer, or stalls mid-answer, times out as transient', async () => {
    const silent = await endpoint(() => 'hang');
    await transient(channel({ timeoutMs: 200 }).send(hook(silent.url)), /did not answer within 0.2 s/);
    const stalls = await endpoint(() => 'stall-body');
    await transient(channel({ timeoutMs: 200 }).send(hook(stalls.url)), /did not answer within 0.2 s/);
  });

  test('a refused connection is transient', async () => {
    const ep = await endpoint();
    await new Promise((resolve) => ep.server.close(resolve));
    await transient(channel().send(hook(ep.url)), /ECONNREFUSED/);
  });

  test('a message without a webhook payload is permanent', async () => {
    const ep = await endpoint();
    await permanent(channel().send(hook(ep.url, { webhook: undefined })), 'missing_webhook_payload');
    assert.equal(ep.received.length, 0);
  });
});

describe('outbound webhooks: SSRF', () => {
  test('loopback and private targets are refused before connecting unless allowed', async () => {
    const ep = await endpoint();
    const strict = channel({ allowPrivate: false });
    const literal = await permanent(strict.send(hook(ep.url)), 'unsafe_url');
    assert.match(literal.message, /127\.0\.0\.1 is a loopback address/);
    await permanent(strict.send(hook(`http://localhost:${ep.port}/`)), 'unsafe_url');
    await permanent(strict.send(hook('http://169.254.169.254/latest/meta-data/')), 'unsafe_url');
    await permanent(strict.send(hook('http://10.0.0.5:8080/hook')), 'unsafe_url');
    const resolve = dns({ 'hooks.merchant.test': ['127.0.0.1'] });
    await permanent(
      channel({ allowPrivate: false, resolve }).send(hook(`http://hooks.merchant.test:${ep.port}/`)),
      'unsafe_url',
    );
    assert.equal(ep.received.length, 0);
  });

  test('DNS rebinding: a name that turns private after the check is refused at connect time', async () => {
    const ep = await endpoint();
    let calls = 0;
    const rebinding: Resolver = async () => [
      { address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 },
    ];
    const err = await permanent(
      channel({ allowPrivate: false, resolve: rebinding }).send(
        hook(`http://rebind.merchant.test:${ep.port}/`),
      ),
      'unsafe_url',
    );
    assert.match(err.message, /resolves to 127\.0\.0\.1/);
    assert.equal(calls, 2, 'checked once up front and once when connecting');
    assert.equal(ep.received.length, 0);
  });

  test('with ALLOW_PRIVATE_WEBHOOK_TARGETS a LAN host name is reached through the guarded lookup', async () => {
    const ep = await endpoint();
    const resolve = dns({ 'erp.lan': ['127.0.0.1'] });
    await channel({ allowPrivate: true, resolve }).send(hook(`http://erp.lan:${ep.port}/in`));
    assert.equal(ep.received[0]?.headers.host, `erp.lan:${ep.port}`);
  });

  test('non-http schemes and credentials are permanent; an unknown host is transient', async () => {
    await permanent(channel().send(hook('ftp://93.184.216.34/')), 'unsafe_url');
    await permanent(channel().send(hook('https://user:pw@93.184.216.34/')), 'unsafe_url');
    await permanent(channel().send(hook('not a url')), 'unsafe_url');
    await transient(
      channel({ allowPrivate: false, resolve: dns({}) }).send(hook('https://gone.merchant.test/')),
      /could not be resolved|has no addresses/,
    );
  });
});

describe('verifyAfterglowSignature', () => {
  const header = signAfterglowPayload({ secret: SECRET, body: BODY, timestamp: T });
  const verify = (o: Partial<Parameters<typeof verifyAfterglowSignature>[0]> = {}) =>
    verifyAfterglowSignature({ secret: SECRET, body: BODY, header, now: NOW, ...o });

  test('accepts the signature as sent, from a string or the raw bytes', () => {
    assert.equal(verify(), true);
    assert.equal(verify({ body: Buffer.from(BODY) }), true);
  });

  test('refuses timestamps more than five minutes away', () => {
    assert.equal(verify({ now: new Date(NOW.getTime() + 300_000) }), true);
    assert.equal(verify({ now: new Date(NOW.getTime() + 301_000) }), false);
    assert.equal(verify({ now: new Date(NOW.getTime() - 301_000) }), false, 'from the future');
  });

  test('refuses a changed body, another secret, a moved timestamp and malformed headers', () => {
    assert.equal(verify({ body: BODY.replace('1001', '1002') }), false);
    assert.equal(verify({ secret: `${SECRET}x` }), false);
    const v1 = header.split(',v1=')[1]!;
    assert.equal(verify({ header: `t=${T + 1},v1=${v1}` }), false);
    for (const bad of [undefined, '', `v1=${v1}`, `t=${T}`, `t=abc,v1=${v1}`, `t=${T},v1=${v1}00`]) {
      assert.equal(verify({ header: bad }), false, String(bad));
    }
  });

  test('accepts any matching v1 during a secret rotation', () => {
    const old = signAfterglowPayload({ secret: 'old-secret', body: BODY, timestamp: T }).split(',v1=')[1]!;
    const v1 = header.split(',v1=')[1]!;
    assert.equal(verify({ header: `t=${T},v1=${old},v1=${v1}` }), true);
    assert.equal(verify({ header: `t=${T},v1=${old}` }), false);
  });
});
