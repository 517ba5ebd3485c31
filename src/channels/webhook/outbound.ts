import http from 'node:http';
import https from 'node:https';
import { type Clock, now } from '../../lib/clock.ts';
import { constantTimeEqual, hmacSha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { assertPublicUrl, type Resolver, safeLookup } from '../../lib/ssrf.ts';
import { type Channel, type OutboundMessage, PermanentSendError, type SendResult } from '../types.ts';

/**
 * Signed webhooks to a merchant's own endpoint. The URL is the merchant's, so it is checked against
 * SSRF twice (before connecting and on the address connected to), redirects are not followed, and a
 * slow endpoint gets 10 seconds. Non-2xx answers are retried by the job queue, except 410 Gone.
 */
export const USER_AGENT = 'Afterglow-Webhooks/1';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface OutboundWebhookOptions {
  /** ALLOW_PRIVATE_WEBHOOK_TARGETS: endpoints on private networks are reachable. */
  allowPrivate: boolean;
  timeoutMs?: number;
  clock?: Clock;
  /** DNS, replaceable in tests. */
  resolve?: Resolver;
}

/** The X-Afterglow-Signature value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signAfterglowPayload(opts: { secret: string; body: string; timestamp: number }): string {
  const v1 = hmacSha256(opts.secret, `${opts.timestamp}.${opts.body}`).toString('hex');
  return `t=${opts.timestamp},v1=${v1}`;
}

/**
 * What a merchant's endpoint does with X-Afterglow-Signature: recompute the HMAC over "<t>.<raw body>"
 * and refuse timestamps more than five minutes away from now, so a captured delivery cannot be replayed
 * later. Several v1 entries (during a secret rotation) pass if any one matches.
 */
export function verifyAfterglowSignature(opts: {
  secret: string;
  body: string | Buffer;
  header: string | undefined;
  now?: Date;
  toleranceSeconds?: number;
}): boolean {
  if (!opts.header) return false;
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of opts.header.split(',')) {
    const [key, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value) candidates.push(value.toLowerCase());
  }
  if (timestamp === null || candidates.length === 0) return false;
  const nowSeconds = Math.floor((opts.now ?? now()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (opts.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(opts.body)]);
  const expected = Buffer.from(hmacSha256(opts.secret, signed).toString('hex'));
  let ok = false;
  for (const c of candidates) ok = constantTimeEqual(expected, Buffer.from(c)) || ok;
  return ok;
}

export function createOutboundWebhookChannel(opts: OutboundWebhookOptions): Channel {
  const ssrf = { allowPrivate: opts.allowPrivate, ...(opts.resolve && { resolve: opts.resolve }) };
  const lookup = safeLookup(ssrf);
  // Own agents, so kept-alive sockets are never shared with code that skips the address check.
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const clock: Clock = opts.clock ?? { now };
  const timeoutMs = opts.timeoutMs ?? 10_000;

  return {
    name: 'webhook',
    async send(message: OutboundMessage): Promise<SendResult> {
      const hook = message.webhook;
      if (!hook) throw new PermanentSendError('missing_webhook_payload', 'The message has no webhook body.');
      let url: URL;
      try {
        url = await assertPublicUrl(message.to, ssrf);
      } catch (err) {
        throw asSendError(err);
      }
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(hook.body)),
        'user-agent': USER_AGENT,
        'x-afterglow-event': hook.event,
        'x-afterglow-delivery': message.id,
        'x-afterglow-timestamp': String(timestamp),
        'x-afterglow-signature': signAfterglowPayload({ secret: hook.secret, body: hook.body, timestamp }),
      };
      const secure = url.protocol === 'https:';
      let status: number;
      try {
        status = await post(url, {
          body: hook.body,
          headers,
          timeoutMs,
          request: { agent: secure ? agents.https : agents.http, lookup },
          client: secure ? https : http,
        });
      } catch (err) {
        throw asSendError(err);
      }
      if (status >= 200 && status < 300) return { provider: 'webhook', providerId: message.id };
      if (status === 410) {
        throw new PermanentSendError(
          'endpoint_gone',
          `The endpoint answered 410 Gone: it no longer takes webhooks.`,
        );
      }
      throw new Error(
        `The webhook endpoint answered ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}.`,
      );
    },
    async close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function asSendError(err: unknown): Error {
  if (err instanceof AppError && err.code === 'unsafe_url')
    return new PermanentSendError('unsafe_url', err.message);
  return err instanceof Error ? err : new Error(String(err));
}

/** POSTs and resolves with the status once the answer has been read (its body is not used). */
function post(
  url: URL,
  o: {
    body: string;
    headers: Record<string, string>;
    timeoutMs: number;
    request: http.RequestOptions;
    client: typeof http | typeof https;
  },
): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null, status = 0) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(status);
    };
    const req = o.client.request(url, { ...o.request, method: 'POST', headers: o.headers }, (res) => {
      // Read and drop the body so the socket can be reused; the timer still bounds a never-ending one.
      res.resume();
      res.on('end', () => settle(null, res.statusCode ?? 0));
      res.on('error', (err) => settle(err));
      res.on('close', () => settle(new Error('The webhook endpoint closed the connection mid-answer.')));
    });
    const timer = setTimeout(() => {
      const err = new Error(`The webhook endpoint did not answer within ${o.timeoutMs / 1000} s.`);
      settle(err);
      req.destroy(err);
    }, o.timeoutMs);
    req.on('error', (err) => settle(err));
    req.end(o.body);
  });
}
