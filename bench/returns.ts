/**
 * `npm run bench -- returns`
 * 1. The returns portal: GET /returns/o/{token} (the order, its lines and the policy evaluated for each
 *    line) for 500 delivered orders, at 32 connections and paced at 500 req/s. Ceiling: bare node:http
 *    answering a page of the same size in the same run.
 * 2. Voucher redemptions under contention: 32 connections spending 1.00 at a time from 10 gift vouchers
 *    through POST /api/v1/vouchers/redeem (each one durable transaction with the account row locked).
 *    Ceiling: the same number of bare `UPDATE ... SET balance = balance - 1` transactions on 10 rows.
 * 3. PDFs: packing slip + exchange instructions for one order, rendered in-process, per second. Ceiling:
 *    pdfkit writing one A4 page with the same embedded fonts and one line of text.
 * Durable: PostgreSQL runs with fsync and synchronous commit on.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import pg from 'pg';
import { connectDatabase, withTransaction } from '../src/db/pool.ts';
import { issueGiftVoucher } from '../src/modules/credit/index.ts';
import { createMerchant } from '../src/modules/merchants/index.ts';
import { link } from '../src/modules/messages/links.ts';
import { loadPackingSlip } from '../src/modules/printouts/load-packing-slip.ts';
import { renderOrderPrintouts } from '../src/modules/printouts/render.ts';
import { benchDatabase, freePort } from './lib/database.ts';
import { type LoadResult, load } from './lib/load.ts';
import { startProcess } from './lib/processes.ts';
import { ratio, saveResult } from './lib/report.ts';

const SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';
const ORDERS = Number(process.env.BENCH_ORDERS ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const VOUCHERS = 10;

const fmt = (r: LoadResult) =>
  `${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`;

export async function runBench() {
  const database = await benchDatabase('afterglow_bench_returns');
  const handle = connectDatabase({ url: database.url, poolSize: 4 });
  const port = await freePort();
  try {
    const { merchant, apiKey } = await createMerchant({
      db: handle.db,
      config: { SECRET_KEY },
      input: { name: 'Bench Moda', locale: 'pt-BR', currency: 'BRL', timezone: 'America/Sao_Paulo' },
    });
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
    const base = `http://127.0.0.1:${port}`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
    const api = async (url: string, body: unknown) => {
      const res = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ id: string; lines: Array<{ id: string }> }>;
    };
    try {
      // --- seed: delivered orders ------------------------------------------------------------------
      const delivered = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const orderIds: string[] = [];
      for (let i = 0; i < ORDERS; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, ORDERS - i) }, async (_, k) => {
            const n = i + k;
            const order = await api('/api/v1/orders', {
              number: `#B${n}`,
              currency: 'BRL',
              paymentStatus: 'paid',
              customer: { email: `cliente${n}@example.com.br` },
              shippingAddress: {
                city: 'São Paulo',
                postalCode: '01310-100',
                country: 'BR',
                regionCode: 'SP',
              },
              lines: [
                { sku: 'VEST-M', title: 'Vestido', quantity: 1, unitPrice: 19900 },
                { sku: 'MEIA', title: 'Meias', quantity: 2, unitPrice: 2500 },
                { sku: 'BLUSA', title: 'Blusa', quantity: 1, unitPrice: 8900 },
              ],
            });
            const shipment = await api(`/api/v1/orders/${order.id}/shipments`, {
              carrier: 'correios',
              shippedAt: delivered,
            });
            await api('/api/v1/tracking-events', {
              events: [{ shipmentId: shipment.id, occurredAt: delivered, status: 'delivered' }],
            });
            orderIds.push(order.id);
          }),
        );
      }
      console.log(`seeded   ${orderIds.length} delivered orders`);

      // --- 1. the portal ----------------------------------------------------------------------------
      const paths = orderIds.map(
        (o) => `/returns/o/${link('', SECRET_KEY, { k: 't', m: merchant.id, o }).slice(3)}`,
      );
      const probe = await fetch(`${base}${paths[0]}`);
      const html = await probe.text();
      if (probe.status !== 200) throw new Error(`portal answered ${probe.status}`);
      const barePort = await freePort();
      const bare = await startProcess({
        script: 'bench/lib/bare-server.ts',
        args: [String(barePort), String(Buffer.byteLength(html))],
        healthUrl: `http://127.0.0.1:${barePort}/`,
      });
      const ceiling = await load({ url: `http://127.0.0.1:${barePort}/`, connections: 32, seconds: SECONDS });
      await bare.stop();
      console.log(`ceiling  bare node:http                       ${fmt(ceiling)}`);
      const nextPage = (i: number) => ({ path: paths[i % paths.length]! });
      await load({ url: base, connections: 32, seconds: 2, next: nextPage });
      const portal = await load({ url: base, connections: 32, seconds: SECONDS, next: nextPage });
      console.log(
        `ours     portal page + policy, 32 connections ${fmt(portal)} (${ratio(portal.rps, ceiling.rps)} of ceiling)`,
      );
      const paced = await load({
        url: base,
        connections: 32,
        seconds: SECONDS,
        overallRate: 500,
        next: nextPage,
      });
      console.log(`ours     portal at 500 req/s                  ${fmt(paced)} (goal p99 <= 50 ms)`);

      // --- 2. voucher redemptions under contention -------------------------------------------------
      const codes: string[] = [];
      for (let v = 0; v < VOUCHERS; v++) {
        const issued = await withTransaction(handle.db, (tx) =>
          issueGiftVoucher({
            tx,
            merchantId: merchant.id,
            amount: 100_000_000,
            currency: 'BRL',
            idempotencyKey: `bench-${v}`,
          }),
        );
        codes.push(issued.code!);
      }
      let r = 0;
      const redeem = await load({
        url: base,
        method: 'POST',
        connections: 32,
        seconds: SECONDS,
        next: (i) => ({
          path: '/api/v1/vouchers/redeem',
          headers,
          body: JSON.stringify({
            code: codes[i % VOUCHERS],
            amount: 100,
            currency: 'BRL',
            orderRef: `bench-${++r}`,
          }),
        }),
      });
      const rowCeiling = await updateCeiling(database.url);
      console.log(`ceiling  bare row-lock UPDATEs on ${VOUCHERS} rows     ${Math.round(rowCeiling)} tx/s`);
      console.log(
        `ours     voucher redemptions                  ${fmt(redeem)} (${ratio(redeem.rps, rowCeiling)} of ceiling)`,
      );

      // --- 3. PDFs ---------------------------------------------------------------------------------
      const slip = await loadPackingSlip({
        db: handle.db,
        config: { PUBLIC_URL: base, SECRET_KEY },
        merchantId: merchant.id,
        orderId: orderIds[0]!,
      });
      const pdfs = await perSecond(() => renderOrderPrintouts([slip]));
      const bareFonts = await perSecond(barePdf);
      console.log(`ceiling  bare pdfkit page with the same fonts  ${bareFonts.toFixed(1)} PDFs/s`);
      console.log(
        `ours     packing slip + exchange instructions ${pdfs.toFixed(1)} PDFs/s (${ratio(pdfs, bareFonts)} of ceiling)`,
      );

      const file = await saveResult('returns', {
        orders: ORDERS,
        portal: {
          htmlBytes: Buffer.byteLength(html),
          ceilingBareHttp: ceiling,
          ours: portal,
          at500rps: paced,
        },
        vouchers: { vouchers: VOUCHERS, ours: redeem, ceilingRowUpdatesPerSecond: rowCeiling },
        pdf: { oursPerSecond: pdfs, ceilingBarePdfPerSecond: bareFonts },
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

/** 32 clients, each `BEGIN; UPDATE one of 10 rows; COMMIT`, for the same seconds: what row locks allow. */
async function updateCeiling(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 32 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_balance (id int PRIMARY KEY, balance bigint NOT NULL)');
  await pool.query(
    'INSERT INTO bench_balance SELECT g, 100000000 FROM generate_series(0, 9) g ON CONFLICT DO NOTHING',
  );
  const until = Date.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 32 }, async (_, c) => {
      const client = await pool.connect();
      let i = c;
      while (Date.now() < until) {
        await client.query('BEGIN');
        await client.query('UPDATE bench_balance SET balance = balance - 1 WHERE id = $1', [i++ % 10]);
        await client.query('COMMIT');
        done++;
      }
      client.release();
    }),
  );
  await pool.end();
  return done / SECONDS;
}

async function perSecond(render: () => Promise<Buffer>): Promise<number> {
  await render();
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 5000) {
    await render();
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

const require = createRequire(import.meta.url);
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

function barePdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.registerFont('r', REGULAR);
    doc.registerFont('b', BOLD);
    doc.font('b').text('Pedido #B1 — Łukasz Ôrjan');
    doc.font('r').text('São Paulo');
    doc.end();
  });
}
