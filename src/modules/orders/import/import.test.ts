/**
 * Bulk import of order history, called directly: a slice of the real UCI Online Retail file (expectations
 * computed from the CSV here, independently of the importer), resuming after a crash, and the native CSV
 * and JSONL layouts with bad rows.
 */
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { tableState } from '../../../../test/api-fixtures.ts';
import {
  createTestDatabase,
  createTestMerchant,
  type TestDatabase,
  testConfig,
} from '../../../../test/helpers.ts';
import { hasSharedData, SKIP_NO_SHARED_DATA, sharedDataPath } from '../../../../test/shared-data.ts';
import { getOrder } from '../get-order.ts';
import { importOrdersFile } from './index.ts';
import { NATIVE_COLUMNS } from './native-csv.ts';

let database: TestDatabase;
let dir: string;
const config = testConfig();

before(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'afterglow-import-'));
});
after(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const merchant = (opts: { currency?: string } = {}) =>
  createTestMerchant({ database, config }, { currency: opts.currency ?? 'USD' });

interface ReportRow {
  row: string;
  reason: string;
  raw: string;
}

async function readReport(file: string): Promise<ReportRow[]> {
  return parse(await readFile(file, 'utf8'), { columns: true }) as ReportRow[];
}

async function count(table: 'orders' | 'order_lines' | 'customers' | 'events', merchantId: string) {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE merchant_id = ${merchantId}`.execute(
    database.db,
  );
  return rows[0]!.n;
}

async function orderByNumber(merchantId: string, number: string) {
  const row = await database.db
    .selectFrom('orders')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where('number', '=', number)
    .executeTakeFirst();
  assert.ok(row, `order ${number} was imported`);
  return getOrder({ db: database.db, merchantId, orderId: row.id });
}

/**
 * Runs an import while the database refuses to insert one order of the merchant, as a crash part-way
 * would: the import fails after committing the batches before it. The trigger is gone afterwards.
 */
async function crashWhileImporting(merchantId: string, externalId: string, run: () => Promise<unknown>) {
  await sql`
    CREATE FUNCTION test_crash_import() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.merchant_id = ${sql.lit(merchantId)} AND NEW.external_id = ${sql.lit(externalId)} THEN
        RAISE EXCEPTION 'simulated crash at order %', NEW.external_id;
      END IF;
      RETURN NEW;
    END $$`.execute(database.db);
  await sql`CREATE TRIGGER test_crash_import BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION test_crash_import()`.execute(database.db);
  try {
    await assert.rejects(run(), /simulated crash/);
  } finally {
    await sql`DROP TRIGGER test_crash_import ON orders`.execute(database.db);
    await sql`DROP FUNCTION test_crash_import()`.execute(database.db);
  }
}

async function importRun(merchantId: string) {
  return database.db
    .selectFrom('import_runs')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------------------
// UCI Online Retail: what the file says, computed here from the CSV alone.

const UCI = ['online_retail_uci', 'online_retail.csv.xz'] as const;
const SLICE_ROWS = 20_000;

/** Non-merchandise stock codes, from the data set's own caveats (SOURCE.md). */
const POSTAGE = new Set(['POST', 'DOT', 'C2']);
const FEES = new Set(['AMAZONFEE', 'BANK CHARGES', 'CRUK', 'B', 'ADJUST', 'ADJUST2']);

/** "2.55" -> 255 pence, exactly (the file has at most two decimals). */
function pence(text: string): number {
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

interface ExpectedInvoice {
  customerId: string;
  rows: number[];
  lines: number;
  merchandise: number;
  postage: number;
  discount: number;
}

interface UciExpectation {
  rows: number;
  invoices: Map<string, ExpectedInvoice>;
  cancellationRows: number[];
  lines: number;
  customers: Map<string, number>;
  guestOrders: number;
  /** File rows that became part of an imported order; every other row must be in the report. */
  usedRows: Set<number>;
}

/** Orders are the invoices, other than "C" credit notes, with at least one sellable line. */
function expectFromCsv(text: string): UciExpectation {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const all = new Map<string, ExpectedInvoice>();
  const cancellationRows: number[] = [];
  records.forEach((r, i) => {
    const row = i + 1;
    const invoice = r.InvoiceNo!;
    if (invoice.startsWith('C')) {
      cancellationRows.push(row);
      return;
    }
    let inv = all.get(invoice);
    if (!inv) {
      inv = { customerId: r.CustomerID!, rows: [], lines: 0, merchandise: 0, postage: 0, discount: 0 };
      all.set(invoice, inv);
    }
    const quantity = Number(r.Quantity);
    const price = r.UnitPrice!;
    if (!Number.isInteger(quantity) || quantity <= 0 || price.startsWith('-') || FEES.has(r.StockCode!))
      return;
    if (POSTAGE.has(r.StockCode!)) inv.postage += quantity * pence(price);
    else if (r.StockCode === 'D') inv.discount += quantity * pence(price);
    else if (r.Description!.trim()) {
      inv.lines++;
      inv.merchandise += quantity * pence(price);
    } else return;
    inv.rows.push(row);
  });
  const invoices = new Map([...all].filter(([, inv]) => inv.lines > 0));
  const customers = new Map<string, number>();
  let guestOrders = 0;
  for (const inv of invoices.values()) {
    if (inv.customerId) customers.set(inv.customerId, (customers.get(inv.customerId) ?? 0) + 1);
    else guestOrders++;
  }
  return {
    rows: records.length,
    invoices,
    cancellationRows,
    lines: [...invoices.values()].reduce((s, inv) => s + inv.lines, 0),
    customers,
    guestOrders,
    usedRows: new Set([...invoices.values()].flatMap((inv) => inv.rows)),
  };
}

/** What the database holds for a merchant, in the terms of the expectation. */
async function imported(merchantId: string) {
  const { rows: orders } = await sql<{
    number: string;
    lines: number;
    total: string;
    customer: string | null;
  }>`
    SELECT o.number, (SELECT count(*)::int FROM order_lines l WHERE l.merchant_id = o.merchant_id AND l.order_id = o.id) AS lines,
      o.total_minor AS total, ci.external_id AS customer
    FROM orders o
    LEFT JOIN customer_identities ci ON ci.merchant_id = o.merchant_id AND ci.customer_id = o.customer_id
    WHERE o.merchant_id = ${merchantId}`.execute(database.db);
  const { rows: customers } = await sql<{ external_id: string; orders_count: number }>`
    SELECT ci.external_id, c.orders_count FROM customers c
    JOIN customer_identities ci ON ci.merchant_id = c.merchant_id AND ci.customer_id = c.id
    WHERE c.merchant_id = ${merchantId}`.execute(database.db);
  return { orders, customers: new Map(customers.map((c) => [c.external_id, c.orders_count])) };
}

/** Orders, lines, totals and the rejection report against the file. */
async function assertMatchesFile(merchantId: string, e: UciExpectation, reportPath: string) {
  const db = await imported(merchantId);
  assert.equal(db.orders.length, e.invoices.size, 'one order per invoice with a sellable line');
  assert.equal(new Set(db.orders.map((o) => o.number)).size, db.orders.length, 'no invoice imported twice');
  for (const o of db.orders) {
    const inv = e.invoices.get(o.number);
    assert.ok(inv, `invoice ${o.number} is an order in the file`);
    assert.equal(o.lines, inv.lines, `lines of invoice ${o.number}`);
    assert.equal(
      Number(o.total),
      inv.merchandise + inv.postage - inv.discount,
      `total of invoice ${o.number}`,
    );
  }
  assert.equal(await count('order_lines', merchantId), e.lines);

  const report = await readReport(reportPath);
  const reported = report.map((r) => Number(r.row));
  assert.equal(new Set(reported).size, reported.length, 'each rejected row is reported once');
  const cancellations = new Set(e.cancellationRows);
  for (const r of report) {
    assert.ok(r.reason.length > 0, `row ${r.row} has a reason`);
    assert.doesNotMatch(r.reason, /already imported/, 'no row was read twice');
    if (cancellations.has(Number(r.row))) {
      assert.match(r.reason, /cancellation/);
      assert.match(r.raw, /^C\d+,/, 'the raw row is the credit note');
    }
  }
  for (const row of e.cancellationRows)
    assert.ok(reported.includes(row), `cancellation row ${row} is reported`);
  const unaccounted: number[] = [];
  for (let row = 1; row <= e.rows; row++)
    if (!e.usedRows.has(row) && !reported.includes(row)) unaccounted.push(row);
  assert.deepEqual(unaccounted, [], 'every row is imported or reported, none silently dropped');
  assert.deepEqual(
    reported.filter((row) => e.usedRows.has(row)),
    [],
    'no imported row is reported as rejected',
  );
  return report;
}

/** One customer per CustomerID, each order linked to its customer, guests without one. */
async function assertCustomersMatchFile(merchantId: string, e: UciExpectation) {
  const db = await imported(merchantId);
  for (const o of db.orders)
    assert.equal(o.customer ?? '', e.invoices.get(o.number)!.customerId, `customer of invoice ${o.number}`);
  assert.equal(await count('customers', merchantId), e.customers.size, 'one customer per CustomerID');
  assert.deepEqual(db.customers, e.customers, "each customer's order count");
  assert.equal(db.orders.filter((o) => o.customer === null).length, e.guestOrders, 'guest orders');
}

describe('importing the UCI Online Retail file', {
  skip: hasSharedData(...UCI) ? false : SKIP_NO_SHARED_DATA,
}, () => {
  let slice: string;
  let expected: UciExpectation;
  /** The merchants of the two imports below, for the customer checks after them. */
  const shops: string[] = [];

  before(async () => {
    slice = path.join(dir, 'online_retail_slice.csv');
    execSync(`xz -dc '${sharedDataPath(...UCI)}' | head -n ${SLICE_ROWS + 1} > '${slice}'`);
    expected = expectFromCsv(await readFile(slice, 'utf8'));
    assert.equal(expected.rows, SLICE_ROWS);
    assert.ok(expected.invoices.size > 500 && expected.cancellationRows.length > 50, 'a slice worth testing');
  });

  test('imports every invoice with sellable lines, with its lines, totals and customer', async () => {
    const shop = await merchant({ currency: 'GBP' });
    shops.push(shop.id);
    const reportPath = path.join(dir, 'uci.rejected.csv');
    const summary = await importOrdersFile({ db: database.db, merchantId: shop.id, file: slice, reportPath });
    assert.equal(summary.format, 'uci');
    assert.equal(summary.alreadyImported, false);
    assert.equal(summary.resumedFromRow, 0);
    assert.equal(summary.rowsRead, SLICE_ROWS);
    assert.equal(summary.ordersImported, expected.invoices.size);
    assert.equal(summary.linesImported, expected.lines);
    assert.equal(summary.reportPath, reportPath);
    const report = await assertMatchesFile(shop.id, expected, reportPath);
    assert.equal(summary.rowsRejected, report.length);

    const first = await orderByNumber(shop.id, '536365');
    assert.equal(first.status, 'delivered');
    assert.equal(first.totals.currency, 'GBP');
    assert.equal(first.placedAt, '2010-12-01T08:26:00.000Z', 'UK local time (GMT in December)');
    assert.equal(first.lines[0]!.title, 'WHITE HANGING HEART T-LIGHT HOLDER');
    assert.equal(first.shippingAddress?.country, 'GB');
    const events = await database.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('merchant_id', '=', shop.id)
      .execute();
    assert.deepEqual(
      events.map((e) => e.type),
      ['import.completed'],
      'history sends no order.placed (no journey mails a 2010 customer)',
    );

    // The same file again: reported as done, nothing written.
    const state = await tableState(database.db, shop.id);
    const again = await importOrdersFile({ db: database.db, merchantId: shop.id, file: slice, reportPath });
    assert.equal(again.alreadyImported, true);
    assert.equal(again.ordersImported, expected.invoices.size);
    assert.equal(again.linesImported, expected.lines);
    assert.deepEqual(await tableState(database.db, shop.id), state);
  });

  test('an import that crashed half-way resumes at its checkpoint without duplicating orders', async () => {
    const shop = await merchant({ currency: 'GBP' });
    shops.push(shop.id);
    const reportPath = path.join(dir, 'uci-resume.rejected.csv');
    // A real failure part-way: the database refuses one invoice about 60% into the file.
    const invoices = [...expected.invoices.keys()];
    const crashAt = invoices[Math.floor(invoices.length * 0.6)]!;
    await crashWhileImporting(shop.id, crashAt, () =>
      importOrdersFile({ db: database.db, merchantId: shop.id, file: slice, reportPath, batchSize: 100 }),
    );

    const run = await importRun(shop.id);
    assert.equal(run.status, 'running');
    const checkpoint = Number(run.rows_read);
    assert.ok(checkpoint > 0 && checkpoint < SLICE_ROWS, `checkpoint ${checkpoint} is mid-file`);
    const before = await imported(shop.id);
    assert.equal(
      before.orders.length,
      Number(run.orders_imported),
      'the checkpoint counts what was committed',
    );
    const done = invoices.filter((inv) => Math.max(...expected.invoices.get(inv)!.rows) <= checkpoint);
    assert.deepEqual(
      before.orders.map((o) => o.number).sort(),
      done.sort(),
      'exactly the invoices that end before the checkpoint were committed',
    );
    assert.ok(!done.includes(crashAt));

    const resumed = await importOrdersFile({
      db: database.db,
      merchantId: shop.id,
      file: slice,
      reportPath,
      batchSize: 100,
    });
    assert.equal(resumed.alreadyImported, false);
    assert.equal(resumed.resumedFromRow, checkpoint);
    assert.equal(resumed.ordersImported, expected.invoices.size);
    assert.equal(resumed.linesImported, expected.lines);
    const report = await assertMatchesFile(shop.id, expected, reportPath);
    assert.equal(resumed.rowsRejected, report.length);
    const completed = await database.db
      .selectFrom('events')
      .select('type')
      .where('merchant_id', '=', shop.id)
      .where('type', '=', 'import.completed')
      .execute();
    assert.equal(completed.length, 1);
  });

  test('each CustomerID becomes one customer with its orders, in a whole and in a resumed import', async () => {
    assert.equal(shops.length, 2);
    for (const shop of shops) await assertCustomersMatchFile(shop, expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Afterglow's own CSV layout.

type NativeRow = Partial<Record<(typeof NATIVE_COLUMNS)[number], string>>;

function nativeCsv(rows: NativeRow[]): string {
  const cell = (v: string | undefined) => (v && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : (v ?? ''));
  return [NATIVE_COLUMNS.join(','), ...rows.map((r) => NATIVE_COLUMNS.map((c) => cell(r[c])).join(','))]
    .join('\n')
    .concat('\n');
}

const at = '2024-05-02T14:30:00Z';
const line = (order: string, extra: NativeRow = {}): NativeRow => ({
  order_number: order,
  placed_at: at,
  currency: 'BRL',
  email: 'Ana.Souza@Example.com',
  customer_id: 'c-ana',
  first_name: 'Ana',
  ship_country: 'BR',
  ship_city: 'São Paulo',
  title: 'Camiseta',
  sku: 'TEE-M',
  quantity: '1',
  unit_price: '79.90',
  ...extra,
});

/** Good orders N-1 (2 lines + shipping), N-2, N-4, N-9 (3 lines) and rows that are wrong in each way. */
const NATIVE_ROWS: NativeRow[] = [
  line('N-1', { quantity: '2', unit_price: '12.50', shipping_price: '5.00', shipping_method: 'PAC' }), // 1
  line('N-1', { sku: 'CAP', title: 'Boné, azul', unit_price: '3.00', shipping_price: '5.00' }), // 2
  line('N-1', { sku: 'SOCK', quantity: 'two' }), // 3 bad quantity
  line('N-2', { status: 'shipped', email: 'bia@example.com', customer_id: 'c-bia' }), // 4
  line('N-3', { placed_at: 'yesterday' }), // 5 bad date
  line('N-4', { title: '' }), // 6 no title
  line('N-4', { sku: 'MUG', title: 'Caneca' }), // 7
  line('N-6', { unit_price: '-1.00' }), // 8 negative price
  line('N-7', { currency: 'ZZZ' }), // 9 unknown currency
  line('N-8', { status: 'lost' }), // 10 unknown status
  line('', { title: 'Orphan' }), // 11 no order number
  line('N-9', { sku: 'A', title: 'Item A' }), // 12
  line('N-9', { sku: 'B', title: 'Item B' }), // 13
  line('N-9', { sku: 'C', title: 'Item C', quantity: '3' }), // 14
];

async function assertNativeImported(merchantId: string, reportPath: string) {
  const report = await readReport(reportPath);
  assert.equal(report.length, 7, 'each bad row is reported once');
  const reasons = Object.fromEntries(report.map((r) => [r.row, r.reason]));
  assert.deepEqual(
    Object.keys(reasons)
      .map(Number)
      .sort((a, b) => a - b),
    [3, 5, 6, 8, 9, 10, 11],
  );
  assert.match(reasons[3]!, /quantity "two"/);
  assert.match(reasons[5]!, /placed_at/);
  assert.match(reasons[6]!, /title is empty/);
  assert.match(reasons[8]!, /unit_price "-1.00"/);
  assert.match(reasons[9]!, /currency "ZZZ"/);
  assert.match(reasons[10]!, /^status is not one of placed, shipped, delivered, cancelled/);
  assert.match(reasons[11]!, /order_number is empty/);

  const n1 = await orderByNumber(merchantId, 'N-1');
  assert.equal(n1.lines.length, 2);
  assert.deepEqual(
    n1.lines.map((l) => [l.sku, l.title, l.quantity, l.unitPrice]),
    [
      ['TEE-M', 'Camiseta', 2, 1250],
      ['CAP', 'Boné, azul', 1, 300],
    ],
  );
  assert.equal(n1.totals.total, 2 * 1250 + 300 + 500);
  assert.equal(n1.totals.currency, 'BRL');
  assert.equal(n1.email, 'ana.souza@example.com');
  assert.equal(n1.status, 'delivered');
  assert.equal((await orderByNumber(merchantId, 'N-2')).status, 'shipped');
  assert.equal((await orderByNumber(merchantId, 'N-4')).lines[0]!.title, 'Caneca');
  const n9 = await orderByNumber(merchantId, 'N-9');
  assert.deepEqual(
    n9.lines.map((l) => [l.position, l.sku, l.quantity]),
    [
      [1, 'A', 1],
      [2, 'B', 1],
      [3, 'C', 3],
    ],
    'an order read across batches is one order',
  );
  assert.equal(await count('orders', merchantId), 4);
  assert.equal(
    n1.customerId,
    (await orderByNumber(merchantId, 'N-4')).customerId,
    'same customer id, one customer',
  );
  assert.equal(await count('customers', merchantId), 2);
}

describe('importing the native CSV layout', () => {
  test('good rows are imported, bad rows reported with their reason, an order split across batches stays one', async () => {
    const shop = await merchant({ currency: 'BRL' });
    const file = path.join(dir, 'native.csv');
    await writeFile(file, nativeCsv(NATIVE_ROWS));
    const summary = await importOrdersFile({ db: database.db, merchantId: shop.id, file, batchSize: 1 });
    assert.equal(summary.format, 'csv');
    assert.equal(summary.rowsRead, NATIVE_ROWS.length);
    assert.equal(summary.ordersImported, 4);
    assert.equal(summary.linesImported, 7);
    assert.equal(summary.rowsRejected, 7);
    assert.equal(summary.reportPath, path.join(dir, 'native.csv.rejected.csv'));
    await assertNativeImported(shop.id, summary.reportPath);
  });

  test('a .gz file is read the same way', async () => {
    const shop = await merchant({ currency: 'BRL' });
    const file = path.join(dir, 'native-gz.csv.gz');
    await writeFile(file, gzipSync(nativeCsv(NATIVE_ROWS)));
    const summary = await importOrdersFile({ db: database.db, merchantId: shop.id, file, batchSize: 2 });
    assert.equal(summary.format, 'csv');
    assert.equal(summary.ordersImported, 4);
    assert.equal(summary.linesImported, 7);
    const reportPath = path.join(dir, 'native-gz.csv.rejected.csv');
    assert.equal(summary.reportPath, reportPath, 'the report sits beside the file, without .gz');
    await assertNativeImported(shop.id, reportPath);
  });

  test('an interrupted import resumes after the last whole order, reporting each bad row once', async () => {
    const shop = await merchant({ currency: 'BRL' });
    const file = path.join(dir, 'native-resume.csv');
    await writeFile(file, nativeCsv(NATIVE_ROWS));
    await crashWhileImporting(shop.id, 'N-9', () =>
      importOrdersFile({ db: database.db, merchantId: shop.id, file, batchSize: 1 }),
    );
    const run = await importRun(shop.id);
    assert.equal(run.status, 'running');
    assert.equal(
      Number(run.rows_read),
      7,
      'the checkpoint is the last row of the last committed order (N-4)',
    );
    assert.equal(await count('orders', shop.id), 3);
    const resumed = await importOrdersFile({ db: database.db, merchantId: shop.id, file, batchSize: 1 });
    assert.equal(resumed.resumedFromRow, 7);
    assert.equal(resumed.ordersImported, 4);
    assert.equal(resumed.linesImported, 7);
    assert.equal(resumed.rowsRejected, 7);
    await assertNativeImported(shop.id, resumed.reportPath!);
  });

  test('an order whose first row is bad takes its order columns from its first good row', async () => {
    const shop = await merchant({ currency: 'BRL' });
    const file = path.join(dir, 'native-first-row-bad.csv');
    await writeFile(
      file,
      nativeCsv([
        line('F-1', { placed_at: 'soon', sku: 'X', title: 'Broken row' }),
        line('F-1', { sku: 'Y', title: 'Good row', placed_at: '2024-06-01T10:00:00Z' }),
        line('F-2', { status: 'lost', sku: 'X', title: 'Broken row' }),
        line('F-2', { sku: 'Y', title: 'Good row', status: 'shipped' }),
        line('F-3', { shipping_price: 'free', title: 'Bad shipping price' }),
        line('F-4', { line_discount: 'ten', title: 'Bad discount' }),
        line('F-5', { title: 'Fine' }),
      ]),
    );
    const summary = await importOrdersFile({ db: database.db, merchantId: shop.id, file });
    const f1 = await orderByNumber(shop.id, 'F-1');
    assert.equal(f1.placedAt, '2024-06-01T10:00:00.000Z');
    assert.deepEqual(
      f1.lines.map((l) => l.title),
      ['Good row'],
    );
    assert.equal((await orderByNumber(shop.id, 'F-2')).status, 'shipped');
    await orderByNumber(shop.id, 'F-5');
    const reasons = Object.fromEntries((await readReport(summary.reportPath!)).map((r) => [r.row, r.reason]));
    assert.deepEqual(Object.keys(reasons).map(Number).sort(), [1, 3, 5, 6]);
    assert.match(reasons[5]!, /shipping_price "free"/);
    assert.match(reasons[6]!, /line_discount "ten"/);
    assert.equal(summary.ordersImported, 3);
  });
});

// ---------------------------------------------------------------------------------------------------------
// JSON Lines in the REST create-order shape.

const jsonOrder = (number: string, extra: Record<string, unknown> = {}) => ({
  number,
  placedAt: '2024-03-10T12:00:00-03:00',
  currency: 'BRL',
  customer: { email: `${number.toLowerCase()}@example.com`, externalId: `cust-${number}`, firstName: 'Ana' },
  lines: [
    {
      sku: 'TEE',
      title: 'Camiseta',
      quantity: 2,
      unitPrice: 7990,
      properties: [{ name: 'Bordado', value: 'AS' }],
    },
    { sku: 'CAP', title: 'Boné', quantity: 1, unitPrice: 4990, discount: 500 },
  ],
  shipping: { method: 'SEDEX', price: 1500 },
  discounts: [{ code: 'BEMVINDA', amount: 1000 }],
  note: 'Presente',
  ...extra,
});

describe('importing JSON Lines', () => {
  test('good lines are imported with everything they say, bad lines reported with their reason', async () => {
    const shop = await merchant({ currency: 'BRL' });
    const { placedAt: _, ...noDate } = jsonOrder('J-3');
    const lines = [
      JSON.stringify(jsonOrder('J-1')), // 1
      '{"number": "J-broken", ', // 2
      JSON.stringify(noDate), // 3
      JSON.stringify(jsonOrder('J-4', { lines: [{ title: 'Caneca', quantity: 'two', unitPrice: 100 }] })), // 4
      JSON.stringify(jsonOrder('J-5', { total: 1 })), // 5
      JSON.stringify(jsonOrder('J-2', { status: 'cancelled', paymentStatus: 'refunded' })), // 6
      '', // 7: blank lines are skipped, not rejected
      JSON.stringify(jsonOrder('J-1', { note: 'sent twice' })), // 8
      JSON.stringify(jsonOrder('J-6', { colour: 'red' })), // 9
      JSON.stringify(jsonOrder('J-7', { status: 'placed', paymentStatus: 'pending' })), // 10
    ];
    const file = path.join(dir, 'orders.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);
    const summary = await importOrdersFile({ db: database.db, merchantId: shop.id, file });
    assert.equal(summary.format, 'jsonl');
    assert.equal(summary.ordersImported, 3);
    assert.equal(summary.linesImported, 6);

    const reasons = Object.fromEntries((await readReport(summary.reportPath!)).map((r) => [r.row, r.reason]));
    assert.deepEqual(Object.keys(reasons).map(Number).sort(), [2, 3, 4, 5, 8, 9]);
    assert.match(reasons[2]!, /not valid JSON/);
    assert.match(reasons[3]!, /placedAt/);
    assert.match(reasons[4]!, /lines\.0\.quantity/);
    assert.match(reasons[5]!, /total/i);
    assert.match(reasons[8]!, /J-1 was already imported/);
    assert.match(reasons[9]!, /colour/);
    assert.equal(summary.rowsRejected, 6);

    const j1 = await orderByNumber(shop.id, 'J-1');
    assert.equal(j1.status, 'delivered');
    assert.equal(j1.paymentStatus, 'paid');
    assert.equal(j1.placedAt, '2024-03-10T15:00:00.000Z');
    assert.equal(j1.note, 'Presente', 'the first J-1 wins');
    assert.deepEqual(j1.discountCodes, [{ code: 'BEMVINDA', amount: 1000 }]);
    assert.deepEqual(j1.lines[0]!.properties, [{ name: 'Bordado', value: 'AS' }]);
    assert.deepEqual(j1.totals, {
      subtotal: 20970,
      discount: 1500,
      tax: 0,
      shipping: 1500,
      total: 20970,
      refunded: 0,
      currency: 'BRL',
    });
    assert.equal(j1.email, 'j-1@example.com');
    const j2 = await orderByNumber(shop.id, 'J-2');
    assert.equal(j2.status, 'cancelled');
    assert.equal(j2.cancelledAt, j2.placedAt);
    assert.equal((await orderByNumber(shop.id, 'J-7')).paymentStatus, 'pending');
    assert.equal(await count('orders', shop.id), 3);
  });

  test('importing an unknown file or format is refused before anything is written', async () => {
    const shop = await merchant();
    const state = await tableState(database.db, shop.id);
    await assert.rejects(
      importOrdersFile({ db: database.db, merchantId: shop.id, file: path.join(dir, 'missing.csv') }),
      { code: 'file_not_found' },
    );
    const odd = path.join(dir, 'orders.xlsx');
    await writeFile(odd, 'not a spreadsheet');
    await assert.rejects(importOrdersFile({ db: database.db, merchantId: shop.id, file: odd }), {
      code: 'unknown_format',
    });
    assert.deepEqual(await tableState(database.db, shop.id), state);
    assert.equal(existsSync(path.join(dir, 'orders.xlsx.rejected.csv')), false);
  });
});
