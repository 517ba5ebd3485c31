/**
 * `npm run bench -- ingest`
 * 1. Shopify orders/create webhooks with the full payload and a real HMAC, each persisted with its raw
 *    delivery, customer, catalogue links, order, lines, domain events and jobs in one transaction:
 *    throughput at 32 connections, then latency at a fixed 2,000 req/s. Ceiling: bare node:http, same bodies.
 * 2. Bulk import of order lines (CSV) against a raw multi-row INSERT (and COPY) of the same rows.
 * Durable: PostgreSQL runs with fsync and synchronous_commit on.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connectDatabase, type DatabaseHandle } from '../src/db/pool.ts';
import { createMerchant } from '../src/modules/merchants/index.ts';
import { importOrdersFile } from '../src/modules/orders/import/index.ts';
import { benchDatabase, freePort } from './lib/database.ts';
import { type LoadResult, load } from './lib/load.ts';
import { startProcess } from './lib/processes.ts';
import { ratio, saveResult } from './lib/report.ts';
import { shopifyOrderFactory } from './lib/shopify-orders.ts';

const SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';
const SHOP = 'bench-shop.myshopify.com';
const SHOP_SECRET = 'bench-webhook-secret';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 32;
const IMPORT_LINES = Number(process.env.BENCH_IMPORT_LINES ?? 300_000);
// BENCH_ONLY=import skips the webhook half (and saving a result file) to iterate on the import alone.
const ONLY = process.env.BENCH_ONLY ?? '';

function fmt(r: LoadResult) {
  return `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
}

export async function runBench() {
  const database = await benchDatabase('afterglow_bench_ingest');
  const handle = connectDatabase({ url: database.url, poolSize: 4 });
  try {
    const { merchant } = await createMerchant({
      db: handle.db,
      config: { SECRET_KEY },
      input: { name: 'Bench Shop', locale: 'en', currency: 'USD', timezone: 'UTC' },
      integrations: [{ kind: 'shopify', externalRef: SHOP, secret: SHOP_SECRET }],
    });

    if (ONLY === 'import') {
      await benchImport(database.url, handle, merchant.id);
      return;
    }

    // --- 1. webhooks ---------------------------------------------------------------------------
    const orders = shopifyOrderFactory({ secret: SHOP_SECRET, customers: 5000, prefix: 'B' });
    const next = (offset: number) => (i: number) => {
      const o = orders(offset + i);
      return {
        body: o.body,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-shop-domain': SHOP,
          'x-shopify-hmac-sha256': o.hmac,
          'x-shopify-webhook-id': o.webhookId,
        },
      };
    };
    const payloadBytes = Buffer.byteLength(orders(0).body);

    const barePort = await freePort();
    const bare = await startProcess({
      script: 'bench/lib/bare-server.ts',
      args: [String(barePort)],
      healthUrl: `http://127.0.0.1:${barePort}/`,
    });
    await load({
      url: `http://127.0.0.1:${barePort}/webhooks/shopify`,
      method: 'POST',
      connections: CONNECTIONS,
      seconds: 2,
      next: next(0),
    });
    const ceiling = await load({
      url: `http://127.0.0.1:${barePort}/webhooks/shopify`,
      method: 'POST',
      connections: CONNECTIONS,
      seconds: SECONDS,
      next: next(0),
    });
    await bare.stop();
    console.log(`ceiling  bare node:http            ${fmt(ceiling)}`);

    const port = await freePort();
    const server = await startProcess({
      script: 'src/cli.ts',
      args: ['serve'],
      env: {
        DATABASE_URL: database.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SECRET_KEY,
        NODE_ENV: 'production',
        DB_POOL_SIZE: '16',
      },
      healthUrl: `http://127.0.0.1:${port}/healthz`,
    });
    const url = `http://127.0.0.1:${port}/webhooks/shopify`;
    let offset = 0;
    const warm = await load({
      url,
      method: 'POST',
      connections: CONNECTIONS,
      seconds: 3,
      next: next(offset),
    });
    offset += warm.requests + 1000;
    const ours = await load({
      url,
      method: 'POST',
      connections: CONNECTIONS,
      seconds: SECONDS,
      next: next(offset),
    });
    offset += ours.requests + 1000;
    console.log(
      `ours     webhooks, 32 connections ${fmt(ours)}  (${ratio(ours.rps, ceiling.rps)} of ceiling)`,
    );
    const paced = await load({
      url,
      method: 'POST',
      connections: CONNECTIONS,
      seconds: 10,
      overallRate: 2000,
      next: next(offset),
    });
    console.log(`ours     webhooks at 2,000 req/s  ${fmt(paced)}`);
    await server.stop();

    const counts = await handle.pool.query(`SELECT
        (SELECT count(*) FROM orders)::int AS orders,
        (SELECT count(*) FROM order_lines)::int AS lines,
        (SELECT count(*) FROM events)::int AS events,
        (SELECT count(*) FROM inbound_events)::int AS deliveries,
        (SELECT count(*) FROM graphile_worker.jobs)::int AS jobs`);
    const stored = counts.rows[0];
    const accepted =
      warm.requests -
      warm.non2xx -
      warm.errors +
      ours.requests -
      ours.non2xx -
      ours.errors +
      paced.requests -
      paced.non2xx -
      paced.errors;
    console.log(
      `durable  ${stored.orders} orders, ${stored.lines} lines, ${stored.events} events, ${stored.jobs} jobs for ${accepted} accepted requests`,
    );

    // --- 2. bulk import ------------------------------------------------------------------------
    const { imported, raw } = await benchImport(database.url, handle, merchant.id);

    const file = await saveResult('ingest', {
      webhooks: {
        payloadBytes,
        connections: CONNECTIONS,
        seconds: SECONDS,
        ceilingBareHttp: ceiling,
        ours,
        ratio: ours.rps / ceiling.rps,
        at2000rps: paced,
        durable: { ...stored, acceptedRequests: accepted },
      },
      import: {
        lines: imported.linesImported,
        orders: imported.ordersImported,
        seconds: imported.seconds,
        linesPerSecond: imported.linesPerSecond,
        ceilingMultiRowInsertRowsPerSecond: raw.multiRow,
        ceilingCopyRowsPerSecond: raw.copy,
        ratio: imported.linesPerSecond / raw.multiRow,
      },
    });
    console.log(`saved    ${path.relative(process.cwd(), file)}`);
  } finally {
    await handle.close();
    await database.stop();
  }
}

/** The import of a synthetic CSV, then the raw-insert ceiling for the same number of rows. */
async function benchImport(url: string, handle: DatabaseHandle, merchantId: string) {
  const csvFile = path.join(tmpdir(), `afterglow-bench-${Date.now()}.csv`);
  await writeFile(csvFile, syntheticCsv(IMPORT_LINES));
  try {
    const imported = await importOrdersFile({
      db: handle.db,
      merchantId,
      file: csvFile,
      batchSize: 1000,
    });
    console.log(
      `ours     import ${imported.linesImported} lines in ${imported.seconds.toFixed(2)} s = ${imported.linesPerSecond} lines/s`,
    );
    const raw = await rawInsertCeiling(url, IMPORT_LINES);
    console.log(
      `ceiling  raw multi-row INSERT ${raw.multiRow} rows/s, COPY ${raw.copy} rows/s; import is ${ratio(imported.linesPerSecond, raw.multiRow)} of multi-row, ${ratio(imported.linesPerSecond, raw.copy)} of COPY`,
    );
    return { imported, raw };
  } finally {
    await rm(csvFile, { force: true });
    await rm(csvFile.replace(/\.csv$/, '.rejected.csv'), { force: true });
  }
}

/** Afterglow's CSV layout: orders of 1-5 lines, 2,000 customers, 500 products. */
function syntheticCsv(lines: number): string {
  const out = [
    'order_number,placed_at,currency,email,first_name,sku,product_id,title,variant_title,quantity,unit_price,ship_country',
  ];
  let n = 0;
  for (let order = 0; n < lines; order++) {
    const count = 1 + (order % 5);
    const placed = new Date(Date.UTC(2025, 0, 1) + order * 60_000).toISOString();
    for (let k = 0; k < count && n < lines; k++, n++) {
      const p = (order * 7 + k * 13) % 500;
      out.push(
        `B${order},${placed},EUR,c${order % 2000}@bench.example,Kim,SKU-${p},P${p},Product ${p},Size M,${1 + (k % 3)},${(p % 90) + 9}.90,SE`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** The same number of rows written to a plain table by multi-row INSERT (1,000 rows a statement) and by COPY. */
async function rawInsertCeiling(url: string, rows: number) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE bench_lines (merchant_id text, id text, order_id text, position int, sku text, title text,
    variant_title text, quantity int, unit_price_minor bigint, PRIMARY KEY (merchant_id, id))`);
  const row = (i: number) => [
    'mer_bench',
    `oln_${i}`,
    `ord_${Math.floor(i / 3)}`,
    (i % 3) + 1,
    `SKU-${i % 500}`,
    `Product ${i % 500}`,
    'Size M',
    1 + (i % 3),
    1990,
  ];
  let start = performance.now();
  await client.query('BEGIN');
  for (let i = 0; i < rows; i += 1000) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let j = i; j < Math.min(i + 1000, rows); j++) {
      const r = row(j);
      tuples.push(`(${r.map((_, k) => `$${values.length + k + 1}`).join(',')})`);
      values.push(...r);
    }
    await client.query(`INSERT INTO bench_lines VALUES ${tuples.join(',')}`, values);
  }
  await client.query('COMMIT');
  const multiRow = Math.round(rows / ((performance.now() - start) / 1000));
  await client.query('TRUNCATE bench_lines');
  start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom('COPY bench_lines FROM STDIN'));
    stream.on('finish', resolve);
    stream.on('error', reject);
    for (let i = 0; i < rows; i += 1000) {
      let chunk = '';
      for (let j = i; j < Math.min(i + 1000, rows); j++) chunk += `${row(j).join('\t')}\n`;
      stream.write(chunk);
    }
    stream.end();
  });
  const copy = Math.round(rows / ((performance.now() - start) / 1000));
  await client.query('DROP TABLE bench_lines');
  await client.end();
  return { multiRow, copy };
}
