import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  add,
  api,
  createHarness,
  createJourneyApi,
  type Harness,
  HOUR,
  localTime,
  mailsTo,
  messagesOf,
  type OrderSpec,
  placeOrder,
  type Shop,
} from '../../../test/messaging-fixtures.ts';
import { createWebhookChannel } from '../../channels/index.ts';
import { verifyAfterglowSignature } from '../../channels/webhook/outbound.ts';
import type { TaskContext } from '../../jobs/task.ts';
import { silentLogger } from '../../lib/logger.ts';
import { deliverWebhookTask, dispatchWebhooksTask } from '../webhooks/jobs.ts';
import { dispatchEvent } from './engine.ts';

/**
 * The journey engine as a merchant sees it: a saved change does not pull the rug from under customers
 * already inside a journey, waits for business hours and quiet hours land at the right local time, a
 * webhook step reaches the merchant's own endpoint signed, and conditions let in exactly the orders they
 * describe. Time is moved through the harness pump, never waited for.
 */

const ZONE = 'America/Sao_Paulo'; // no daylight saving time: local hours stay put when days are added

let h: Harness;
let server: Server;
let endpointBase: string;
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];

before(async () => {
  h = await createHarness({ ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true' });
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpointBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

let shopCount = 0;
async function shop(over: Record<string, unknown> = {}): Promise<Shop & { name: string }> {
  shopCount++;
  const name = `Engine Shop ${shopCount}`;
  const created = await createTestMerchant(h.t, {
    name,
    locale: 'en',
    currency: 'USD',
    timezone: ZONE,
    ...over,
  });
  return { ...created, name };
}

const enrollmentsOf = (orderId: string) =>
  h.t.database.db
    .selectFrom('journey_enrollments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .execute();

const subjects = (email: string) => mailsTo(h.mailbox, email).map((m) => m.subject);

async function setCustomerZone(customerId: string, zone: string) {
  await h.t.database.db
    .updateTable('customers')
    .set({ timezone: zone })
    .where('id', '=', customerId)
    .execute();
}

/** The next `weekday` (1 = Monday ... 7 = Sunday) at hour:minute in ZONE, at least a day from now. */
function nextWeekday(weekday: number, hour: number, minute = 0): Date {
  let dt = DateTime.now().setZone(ZONE).plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  while (dt.weekday !== weekday) dt = dt.plus({ days: 1 });
  return dt.toJSDate();
}

const local = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE });

describe('versioning', () => {
  test('a customer inside a journey keeps the version they entered after PATCH saves a new one; a new order gets the new version', async () => {
    const s = await shop();
    const journey = await createJourneyApi(h.t, s, 'Follow-up', {
      trigger: { event: 'order.placed' },
      steps: [
        { type: 'wait', for: { hours: 1 } },
        { type: 'send', template: 'order_confirmation', channel: 'email' },
      ],
    });
    const t0 = new Date();
    const early = await placeOrder(h.t, s, { number: '#VER-1', email: 'ver.early@example.com' });
    await h.pump(t0);
    assert.equal(subjects('ver.early@example.com').length, 0, 'waiting out the first hour');

    const saved = await api(h.t, s, 'PATCH', `/api/v1/journeys/${journey.id}`, {
      definition: {
        trigger: { event: 'order.placed' },
        steps: [
          { type: 'wait', for: { hours: 3 } },
          { type: 'send', template: 'payment_confirmed', channel: 'email' },
        ],
      },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json().version, 2);
    const current = (await api(h.t, s, 'GET', `/api/v1/journeys/${journey.id}`)).json();
    assert.equal(current.version, 2);
    assert.equal(current.definition.steps[1].template, 'payment_confirmed', 'GET shows the new version');

    const late = await placeOrder(h.t, s, { number: '#VER-2', email: 'ver.late@example.com' });
    await h.pump(add(t0, 5 * 60_000));
    assert.deepEqual(
      (await enrollmentsOf(early.id)).map((e) => e.version),
      [1],
      'the first customer is still on version 1',
    );
    assert.deepEqual(
      (await enrollmentsOf(late.id)).map((e) => e.version),
      [2],
      'the new order enters version 2',
    );

    // An hour in: the first customer gets what version 1 promised; the second is still waiting (3 hours).
    await h.pump(add(t0, HOUR + 60_000));
    assert.deepEqual(subjects('ver.early@example.com'), ['Thank you for your order #VER-1']);
    assert.deepEqual(subjects('ver.late@example.com'), []);

    await h.pump(add(t0, 3 * HOUR + 10 * 60_000));
    assert.deepEqual(subjects('ver.late@example.com'), ['Payment received for order #VER-2']);
    assert.deepEqual(
      subjects('ver.early@example.com'),
      ['Thank you for your order #VER-1'],
      'version 2 never reaches the customer who entered version 1',
    );
    for (const o of [early, late]) assert.equal((await enrollmentsOf(o.id))[0]?.status, 'completed');
  });

  test('switching a journey off (PATCH active: false) lets people inside finish and lets nobody new in', async () => {
    const s = await shop();
    const journey = await createJourneyApi(h.t, s, 'Switch', {
      trigger: { event: 'order.placed' },
      steps: [
        { type: 'wait', for: { hours: 1 } },
        { type: 'send', template: 'order_confirmation', channel: 'email' },
      ],
    });
    const t0 = new Date();
    const inside = await placeOrder(h.t, s, { number: '#OFF-1', email: 'off.inside@example.com' });
    await h.pump(t0);
    const off = await api(h.t, s, 'PATCH', `/api/v1/journeys/${journey.id}`, { active: false });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().active, false);
    assert.equal(off.json().version, 1, 'switching off is not a new version');
    const outside = await placeOrder(h.t, s, { number: '#OFF-2', email: 'off.outside@example.com' });
    await h.pump(add(t0, 60_000));
    await h.pump(add(t0, 2 * HOUR));
    assert.deepEqual(subjects('off.inside@example.com'), ['Thank you for your order #OFF-1']);
    assert.deepEqual(subjects('off.outside@example.com'), []);
    assert.equal((await enrollmentsOf(outside.id)).length, 0);
    assert.equal((await enrollmentsOf(inside.id))[0]?.status, 'completed');
  });
});

describe('business hours', () => {
  const journey = (s: Shop) =>
    createJourneyApi(h.t, s, 'Business hours', {
      trigger: { event: 'order.placed' },
      steps: [
        { type: 'wait_business_hours' },
        { type: 'send', template: 'order_confirmation', channel: 'email' },
      ],
    });
  /** An order placed (and dispatched) at `at`. */
  const orderAt = (s: Shop, number: string, email: string, at: Date) =>
    placeOrder(h.t, s, { number, email, placedAt: add(at, -60_000).toISOString() });

  test('default hours (weekdays 09:00–18:00, the shop’s zone): Saturday and Friday evening wait for Monday 09:00; a weekday afternoon goes at once', async () => {
    const s = await shop();
    await journey(s);
    const saturday = nextWeekday(6, 10);
    const sat = await orderAt(s, '#BH-SAT', 'bh.saturday@example.com', saturday);
    await h.pump(saturday);
    assert.equal(subjects('bh.saturday@example.com').length, 0, 'nothing on Saturday');
    const monday = local(saturday).plus({ days: 2 }).set({ hour: 9, minute: 0 }).toJSDate();
    const [e] = await enrollmentsOf(sat.id);
    assert.equal(e?.next_run_at?.toISOString(), monday.toISOString(), 'the wait ends Monday 09:00 local');
    await h.pump(add(monday, -60_000));
    assert.equal(subjects('bh.saturday@example.com').length, 0, 'not at 08:59 on Monday');
    await h.pump(monday);
    assert.deepEqual(subjects('bh.saturday@example.com'), ['Thank you for your order #BH-SAT']);

    const fridayEvening = nextWeekday(5, 18, 30);
    const fri = await orderAt(s, '#BH-FRI', 'bh.friday@example.com', fridayEvening);
    await h.pump(fridayEvening);
    const nextMonday = local(fridayEvening).plus({ days: 3 }).set({ hour: 9, minute: 0 }).toJSDate();
    assert.equal((await enrollmentsOf(fri.id))[0]?.next_run_at?.toISOString(), nextMonday.toISOString());
    await h.pump(add(fridayEvening, 24 * HOUR));
    assert.equal(subjects('bh.friday@example.com').length, 0, 'not over the weekend');
    await h.pump(nextMonday);
    assert.deepEqual(subjects('bh.friday@example.com'), ['Thank you for your order #BH-FRI']);

    const tuesday = nextWeekday(2, 14);
    await orderAt(s, '#BH-TUE', 'bh.tuesday@example.com', tuesday);
    await h.pump(tuesday);
    assert.deepEqual(subjects('bh.tuesday@example.com'), ['Thank you for your order #BH-TUE'], 'at once');
  });

  test('hours set in the merchant settings apply (Mon–Sat 10:00–16:00): Saturday 11:00 goes at once, Saturday 16:30 waits for Monday 10:00', async () => {
    const s = await shop();
    const res = await api(h.t, s, 'PATCH', '/api/v1/merchant', {
      settings: { messaging: { businessHours: { start: '10:00', end: '16:00', days: [1, 2, 3, 4, 5, 6] } } },
    });
    assert.equal(res.statusCode, 200, res.body);
    await journey(s);
    const saturday = nextWeekday(6, 11);
    await orderAt(s, '#BS-1', 'bs.morning@example.com', saturday);
    await h.pump(saturday);
    assert.deepEqual(subjects('bs.morning@example.com'), ['Thank you for your order #BS-1']);

    const afterClose = local(saturday).set({ hour: 16, minute: 30 }).toJSDate();
    await orderAt(s, '#BS-2', 'bs.late@example.com', afterClose);
    await h.pump(afterClose);
    const monday = local(afterClose).plus({ days: 2 }).set({ hour: 10, minute: 0 }).toJSDate();
    await h.pump(add(monday, -60_000));
    assert.deepEqual(subjects('bs.late@example.com'), [], 'not on Sunday, not before 10:00 Monday');
    await h.pump(monday);
    assert.deepEqual(subjects('bs.late@example.com'), ['Thank you for your order #BS-2']);
  });
});

describe('quiet hours wait', () => {
  test('the wait ends at 08:00 in the recipient’s own time zone, not the shop’s', async () => {
    const s = await shop();
    await createJourneyApi(h.t, s, 'Polite', {
      trigger: { event: 'order.placed' },
      steps: [
        { type: 'wait_quiet_hours' },
        // Transactional: queueing adds no quiet hours of its own, so any delay is the wait step's.
        { type: 'send', template: 'order_confirmation', channel: 'email' },
      ],
    });
    // 23:00 in São Paulo is 11:00 the next day in Tokyo.
    const night = localTime(ZONE, 23);
    const at = (d: Date) => add(d, -60_000).toISOString();
    const paulista = await placeOrder(h.t, s, {
      number: '#Q-SP',
      email: 'q.sp@example.com',
      placedAt: at(night),
    });
    const tokyo = await placeOrder(h.t, s, {
      number: '#Q-TK',
      email: 'q.tokyo@example.com',
      placedAt: at(night),
    });
    await setCustomerZone(tokyo.customerId, 'Asia/Tokyo');
    await h.pump(night);
    assert.deepEqual(subjects('q.tokyo@example.com'), ['Thank you for your order #Q-TK'], 'daytime in Tokyo');
    assert.deepEqual(subjects('q.sp@example.com'), [], 'night in São Paulo');
    const morning = local(night).plus({ days: 1 }).set({ hour: 8, minute: 0 }).toJSDate();
    assert.equal((await enrollmentsOf(paulista.id))[0]?.next_run_at?.toISOString(), morning.toISOString());
    await h.pump(add(morning, -60_000));
    assert.deepEqual(subjects('q.sp@example.com'), []);
    await h.pump(morning);
    assert.deepEqual(subjects('q.sp@example.com'), ['Thank you for your order #Q-SP']);

    // And the other way round: 10:00 in São Paulo is 22:00 in Tokyo, so the Tokyo customer waits until
    // 08:00 Tokyo time (20:00 in São Paulo) while the São Paulo customer gets it at once.
    const day = local(morning).set({ hour: 10 }).toJSDate();
    const tokyo2 = await placeOrder(h.t, s, {
      number: '#Q-TK2',
      email: 'q.tokyo@example.com',
      placedAt: at(day),
    });
    assert.equal(tokyo2.customerId, tokyo.customerId, 'the same Tokyo customer');
    await placeOrder(h.t, s, { number: '#Q-SP2', email: 'q.sp@example.com', placedAt: at(day) });
    await h.pump(day);
    assert.deepEqual(subjects('q.sp@example.com'), [
      'Thank you for your order #Q-SP',
      'Thank you for your order #Q-SP2',
    ]);
    assert.deepEqual(subjects('q.tokyo@example.com'), ['Thank you for your order #Q-TK']);
    const tokyoMorning = DateTime.fromJSDate(day, { zone: 'Asia/Tokyo' })
      .plus({ days: 1 })
      .set({ hour: 8, minute: 0 })
      .toJSDate();
    assert.equal(local(tokyoMorning).hour, 20, '08:00 in Tokyo is 20:00 in São Paulo');
    await h.pump(add(tokyoMorning, -60_000));
    assert.equal(subjects('q.tokyo@example.com').length, 1);
    await h.pump(tokyoMorning);
    assert.deepEqual(subjects('q.tokyo@example.com'), [
      'Thank you for your order #Q-TK',
      'Thank you for your order #Q-TK2',
    ]);
  });
});

describe('webhook step', () => {
  function ctx(): TaskContext {
    return {
      db: h.t.database.db,
      channels: { webhook: createWebhookChannel(h.t.config) },
      config: h.t.config,
      logger: silentLogger,
      jobId: 'test',
      attempt: 1,
      maxAttempts: 12,
    };
  }
  async function jobs(task: string, merchantId: string) {
    const { rows } = await sql<{ payload: unknown; key: string | null }>`
      SELECT p.payload, p.key FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
      WHERE j.task_identifier = ${task} AND p.payload->>'merchantId' = ${merchantId}`.execute(
      h.t.database.db,
    );
    return rows;
  }

  test('a journey step calls the merchant’s endpoint with a signed POST carrying the event, enrollment and order', async () => {
    const s = await shop();
    const register = async (path: string, events: string[]) => {
      const res = await api(h.t, s, 'POST', '/api/v1/webhook-endpoints', {
        url: `${endpointBase}${path}`,
        events,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; secret: string };
    };
    const vip = await register('/vip', ['journey.vip_order']);
    const other = await register('/other', ['order.cancelled']);
    await createJourneyApi(h.t, s, 'VIP hook', {
      trigger: { event: 'order.placed' },
      conditions: [{ field: 'order.total', op: 'gte', value: 100000 }],
      steps: [{ type: 'webhook', event: 'journey.vip_order' }],
    });
    const big = await placeOrder(h.t, s, {
      number: '#HOOK-1',
      email: 'hook.big@example.com',
      unitPrice: 150000,
    });
    await placeOrder(h.t, s, { number: '#HOOK-2', email: 'hook.small@example.com', unitPrice: 5000 });
    await h.pump(new Date());
    // The worker retrying the same event (dispatched again) calls the endpoint no second time.
    const placedEvent = await h.t.database.db
      .selectFrom('events')
      .select('id')
      .where('merchant_id', '=', s.id)
      .where('type', '=', 'order.placed')
      .where('subject_id', '=', big.id)
      .executeTakeFirstOrThrow();
    await dispatchEvent({
      db: h.t.database.db,
      config: h.t.config,
      merchantId: s.id,
      eventId: placedEvent.id,
      now: new Date(),
    });

    // Domain events fan out through the same task (with an eventId); the journey step's job has none.
    const dispatch = (await jobs('webhooks.dispatch', s.id)).filter(
      (j) => (j.payload as { eventId?: string }).eventId === undefined,
    );
    assert.equal(dispatch.length, 1, 'one webhook step ran: the small order did not enter');
    const [enrollment] = await enrollmentsOf(big.id);
    assert.ok(enrollment);
    assert.equal(enrollment.status, 'completed');
    await dispatchWebhooksTask.run(dispatchWebhooksTask.payload.parse(dispatch[0]!.payload), ctx());
    const deliveries = await jobs('webhooks.deliver', s.id);
    assert.equal(deliveries.length, 1, 'only the endpoint that asked for the event');
    const before = received.length;
    await deliverWebhookTask.run(deliverWebhookTask.payload.parse(deliveries[0]!.payload), ctx());

    const got = received.slice(before);
    assert.deepEqual(
      got.map((r) => r.path),
      ['/vip'],
    );
    const r = got[0]!;
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-afterglow-event'], 'journey.vip_order');
    const body = JSON.parse(r.body);
    assert.equal(body.type, 'journey.vip_order');
    assert.deepEqual(body.data, { enrollmentId: enrollment.id, orderId: big.id });
    assert.equal(body.id, r.headers['x-afterglow-delivery']);
    assert.ok(!Number.isNaN(Date.parse(body.occurredAt)));
    // The signature, recomputed the way the docs tell merchants to: HMAC-SHA256 over "<t>.<raw body>".
    const header = String(r.headers['x-afterglow-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    assert.ok(m, header);
    assert.equal(m[2], createHmac('sha256', vip.secret).update(`${m[1]}.${r.body}`).digest('hex'));
    assert.equal(verifyAfterglowSignature({ secret: vip.secret, body: r.body, header }), true);
    assert.equal(
      verifyAfterglowSignature({ secret: other.secret, body: r.body, header }),
      false,
      'another endpoint’s secret does not verify it',
    );

    const log = await api(h.t, s, 'GET', `/api/v1/webhook-endpoints/${vip.id}/deliveries`);
    assert.equal(log.statusCode, 200, log.body);
    assert.deepEqual(
      log.json().data.map((d: { id: string; type: string; status: string }) => [d.id, d.type, d.status]),
      [[body.id, 'journey.vip_order', 'delivered']],
    );
    const otherLog = await api(h.t, s, 'GET', `/api/v1/webhook-endpoints/${other.id}/deliveries`);
    assert.deepEqual(otherLog.json().data, []);
  });
});

describe('conditions', () => {
  type Case = { spec: OrderSpec & { channel?: string }; enters: boolean };

  /**
   * A journey on order.placed with `conditions`, orders placed in the given order, one pump: each order
   * that should enter gets exactly one confirmation, each that should not gets nothing and no enrollment.
   */
  async function check(conditions: unknown[], cases: Case[]) {
    const s = await shop();
    await createJourneyApi(h.t, s, 'Conditional', {
      trigger: { event: 'order.placed' },
      conditions,
      steps: [{ type: 'send', template: 'order_confirmation', channel: 'email' }],
    });
    const placed: Array<{ id: string; number: string; enters: boolean }> = [];
    for (const c of cases) {
      const { channel, ...spec } = c.spec;
      let id: string;
      if (channel) {
        const res = await api(h.t, s, 'POST', '/api/v1/orders', {
          number: spec.number,
          currency: spec.currency ?? 'USD',
          channel,
          ...(spec.locale ? { locale: spec.locale } : {}),
          customer: { email: spec.email, firstName: 'Ana' },
          lines: [{ sku: 'X', title: 'Ceramic vase', quantity: 1, unitPrice: spec.unitPrice ?? 5000 }],
        });
        assert.equal(res.statusCode, 201, res.body);
        id = res.json().id;
      } else id = (await placeOrder(h.t, s, spec)).id;
      placed.push({ id, number: spec.number, enters: c.enters });
    }
    await h.pump(new Date());
    for (const o of placed) {
      const enrolled = await enrollmentsOf(o.id);
      const messages = await messagesOf(h.t, { orderId: o.id });
      assert.equal(
        enrolled.length,
        o.enters ? 1 : 0,
        `${o.number} ${o.enters ? 'enters' : 'must not enter'}`,
      );
      assert.deepEqual(
        messages.map((m) => [m.template_key, m.status]),
        o.enters ? [['order_confirmation', 'sent']] : [],
        `${o.number}: messages`,
      );
    }
    return placed;
  }

  test('customer.first_order: only a first purchase enters; the same customer’s repeat order does not', async () => {
    const t = Date.now();
    const placed = await check(
      [{ field: 'customer.first_order', op: 'eq', value: true }],
      [
        {
          spec: {
            number: '#FO-1',
            email: 'first.one@example.com',
            placedAt: new Date(t - 2 * HOUR).toISOString(),
          },
          enters: true,
        },
        {
          spec: {
            number: '#FO-2',
            email: 'first.one@example.com',
            placedAt: new Date(t - HOUR).toISOString(),
          },
          enters: false,
        },
        { spec: { number: '#FO-3', email: 'first.two@example.com' }, enters: true },
      ],
    );
    assert.deepEqual(subjects('first.one@example.com'), [`Thank you for your order ${placed[0]!.number}`]);
  });

  test('customer.first_order = false: only a repeat purchase enters', async () => {
    const t = Date.now();
    await check(
      [{ field: 'customer.first_order', op: 'eq', value: false }],
      [
        {
          spec: {
            number: '#RO-1',
            email: 'repeat.one@example.com',
            placedAt: new Date(t - 2 * HOUR).toISOString(),
          },
          enters: false,
        },
        {
          spec: {
            number: '#RO-2',
            email: 'repeat.one@example.com',
            placedAt: new Date(t - HOUR).toISOString(),
          },
          enters: true,
        },
        { spec: { number: '#RO-3', email: 'repeat.new@example.com' }, enters: false },
      ],
    );
  });

  test('order.total gte 50000 (minor units): 500.00 and above enter, 499.99 does not', async () => {
    await check(
      [{ field: 'order.total', op: 'gte', value: 50000 }],
      [
        { spec: { number: '#TV-1', email: 'total.big@example.com', unitPrice: 80000 }, enters: true },
        { spec: { number: '#TV-2', email: 'total.edge@example.com', unitPrice: 50000 }, enters: true },
        { spec: { number: '#TV-3', email: 'total.small@example.com', unitPrice: 49999 }, enters: false },
      ],
    );
  });

  test('order.total between [1000, 2000]: inside enters, outside on either side does not', async () => {
    await check(
      [{ field: 'order.total', op: 'between', value: [1000, 2000] }],
      [
        { spec: { number: '#BT-1', email: 'between.low@example.com', unitPrice: 999 }, enters: false },
        { spec: { number: '#BT-2', email: 'between.in@example.com', unitPrice: 1500 }, enters: true },
        { spec: { number: '#BT-3', email: 'between.high@example.com', unitPrice: 2001 }, enters: false },
      ],
    );
  });

  test('order.locale in [pt-BR, es]: Portuguese and Spanish orders enter, English and Swedish do not', async () => {
    await check(
      [{ field: 'order.locale', op: 'in', value: ['pt-BR', 'es'] }],
      [
        {
          spec: { number: '#LC-1', email: 'loc.pt@example.com', locale: 'pt-BR', currency: 'BRL' },
          enters: true,
        },
        {
          spec: { number: '#LC-2', email: 'loc.es@example.com', locale: 'es', currency: 'EUR' },
          enters: true,
        },
        { spec: { number: '#LC-3', email: 'loc.en@example.com', locale: 'en' }, enters: false },
        {
          spec: { number: '#LC-4', email: 'loc.sv@example.com', locale: 'sv', currency: 'SEK' },
          enters: false,
        },
      ],
    );
    assert.deepEqual(subjects('loc.pt@example.com'), ['Recebemos seu pedido #LC-1. Obrigado!']);
  });

  test('order.channel eq store: an in-store order enters, a web order and a marketplace order do not', async () => {
    await check(
      [{ field: 'order.channel', op: 'eq', value: 'store' }],
      [
        { spec: { number: '#CH-1', email: 'ch.store@example.com', channel: 'store' }, enters: true },
        { spec: { number: '#CH-2', email: 'ch.web@example.com', channel: 'web' }, enters: false },
        { spec: { number: '#CH-3', email: 'ch.market@example.com', channel: 'marketplace' }, enters: false },
      ],
    );
  });

  test('several conditions must all hold: a big BRL order enters; big USD or small BRL does not', async () => {
    await check(
      [
        { field: 'order.currency', op: 'eq', value: 'BRL' },
        { field: 'order.total', op: 'gte', value: 30000 },
      ],
      [
        {
          spec: { number: '#AN-1', email: 'and.yes@example.com', currency: 'BRL', unitPrice: 40000 },
          enters: true,
        },
        {
          spec: { number: '#AN-2', email: 'and.usd@example.com', currency: 'USD', unitPrice: 40000 },
          enters: false,
        },
        {
          spec: { number: '#AN-3', email: 'and.small@example.com', currency: 'BRL', unitPrice: 100 },
          enters: false,
        },
      ],
    );
  });

  test('a step’s own `when` skips only that step: the second mail only for orders of 100.00 or more, the confirmation for all', async () => {
    const s = await shop();
    await createJourneyApi(h.t, s, 'Step when', {
      trigger: { event: 'order.placed' },
      steps: [
        { type: 'send', template: 'order_confirmation', channel: 'email' },
        {
          type: 'send',
          template: 'payment_confirmed',
          channel: 'email',
          when: [{ field: 'order.total', op: 'gte', value: 10000 }],
        },
      ],
    });
    const big = await placeOrder(h.t, s, { number: '#SW-1', email: 'sw.big@example.com', unitPrice: 20000 });
    const small = await placeOrder(h.t, s, {
      number: '#SW-2',
      email: 'sw.small@example.com',
      unitPrice: 500,
    });
    await h.pump(new Date());
    assert.deepEqual(subjects('sw.big@example.com'), [
      'Thank you for your order #SW-1',
      'Payment received for order #SW-1',
    ]);
    assert.deepEqual(subjects('sw.small@example.com'), ['Thank you for your order #SW-2']);
    for (const o of [big, small]) assert.equal((await enrollmentsOf(o.id))[0]?.status, 'completed');
  });
});
