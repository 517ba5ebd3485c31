import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { z } from 'zod';
import {
  createTestApp,
  createTestDatabase,
  createTestMerchant,
  type TestApp,
  type TestDatabase,
  testConfig,
} from '../../test/helpers.ts';
import { withTransaction } from '../db/pool.ts';
import { orderDataFromApi, upsertOrder } from '../modules/orders/index.ts';
import { orderCreateSchema } from '../modules/orders/schemas.ts';
import { allTasks } from '../tasks.ts';
import { enqueue } from './enqueue.ts';
import { defineTask, type TaskDefinition } from './task.ts';
import { startWorker, type WorkerHandle } from './worker.ts';

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface QueuedJob {
  id: string;
  task_identifier: string;
  attempts: number;
  last_error: string | null;
  run_at: Date;
  locked_at: Date | null;
}

async function queuedJobs(db: TestDatabase, task?: string): Promise<QueuedJob[]> {
  const { rows } = await sql<QueuedJob>`
    SELECT id::text, task_identifier, attempts, last_error, run_at, locked_at FROM graphile_worker.jobs
    WHERE ${task ? sql`task_identifier = ${task}` : sql`true`} ORDER BY id`.execute(db.db);
  return rows;
}

/** Test-only tasks: each records its runs so the test can see what the worker did. */
const runs: Array<{ task: string; n: number; attempt: number }> = [];
const recordTask = defineTask({
  name: 'test.record',
  payload: z.object({ n: z.number() }),
  async run({ n }, ctx) {
    runs.push({ task: 'test.record', n, attempt: ctx.attempt });
  },
});
const flakyTask = defineTask({
  name: 'test.flaky',
  payload: z.object({ n: z.number() }),
  async run({ n }, ctx) {
    runs.push({ task: 'test.flaky', n, attempt: ctx.attempt });
    if (ctx.attempt < 2) throw new Error(`flaky failure on attempt ${ctx.attempt}`);
  },
});
const testTasks: TaskDefinition[] = [recordTask, flakyTask];

const orderInput = (number: string, customer: Record<string, unknown>) => ({
  number,
  currency: 'BRL',
  customer,
  shippingAddress: { country: 'BR', city: 'São Paulo' },
  lines: [{ sku: 'TEE-M', title: 'Camiseta', quantity: 1, unitPrice: 7990 }],
});

describe('the job worker with the real tasks', () => {
  let t: TestApp;
  let shop: Awaited<ReturnType<typeof createTestMerchant>>;
  let worker: WorkerHandle | undefined;
  const log = capturingLogger();

  before(async () => {
    t = await createTestApp();
    shop = await createTestMerchant(t, { currency: 'BRL', locale: 'pt-BR', timezone: 'America/Sao_Paulo' });
  });
  after(async () => {
    await worker?.stop();
    await t.close();
  });

  const customer = async (id: string) =>
    (await t.app.inject({ url: `/api/v1/customers/${id}`, headers: shop.auth })).json();

  test('customers.refresh-stats updates orders_count after an order is created over the REST API', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: shop.auth,
      payload: orderInput('#W1', { email: 'worker.test@example.com', phone: '(11) 98765-4321' }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const customerId = res.json().customerId as string;
    // Nothing has run yet: the count is stale and the job waits in the queue.
    assert.equal((await customer(customerId)).ordersCount, 0);
    assert.equal((await queuedJobs(t.database, 'customers.refresh-stats')).length, 1);

    worker = await startWorker({
      database: t.database,
      config: t.config,
      logger: log.logger,
      tasks: [...allTasks, ...testTasks],
      concurrency: 4,
    });
    await waitFor('ordersCount = 1', async () => (await customer(customerId)).ordersCount === 1);
    const c = await customer(customerId);
    assert.ok(c.firstOrderAt && c.lastOrderAt);
    await waitFor('the job to leave the queue', async () => (await queuedJobs(t.database)).length === 0);

    // Cancelling the order takes it out of the count again.
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${res.json().id}/cancel`,
      headers: shop.auth,
    });
    assert.equal(cancel.statusCode, 200, cancel.body);
    await waitFor('ordersCount = 0 after cancel', async () => (await customer(customerId)).ordersCount === 0);
  });

  test('an order recorded through upsertOrder (another channel) is counted for the same customer', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: shop.auth,
      payload: orderInput('#W2', { email: 'second.worker@example.com', phone: '(21) 99876-5432' }),
    });
    assert.equal(first.statusCode, 201, first.body);
    const customerId = first.json().customerId as string;
    await waitFor('ordersCount = 1', async () => (await customer(customerId)).ordersCount === 1);

    const data = orderDataFromApi(
      orderCreateSchema.parse({ ...orderInput('POS-77', { phone: '+55 21 99876 5432' }), channel: 'store' }),
      'BR',
    );
    const result = await withTransaction(t.database.db, (tx) =>
      upsertOrder({ tx, merchantId: shop.id, source: 'pos', data, defaultLocale: 'pt-BR' }),
    );
    assert.equal(result.outcome, 'created');
    await waitFor('ordersCount = 2', async () => (await customer(customerId)).ordersCount === 2);
  });

  test('a job with an invalid payload is dropped and logged, and the worker keeps going', async () => {
    await enqueue(t.database.db, 'customers.refresh-stats', { merchantId: 42, eventId: null });
    await waitFor('the invalid job to be dropped', async () =>
      log.lines.find((l) => l.msg === 'job payload is invalid; dropping it'),
    );
    const line = log.lines.find((l) => l.msg === 'job payload is invalid; dropping it')!;
    assert.equal(line.level, 50, 'logged as an error');
    assert.equal(line.task, 'customers.refresh-stats');
    assert.ok(Array.isArray(line.issues) && line.issues.length > 0, 'the log says what was wrong');
    // Not retried: it leaves the queue instead of waiting with attempts > 0.
    await waitFor(
      'the invalid job to leave the queue',
      async () => (await queuedJobs(t.database, 'customers.refresh-stats')).length === 0,
    );
    // The worker is still alive.
    await enqueue(t.database.db, 'test.record', { n: 1 });
    await waitFor('a later job to run', async () => runs.some((r) => r.task === 'test.record' && r.n === 1));
  });

  test('a task that throws is retried with backoff while other jobs still run', async () => {
    await enqueue(t.database.db, 'test.flaky', { n: 7 });
    const failed = await waitFor('the first failure to be recorded', async () => {
      const [job] = await queuedJobs(t.database, 'test.flaky');
      return job && job.attempts === 1 && job.locked_at === null ? job : undefined;
    });
    assert.match(failed.last_error ?? '', /flaky failure on attempt 1/);
    assert.ok(failed.run_at.getTime() > Date.now() - 500, 'the retry is scheduled for later, not dropped');

    // Meanwhile other work is not held up.
    await enqueue(t.database.db, 'test.record', { n: 2 });
    await waitFor('another job to run during the backoff', async () =>
      runs.some((r) => r.task === 'test.record' && r.n === 2),
    );
    assert.equal((await queuedJobs(t.database, 'test.flaky')).length, 1, 'the flaky job still waits');

    await waitFor(
      'the retry to succeed',
      async () => (await queuedJobs(t.database, 'test.flaky')).length === 0,
      20_000,
    );
    assert.deepEqual(
      runs.filter((r) => r.task === 'test.flaky').map((r) => r.attempt),
      [1, 2],
    );
    const failure = log.lines.find((l) => String(l.msg).includes('flaky failure on attempt 1'));
    assert.ok(failure, 'the failure was logged');
    assert.ok(Number(failure.level) >= 40, 'as a warning or an error');
  });
});

describe('graceful shutdown', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());

  test('stop() waits for the running job to finish and takes no new ones', async () => {
    const events: string[] = [];
    let release!: () => void;
    const hold = new Promise<void>((r) => {
      release = r;
    });
    const slow = defineTask({
      name: 'test.slow',
      payload: z.object({ n: z.number() }),
      async run({ n }) {
        events.push(`start ${n}`);
        await hold;
        await new Promise((r) => setTimeout(r, 200));
        events.push(`finish ${n}`);
      },
    });
    const worker = await startWorker({
      database,
      config: testConfig(),
      logger: pino({ level: 'silent' }),
      tasks: [slow],
      concurrency: 1,
    });
    await enqueue(database.db, 'test.slow', { n: 1 });
    await waitFor('the job to start', async () => events.includes('start 1'));

    const stopped = worker.stop().then(() => events.push('stopped'));
    // Give stop() every chance to return early.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!events.includes('stopped'), 'stop() returned while a job was still running');
    await enqueue(database.db, 'test.slow', { n: 2 });
    release();
    await stopped;

    assert.deepEqual(events, ['start 1', 'finish 1', 'stopped']);
    const left = await queuedJobs(database);
    assert.equal(
      left.length,
      1,
      `the finished job completed; only the new one is left: ${JSON.stringify(left)}`,
    );
    assert.equal(left[0]!.attempts, 0, 'the job added during shutdown was not started');
    assert.equal(left[0]!.locked_at, null, 'and is not left locked for another worker');
  });
});
