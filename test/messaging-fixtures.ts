import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { type CaughtMail, type DevMailbox, startDevMailbox } from '../src/channels/email/dev-mailbox.ts';
import { createEmailChannel } from '../src/channels/email/smtp.ts';
import { createSmsChannel, createWhatsAppChannel } from '../src/channels/index.ts';
import { type Channels, closeChannels } from '../src/channels/registry.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { dispatchEvent, runDueEnrollments } from '../src/modules/journeys/engine.ts';
import { deliverMessage } from '../src/modules/messages/deliver-message.ts';
import type { MessageRow } from '../src/modules/messages/repo.ts';
import { createTestApp, type createTestMerchant, type TestApp } from './helpers.ts';

/**
 * Shared set-up for the messaging tests (journeys, policies, channels, templates): a test app with its own
 * database, a real SMTP server (the dev mailbox) as the mail sink, and a deterministic "pump" that does what
 * the worker does — dispatch every new domain event, move due enrollments on, deliver due messages — with
 * an explicit `now`, so waits and quiet hours are tested by moving the clock instead of waiting.
 */

export type Shop = Awaited<ReturnType<typeof createTestMerchant>>;

/** The JSON payload inside a signed link token (what the link points at), without checking the signature. */
export function tokenPayload(url: string): Record<string, unknown> {
  const token = new URL(url).pathname.split('/')[2] ?? '';
  return JSON.parse(Buffer.from(token.slice(0, token.lastIndexOf('.')), 'base64url').toString('utf8'));
}
export type InjectResponse = LightMyRequestResponse;

export interface Harness {
  t: TestApp;
  mailbox: DevMailbox;
  channels: Channels;
  /** Dispatches new events, runs due enrollments and delivers due messages until nothing moves. */
  pump(now: Date): Promise<void>;
  /** Only the event dispatch part of pump (returns how many events were dispatched). */
  dispatchNew(now: Date): Promise<number>;
  /** Only the delivery part of pump: every queued message whose send_after has come. */
  deliverDue(now: Date): Promise<number>;
  /** Errors thrown by deliveries during pump (a transient failure leaves the message queued). */
  deliveryErrors: Array<{ messageId: string; error: unknown }>;
  close(): Promise<void>;
}

export async function createHarness(
  overrides: Record<string, string> = {},
  opts: { sms?: boolean; whatsapp?: boolean } = {},
): Promise<Harness> {
  const t = await createTestApp(overrides);
  const mailbox = await startDevMailbox({ port: 0 });
  const channels: Channels = {
    email: createEmailChannel({ url: mailbox.url, messageIdDomain: 'shop.test' }),
  };
  if (opts.sms) {
    const sms = createSmsChannel(t.config);
    assert.ok(sms, 'SMS channel configured');
    channels.sms = sms;
  }
  if (opts.whatsapp) {
    const wa = createWhatsAppChannel(t.config);
    assert.ok(wa, 'WhatsApp channel configured');
    channels.whatsapp = wa;
  }
  const dispatched = new Set<string>();
  const deliveryErrors: Harness['deliveryErrors'] = [];
  const db = t.database.db;

  async function dispatchNew(now: Date): Promise<number> {
    let n = 0;
    for (;;) {
      const { rows } = await sql<{ merchant_id: string; id: string }>`
        SELECT merchant_id, id FROM events ORDER BY seq`.execute(db);
      const fresh = rows.filter((r) => !dispatched.has(r.id));
      if (fresh.length === 0) return n;
      for (const e of fresh) {
        dispatched.add(e.id);
        await dispatchEvent({ db, config: t.config, merchantId: e.merchant_id, eventId: e.id, now });
        n++;
      }
    }
  }

  async function deliverDue(now: Date): Promise<number> {
    const tried = new Set<string>();
    let n = 0;
    for (;;) {
      const due = (
        await db
          .selectFrom('messages')
          .select(['merchant_id', 'id'])
          .where('status', '=', 'queued')
          .where('send_after', '<=', now)
          .orderBy('created_at')
          .orderBy('id')
          .execute()
      ).filter((m) => !tried.has(m.id));
      if (due.length === 0) return n;
      for (const m of due) {
        tried.add(m.id);
        try {
          await deliverMessage({
            db,
            config: t.config,
            channels,
            logger: silentLogger,
            merchantId: m.merchant_id,
            messageId: m.id,
          });
        } catch (error) {
          deliveryErrors.push({ messageId: m.id, error });
        }
        n++;
      }
    }
  }

  async function pump(now: Date): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const a = await dispatchNew(now);
      const b = await runDueEnrollments({ db, config: t.config, now });
      const c = await deliverDue(now);
      if (a + b + c === 0) return;
    }
    throw new Error('pump did not settle');
  }

  return {
    t,
    mailbox,
    channels,
    pump,
    dispatchNew,
    deliverDue,
    deliveryErrors,
    async close() {
      await closeChannels(channels);
      await mailbox.close();
      await t.close();
    },
  };
}

/** A JSON API call as the merchant. */
export async function api(
  t: TestApp,
  shop: Shop,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<InjectResponse> {
  return t.app.inject({
    method,
    url,
    headers: shop.auth,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}

export interface OrderSpec {
  number: string;
  email: string;
  currency?: string;
  locale?: string;
  firstName?: string;
  phone?: string;
  acceptsMarketing?: boolean;
  campaignTags?: string[];
  placedAt?: string;
  unitPrice?: number;
  lines?: Array<Record<string, unknown>>;
  country?: string;
}

/** Creates an order over the REST API (201 asserted); returns the order view. */
export async function placeOrder(
  t: TestApp,
  shop: Shop,
  o: OrderSpec,
): Promise<{ id: string; customerId: string; number: string; locale: string }> {
  const res = await api(t, shop, 'POST', '/api/v1/orders', {
    number: o.number,
    currency: o.currency ?? 'USD',
    ...(o.placedAt ? { placedAt: o.placedAt } : {}),
    ...(o.campaignTags ? { campaignTags: o.campaignTags } : {}),
    customer: {
      email: o.email,
      firstName: o.firstName ?? 'Ana',
      ...(o.phone ? { phone: o.phone } : {}),
      ...(o.locale ? { locale: o.locale } : {}),
      ...(o.acceptsMarketing !== undefined ? { acceptsMarketing: o.acceptsMarketing } : {}),
    },
    shippingAddress: { country: o.country ?? 'US', city: 'Springfield', line1: '1 Main St' },
    lines: o.lines ?? [
      { sku: 'VASE-1', title: 'Ceramic vase', quantity: 1, unitPrice: o.unitPrice ?? 123456 },
    ],
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

export async function payOrder(t: TestApp, shop: Shop, orderId: string): Promise<void> {
  const res = await api(t, shop, 'POST', `/api/v1/orders/${orderId}/pay`);
  assert.equal(res.statusCode, 200, res.body);
}

export async function cancelOrder(t: TestApp, shop: Shop, orderId: string): Promise<void> {
  const res = await api(t, shop, 'POST', `/api/v1/orders/${orderId}/cancel`);
  assert.equal(res.statusCode, 200, res.body);
}

/** Creates or moves a shipment over the REST API (the same externalId again is a status update). */
export async function shipOrder(
  t: TestApp,
  shop: Shop,
  orderId: string,
  externalId: string,
  status: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; status: string }> {
  const res = await api(t, shop, 'POST', `/api/v1/orders/${orderId}/shipments`, {
    externalId,
    carrier: 'PostNord',
    trackingNumber: `TRK-${externalId}`,
    status,
    ...extra,
  });
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
  return res.json();
}

export async function enablePresetApi(
  t: TestApp,
  shop: Shop,
  key: string,
  params?: Record<string, unknown>,
): Promise<{ id: string }> {
  const res = await api(t, shop, 'POST', `/api/v1/journeys/presets/${key}`, params);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Creates a journey over the REST API (active, version 1). */
export async function createJourneyApi(
  t: TestApp,
  shop: Shop,
  name: string,
  definition: Record<string, unknown>,
): Promise<{ id: string }> {
  const res = await api(t, shop, 'POST', '/api/v1/journeys', { name, definition });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** Mail the sink caught for one address, oldest first. */
export function mailsTo(mailbox: DevMailbox, address: string): CaughtMail[] {
  return mailbox.messages.filter((m) => m.to.toLowerCase().includes(address.toLowerCase())).reverse();
}

export async function messagesOf(t: TestApp, filter: { orderId?: string; customerId?: string }) {
  let q = t.database.db.selectFrom('messages').selectAll();
  if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  return (await q.orderBy('created_at').orderBy('id').execute()) as MessageRow[];
}

/** The first moment at `hour:minute` local time in `zone` that is after `from`, plus `days`. */
export function localTime(zone: string, hour: number, minute = 0, days = 0, from = new Date()): Date {
  let dt = DateTime.fromJSDate(from, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  if (dt.toJSDate() <= from) dt = dt.plus({ days: 1 });
  return dt.plus({ days }).toJSDate();
}

export const HOUR = 3600_000;
export const DAY = 86_400_000;
export const add = (d: Date, ms: number) => new Date(d.getTime() + ms);

/**
 * The List-Unsubscribe headers of a caught mail (mailparser folds List-* headers into one "list" entry:
 * {"unsubscribe": {"url"}, "unsubscribe-post": {"name"}}).
 */
export function listUnsubscribe(mail: CaughtMail): { url: string | null; post: string | null } {
  const raw = mail.headers.list;
  if (!raw) return { url: null, post: null };
  const list = JSON.parse(raw) as { unsubscribe?: { url?: string }; 'unsubscribe-post'?: { name?: string } };
  return { url: list.unsubscribe?.url ?? null, post: list['unsubscribe-post']?.name ?? null };
}

/** Absolute http(s) links in a text, in order. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0].replace(/&amp;/g, '&'));
}

/** The href values in an HTML document, in order. */
export function hrefsIn(html: string): string[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

/** The path (and query) of a link to our public URL, for app.inject. */
export function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** A local server speaking Twilio's Messages API; every request's form is kept. */
export async function fakeTwilio() {
  const seen: Array<{ url: string; form: URLSearchParams }> = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      seen.push({ url: req.url ?? '', form });
      const sid = `SM${String(++n).padStart(32, '0')}`;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid, status: 'queued', to: form.get('To'), body: form.get('Body') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local server speaking the WhatsApp Cloud API's /{phone-number-id}/messages; every JSON body is kept. */
export async function fakeGraph() {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; json: Record<string, unknown> }> = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, json: JSON.parse(raw || '{}') });
      const id = `wamid.TEST${String(++n).padStart(8, '0')}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          contacts: [{ input: 'x', wa_id: 'x' }],
          messages: [{ id, message_status: 'accepted' }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** X-Twilio-Signature as Twilio computes it: base64 HMAC-SHA1 of the URL and the sorted form fields. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const k of Object.keys(params).sort()) data += k + params[k];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** X-Hub-Signature-256 as Meta computes it. */
export function metaSignature(appSecret: string, body: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body, 'utf8').digest('hex')}`;
}

/** Polls until `fn` gives something (for tests that run the real worker). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false | null>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
