import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, createTestMerchant, type TestApp } from '../../../test/helpers.ts';
import { placeOrder } from '../../../test/messaging-fixtures.ts';
import { createWebhookChannel } from '../../channels/index.ts';
import { verifyAfterglowSignature } from '../../channels/webhook/outbound.ts';
import type { TaskContext } from '../../jobs/task.ts';
import { silentLogger } from '../../lib/logger.ts';
import { pruneDeliveries } from './deliveries.ts';
import { deliverWebhookTask, dispatchWebhooksTask } from './jobs.ts';

/**
 * A merchant's endpoint gets each event it asked for, signed, and the merchant can see what was sent and
 * how the endpoint answered: delivered, being retried, or given up on.
 */
let t: TestApp;
let server: Server;
let baseUrl: string;
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
/** What the endpoint at each path answers. */
const answers: Record<string, number> = { '/ok': 200, '/down': 503, '/gone': 410 };

before(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true' });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = answers[req.url ?? ''] ?? 404;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

function ctx(attempt = 1, maxAttempts = 12): TaskContext {
  return {
    db: t.database.db,
    channels: { webhook: createWebhookChannel(t.config) },
    config: t.config,
    logger: silentLogger,
    jobId: 'test',
    attempt,
    maxAttempts,
  };
}

async function deliveryJobs(merchantId: string) {
  const { rows } = await sql<{ payload: unknown }>`
    SELECT p.payload FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p ON p.id = j.id
    WHERE j.task_identifier = 'webhooks.deliver' AND p.payload->>'merchantId' = ${merchantId}`.execute(
    t.database.db,
  );
  return rows.map((r) => deliverWebhookTask.payload.parse(r.payload));
}

test('each endpoint gets the event signed; the delivery log shows delivered, retrying and given up', async () => {
  const shop = await createTestMerchant(t);
  const secrets: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const path of ['/ok', '/down', '/gone']) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers: shop.auth,
      payload: { url: `${baseUrl}${path}`, events: ['order.placed'] },
    });
    assert.equal(res.statusCode, 201, res.body);
    secrets[path] = res.json().secret;
    ids[path] = res.json().id;
  }
  const order = await placeOrder(t, shop, { number: '#WH-1', email: 'hooks@example.com' });
  const event = await t.database.db
    .selectFrom('events')
    .select('id')
    .where('merchant_id', '=', shop.id)
    .where('type', '=', 'order.placed')
    .executeTakeFirstOrThrow();

  await dispatchWebhooksTask.run({ merchantId: shop.id, eventId: event.id }, ctx());
  const jobs = await deliveryJobs(shop.id);
  assert.equal(jobs.length, 3, 'one delivery per endpoint');
  for (const job of jobs) {
    const run = deliverWebhookTask.run(job, ctx());
    if (job.endpointId === ids['/down']) await assert.rejects(run, /503/, 'a 503 is retried');
    else await run;
  }

  const ok = received.find((r) => r.path === '/ok');
  assert.ok(ok, 'the endpoint was called');
  const body = JSON.parse(ok.body);
  assert.equal(body.id, event.id);
  assert.equal(body.type, 'order.placed');
  assert.equal(body.data.orderId, order.id);
  const signature = ok.headers['x-afterglow-signature'];
  assert.ok(
    verifyAfterglowSignature({ secret: secrets['/ok']!, body: ok.body, header: String(signature) }),
    'the signature checks out with the endpoint secret',
  );
  assert.ok(
    !verifyAfterglowSignature({ secret: secrets['/down']!, body: ok.body, header: String(signature) }),
    'and not with another endpoint’s secret',
  );

  const log = async (path: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/webhook-endpoints/${ids[path]}/deliveries`,
      headers: shop.auth,
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().data;
  };
  const [delivered] = await log('/ok');
  assert.equal(delivered.id, event.id);
  assert.equal(delivered.status, 'delivered');
  assert.equal(delivered.attempts, 1);
  assert.ok(delivered.deliveredAt);

  const [retrying] = await log('/down');
  assert.equal(retrying.status, 'pending');
  assert.match(retrying.lastError, /503/);

  const [gone] = await log('/gone');
  assert.equal(gone.status, 'failed', '410 Gone is not retried');

  // The last attempt of a delivery that keeps failing gives up, and the log says so.
  const down = jobs.find((j) => j.endpointId === ids['/down'])!;
  await assert.rejects(deliverWebhookTask.run(down, ctx(12, 12)));
  const [failed] = await log('/down');
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempts, 2);

  // Another shop cannot read this endpoint's log.
  const other = await createTestMerchant(t);
  const foreign = await t.app.inject({
    method: 'GET',
    url: `/api/v1/webhook-endpoints/${ids['/ok']}/deliveries`,
    headers: other.auth,
  });
  assert.equal(foreign.statusCode, 404);
});

test('the delivery log keeps 30 days: older rows are pruned, newer ones and other shops’ stay', async () => {
  const shops = [await createTestMerchant(t), await createTestMerchant(t)];
  const db = t.database.db;
  for (const shop of shops) {
    const endpoint = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhook-endpoints',
        headers: shop.auth,
        payload: { url: `${baseUrl}/ok` },
      })
    ).json();
    for (const [id, daysAgo] of [
      ['evt_old', 31],
      ['evt_recent', 29],
    ] as const) {
      await db
        .insertInto('webhook_deliveries')
        .values({
          merchant_id: shop.id,
          endpoint_id: endpoint.id,
          delivery_id: id,
          event_type: 'order.placed',
          status: 'delivered',
          created_at: new Date(Date.now() - daysAgo * 86_400_000),
        })
        .execute();
    }
  }
  const removed = await pruneDeliveries(db, { now: new Date() });
  assert.ok(removed >= 2, `removed ${removed}`);
  for (const shop of shops) {
    const left = await db
      .selectFrom('webhook_deliveries')
      .select('delivery_id')
      .where('merchant_id', '=', shop.id)
      .execute();
    assert.deepEqual(
      left.map((r) => r.delivery_id),
      ['evt_recent'],
    );
  }
});
