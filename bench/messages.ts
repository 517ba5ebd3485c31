/**
 * `npm run bench -- messages`
 * 1. End to end: N orders placed (events and jobs committed), then a worker process turns them into
 *    rendered order-confirmation emails through a journey and delivers them over SMTP to a local sink.
 *    Emails/s from the worker's start until the sink has them all.
 * 2. Renders/s alone: the order confirmation (subject, HTML, text) rendered in a loop, four locales.
 * Ceiling: the job queue alone — N no-op jobs through the same worker setup, in the same run.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from 'graphile-worker';
import { connectDatabase, type DatabaseHandle, withTransaction } from '../src/db/pool.ts';
import { enqueueMany } from '../src/jobs/enqueue.ts';
import { silentWorkerLogger } from '../src/jobs/worker-logger.ts';
import { createJourney } from '../src/modules/journeys/manage.ts';
import { createMerchant } from '../src/modules/merchants/index.ts';
import { createOrders, orderDataFromApi } from '../src/modules/orders/index.ts';
import { defaultLayout, defaultTemplate } from '../src/modules/templates/defaults.ts';
import { compileTemplate, renderTemplate } from '../src/modules/templates/engine.ts';
import { sampleContext } from '../src/modules/templates/sample-context.ts';
import { benchDatabase, freePort } from './lib/database.ts';
import { startProcess } from './lib/processes.ts';
import { ratio, saveResult } from './lib/report.ts';
import { startSmtpSink } from './lib/smtp-sink.ts';

const SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';
const N = Number(process.env.BENCH_MESSAGES ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16);
const LOCALES = ['en', 'pt-BR', 'es', 'sv'] as const;
const CURRENCY = { en: 'USD', 'pt-BR': 'BRL', es: 'EUR', sv: 'SEK' } as const;

export async function runBench() {
  const renders = await rendersPerSecond();
  console.log(
    `ours     renders alone            ${Math.round(renders)} renders/s (order confirmation: subject, HTML, text; 4 locales, one core)`,
  );

  const database = await benchDatabase('afterglow_bench_messages');
  const handle = connectDatabase({ url: database.url, poolSize: 8 });
  const sink = await startSmtpSink();
  try {
    const ceiling = await queueCeiling(handle, N);
    console.log(
      `ceiling  job queue alone          ${Math.round(ceiling)} jobs/s (${N} no-op jobs, concurrency ${CONCURRENCY})`,
    );

    const { merchant } = await createMerchant({
      db: handle.db,
      config: { SECRET_KEY },
      input: {
        name: 'Bench Shop',
        locale: 'en',
        currency: 'USD',
        timezone: 'UTC',
        senderEmail: 'shop@bench.example',
      },
    });
    await createJourney(handle.db, {
      merchantId: merchant.id,
      name: 'Confirmation',
      active: true,
      definition: {
        trigger: { event: 'order.placed' },
        subject: 'order',
        conditions: [],
        steps: [{ type: 'send', template: 'order_confirmation', channel: 'email' }],
        exits: [],
      },
    });
    for (let i = 0; i < N; i += 500) {
      const batch = Array.from({ length: Math.min(500, N - i) }, (_, k) => {
        const n = i + k;
        const locale = LOCALES[n % 4]!;
        return {
          data: orderDataFromApi(
            {
              number: `#B${n}`,
              currency: CURRENCY[locale],
              locale,
              channel: 'web',
              campaignTags: [],
              tags: [],
              customer: { email: `buyer${n}@bench.example`, firstName: 'Kim' },
              lines: [
                { title: 'Linen throw', variantTitle: 'Moss', quantity: 1, unitPrice: 8900, sku: 'LT' },
                {
                  title: 'Wool slippers',
                  variantTitle: '42',
                  quantity: 2,
                  unitPrice: 5900,
                  sku: 'WS',
                  properties: [{ name: 'Embroidery', value: 'K' }],
                },
              ],
              shipping: { method: 'Home delivery', price: 590 },
              discounts: [],
              taxesIncluded: true,
              promisedDelivery: { earliest: '2026-12-03', latest: '2026-12-06' },
              paymentStatus: 'pending',
            },
            'SE',
          ),
        };
      });
      await withTransaction(handle.db, (tx) =>
        createOrders({ tx, merchantId: merchant.id, source: 'bench', defaultLocale: 'en', orders: batch }),
      );
    }
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'afterglow-bench-worker-'));
    const started = performance.now();
    const worker = await startProcess({
      script: 'src/cli.ts',
      args: ['start'],
      env: {
        DATABASE_URL: database.url,
        SMTP_URL: sink.url,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        SECRET_KEY,
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        DEMO: 'false',
        WORKER_CONCURRENCY: String(CONCURRENCY),
        DB_POOL_SIZE: String(CONCURRENCY + 6),
      },
      healthUrl: `http://127.0.0.1:${port}/healthz`,
    });
    const deadline = Date.now() + 600_000;
    while (sink.count() < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - started) / 1000;
    await worker.stop();
    const emailsPerSecond = sink.count() / seconds;
    const { rows } = await handle.pool.query(
      `SELECT status, count(*)::int AS n FROM messages GROUP BY status ORDER BY status`,
    );
    if (process.env.BENCH_DEBUG) {
      const t =
        await handle.pool.query(`SELECT min(created_at) AS first_msg, max(created_at) AS last_msg, min(sent_at) AS first_sent, max(sent_at) AS last_sent,
        avg(extract(epoch from sent_at - created_at)) AS avg_wait FROM messages`);
      console.log(t.rows[0], 'worker started', new Date(Date.now() - seconds * 1000));
    }
    console.log(
      `ours     end to end               ${Math.round(emailsPerSecond)} emails/s (${sink.count()} of ${N} accepted by the SMTP sink in ${seconds.toFixed(1)} s; ${ratio(emailsPerSecond, ceiling)} of the queue's job rate)`,
    );
    console.log(`         message rows: ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
    const file = await saveResult('messages', {
      orders: N,
      workerConcurrency: CONCURRENCY,
      rendersPerSecond: renders,
      endToEnd: { emails: sink.count(), seconds, emailsPerSecond, messageStatuses: rows },
      ceilingJobQueueJobsPerSecond: ceiling,
      ratio: emailsPerSecond / ceiling,
    });
    console.log(`saved    ${path.relative(process.cwd(), file)}`);
  } finally {
    await sink.close();
    await handle.close();
    await database.stop();
  }
}

async function rendersPerSecond(): Promise<number> {
  const compiled = await Promise.all(
    LOCALES.map((l) => compileTemplate(defaultTemplate('order_confirmation', 'email')!, defaultLayout(), l)),
  );
  const scopes = LOCALES.map((l) => ({ ...sampleContext(l), category: 'transactional' }));
  for (let i = 0; i < 2000; i++) renderTemplate(compiled[i % 4]!, scopes[i % 4]!);
  const count = 20_000;
  const t = performance.now();
  for (let i = 0; i < count; i++) renderTemplate(compiled[i % 4]!, scopes[i % 4]!);
  return count / ((performance.now() - t) / 1000);
}

/** The same worker machinery with a task that does nothing: how many jobs/s the queue itself manages. */
async function queueCeiling(handle: DatabaseHandle, n: number): Promise<number> {
  const pool = handle.pool;
  for (let i = 0; i < n; i += 1000) {
    await enqueueMany(
      handle.db,
      Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
        task: 'bench.noop',
        payload: { i: i + k },
      })),
    );
  }
  let done = 0;
  const started = performance.now();
  const runner = await run({
    pgPool: pool,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    logger: silentWorkerLogger,
    taskList: {
      'bench.noop': async () => {
        done++;
      },
    },
    preset: {
      worker: {
        localQueue: { size: Math.max(CONCURRENCY * 2, 20) },
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });
  while (done < n) await new Promise((r) => setTimeout(r, 20));
  const rate = n / ((performance.now() - started) / 1000);
  await runner.stop();
  return rate;
}
