/**
 * `npm run bench -- tracking`
 * 1. Batch event ingest: carrier scans pushed to POST /api/v1/tracking-events in batches of 5,000 through the
 *    real server, each batch stored (deduplicated, shipments moved, shipment.<status> events appended) in one
 *    durable transaction. Ceiling: raw COPY of the same rows into a table shaped like tracking_events.
 * 2. The branded tracking page (GET /t/{token}), when it is served: requests/s at 32 connections and p99 at
 *    a fixed 2,000 req/s. Ceiling: bare node:http in the same run.
 * Durable: PostgreSQL runs with fsync and synchronous commit on.
 */
import path from 'node:path';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connectDatabase } from '../src/db/pool.ts';
import { createMerchant } from '../src/modules/merchants/index.ts';
import { link } from '../src/modules/messages/links.ts';
import { benchDatabase, freePort } from './lib/database.ts';
import { type LoadResult, load } from './lib/load.ts';
import { startProcess } from './lib/processes.ts';
import { ratio, saveResult } from './lib/report.ts';

const SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';
const SHIPMENTS = Number(process.env.BENCH_SHIPMENTS ?? 20_000);
const SCANS_PER_SHIPMENT = 5;
const BATCH = 5_000;
const PUSH_CONCURRENCY = 4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STAGES = ['info_received', 'in_transit', 'in_transit', 'out_for_delivery', 'delivered'] as const;

function fmt(r: LoadResult) {
  return `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;
}

interface Scan {
  trackingNumber: string;
  occurredAt: string;
  status: string;
  location: string;
  description: string;
}

/** Scan k of shipment i: a day apart, ending in delivery; pushed interleaved across parcels, like a 3PL does. */
function scans(): Scan[] {
  const out: Scan[] = [];
  const start = Date.parse('2026-11-02T08:00:00Z');
  for (let k = 0; k < SCANS_PER_SHIPMENT; k++) {
    for (let i = 0; i < SHIPMENTS; i++) {
      out.push({
        trackingNumber: `BENCH${String(i).padStart(8, '0')}`,
        occurredAt: new Date(start + k * 86_400_000 + (i % 3600) * 1000).toISOString(),
        status: STAGES[k]!,
        location: `Hub ${i % 40}, SE`,
        description: `Scan ${k + 1}`,
      });
    }
  }
  return out;
}

export async function runBench() {
  const database = await benchDatabase('afterglow_bench_tracking');
  const handle = connectDatabase({ url: database.url, poolSize: 4 });
  try {
    const { merchant, apiKey } = await createMerchant({
      db: handle.db,
      config: { SECRET_KEY },
      input: { name: 'Bench Shop', locale: 'sv', currency: 'SEK', timezone: 'Europe/Stockholm' },
    });
    await seedShipments(handle.pool, merchant.id);
    const all = scans();
    const batches: string[] = [];
    for (let i = 0; i < all.length; i += BATCH)
      batches.push(JSON.stringify({ events: all.slice(i, i + BATCH) }));

    // --- ceiling: raw COPY of the same rows -------------------------------------------------------
    const copyRate = await copyCeiling(handle.pool, merchant.id, all);
    console.log(`ceiling  raw COPY into tracking_events' shape   ${Math.round(copyRate)} rows/s`);

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
    try {
      // --- 1. batch ingest through the API ------------------------------------------------------
      const base = `http://127.0.0.1:${port}`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
      let accepted = 0;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: PUSH_CONCURRENCY }, async () => {
          while (next < batches.length) {
            const body = batches[next++]!;
            const res = await fetch(`${base}/api/v1/tracking-events`, { method: 'POST', headers, body });
            if (!res.ok) throw new Error(`push failed: ${res.status} ${await res.text()}`);
            accepted += ((await res.json()) as { accepted: number }).accepted;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const eventsPerSecond = accepted / seconds;
      console.log(
        `ours     batch push ${accepted} scans in ${seconds.toFixed(1)} s = ${Math.round(eventsPerSecond)} events/s ` +
          `(${ratio(eventsPerSecond, copyRate)} of raw COPY; goal 10,000/s)`,
      );
      const stored = (
        await handle.pool.query(`SELECT
          (SELECT count(*) FROM tracking_events)::int AS scans,
          (SELECT count(*) FROM shipments WHERE status = 'delivered')::int AS delivered,
          (SELECT count(*) FROM orders WHERE status = 'delivered')::int AS orders_delivered,
          (SELECT count(*) FROM events WHERE type LIKE 'shipment.%')::int AS events`)
      ).rows[0];
      console.log(
        `durable  ${stored.scans} scans, ${stored.delivered} of ${SHIPMENTS} shipments and ${stored.orders_delivered} orders delivered, ${stored.events} shipment events`,
      );

      // --- 2. tracking page -------------------------------------------------------------------------
      const orderIds = (
        await handle.pool.query('SELECT id FROM orders WHERE merchant_id = $1 ORDER BY id LIMIT 1000', [
          merchant.id,
        ])
      ).rows.map((r) => r.id as string);
      const paths = orderIds.map(
        (o) => new URL(link(base, SECRET_KEY, { k: 't', m: merchant.id, o })).pathname,
      );
      const probe = await fetch(`${base}${paths[0]}`);
      let page: Record<string, unknown> | null = null;
      if (probe.status !== 200) {
        console.log(
          `page     GET /t/{token} answered ${probe.status}: the tracking page is not served; skipped`,
        );
      } else {
        const html = await probe.text();
        const barePort = await freePort();
        const bare = await startProcess({
          script: 'bench/lib/bare-server.ts',
          args: [String(barePort), String(Buffer.byteLength(html))],
          healthUrl: `http://127.0.0.1:${barePort}/`,
        });
        const ceiling = await load({
          url: `http://127.0.0.1:${barePort}/`,
          connections: 32,
          seconds: SECONDS,
        });
        await bare.stop();
        console.log(`ceiling  bare node:http                 ${fmt(ceiling)}`);
        const nextPage = (i: number) => ({ path: paths[i % paths.length]! });
        await load({ url: base, connections: 32, seconds: 2, next: nextPage });
        const ours = await load({ url: base, connections: 32, seconds: SECONDS, next: nextPage });
        console.log(
          `ours     tracking page, 32 connections ${fmt(ours)} (${ratio(ours.rps, ceiling.rps)} of ceiling; goal 6,000 req/s)`,
        );
        const paced = await load({
          url: base,
          connections: 32,
          seconds: SECONDS,
          overallRate: 2000,
          next: nextPage,
        });
        console.log(`ours     tracking page at 2,000 req/s  ${fmt(paced)} (goal p99 <= 25 ms)`);
        page = {
          htmlBytes: Buffer.byteLength(html),
          ceilingBareHttp: ceiling,
          ours,
          ratio: ours.rps / ceiling.rps,
          at2000rps: paced,
        };
      }
      const file = await saveResult('tracking', {
        ingest: {
          shipments: SHIPMENTS,
          scans: all.length,
          batchSize: BATCH,
          concurrency: PUSH_CONCURRENCY,
          seconds,
          eventsPerSecond,
          ceilingCopyRowsPerSecond: copyRate,
          ratio: eventsPerSecond / copyRate,
          durable: stored,
        },
        page,
      });
      console.log(`saved    ${path.relative(process.cwd(), file)}`);
    } finally {
      await server.stop();
    }
  } finally {
    await handle.close();
    await database.stop();
  }
}

/** Orders and shipments for the scans to land on, written directly: setting up is not what we measure. */
async function seedShipments(pool: pg.Pool, merchantId: string) {
  await pool.query(
    `INSERT INTO orders (merchant_id, id, source, external_id, number, locale, currency, status, payment_status,
                         subtotal_minor, total_minor, placed_at, email, shipping_address, promised_latest)
     SELECT $1, 'ord_b' || lpad(i::text, 8, '0'), 'bench', i::text, '#' || i, 'sv', 'SEK', 'shipped', 'paid',
            19900, 19900, '2026-11-01T10:00:00Z', 'kund' || i || '@example.se', '{"country":"SE"}', '2026-11-09'
     FROM generate_series(0, $2 - 1) i`,
    [merchantId, SHIPMENTS],
  );
  await pool.query(
    `INSERT INTO shipments (merchant_id, id, order_id, source, external_id, carrier, tracking_number, status, shipped_at)
     SELECT $1, 'shp_b' || lpad(i::text, 8, '0'), 'ord_b' || lpad(i::text, 8, '0'), 'bench', i::text, 'postnord',
            'BENCH' || lpad(i::text, 8, '0'), 'pending', '2026-11-02T07:00:00Z'
     FROM generate_series(0, $2 - 1) i`,
    [merchantId, SHIPMENTS],
  );
  // One line per order, in its parcel: a delivery then moves the order to delivered, as in real life.
  await pool.query(
    `INSERT INTO order_lines (merchant_id, id, order_id, position, title, quantity, unit_price_minor)
     SELECT $1, 'lin_b' || lpad(i::text, 8, '0'), 'ord_b' || lpad(i::text, 8, '0'), 1, 'Mugg', 1, 19900
     FROM generate_series(0, $2 - 1) i`,
    [merchantId, SHIPMENTS],
  );
  await pool.query(
    `INSERT INTO shipment_lines (merchant_id, shipment_id, order_line_id, quantity)
     SELECT $1, 'shp_b' || lpad(i::text, 8, '0'), 'lin_b' || lpad(i::text, 8, '0'), 1
     FROM generate_series(0, $2 - 1) i`,
    [merchantId, SHIPMENTS],
  );
}

async function copyCeiling(pool: pg.Pool, merchantId: string, all: Scan[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query(
      'CREATE TABLE tracking_events_ceiling (LIKE tracking_events INCLUDING DEFAULTS INCLUDING INDEXES)',
    );
    const esc = (s: string) => s.replace(/[\\\t\n]/g, ' ');
    const rows = all.map(
      (s, i) =>
        `${merchantId}\tshp_b${s.trackingNumber.slice(5)}\tk${i}\tapi\t${s.occurredAt}\t${s.status}\t\\N\t\\N\t${esc(s.description)}\t${esc(s.location)}\n`,
    );
    const started = performance.now();
    await client.query('BEGIN');
    const stream = client.query(
      copyFrom(
        'COPY tracking_events_ceiling (merchant_id, shipment_id, dedupe_key, source, occurred_at, status, sub_status, raw_code, description, location) FROM STDIN',
      ),
    );
    await new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
      for (let i = 0; i < rows.length; i += 1000) stream.write(rows.slice(i, i + 1000).join(''));
      stream.end();
    });
    await client.query('COMMIT');
    const rate = all.length / ((performance.now() - started) / 1000);
    await client.query('DROP TABLE tracking_events_ceiling');
    return rate;
  } finally {
    client.release();
  }
}
