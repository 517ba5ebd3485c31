import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/pool.ts';
import { newId } from '../../../lib/ids.ts';
import { type CustomerFacts, resolveCustomers } from '../../customers/index.ts';
import { linkCatalogue } from '../link-catalogue.ts';
import { bool, copyRows, json, num, text, textArray, time } from './copy.ts';
import type { BatchLinks } from './links.ts';
import type { ImportOrder } from './types.ts';

const ORDER_COLUMNS = [
  'merchant_id',
  'id',
  'source',
  'external_id',
  'number',
  'customer_id',
  'email',
  'phone',
  'locale',
  'currency',
  'status',
  'payment_status',
  'channel',
  'campaign_tags',
  'tags',
  'shipping_method',
  'taxes_included',
  'subtotal_minor',
  'discount_minor',
  'tax_minor',
  'shipping_minor',
  'total_minor',
  'discount_codes',
  'shipping_lines',
  'tax_lines',
  'shipping_address',
  'billing_address',
  'promised_earliest',
  'promised_latest',
  'note',
  'placed_at',
  'cancelled_at',
  'cancel_reason',
  'source_updated_at',
];

const LINE_COLUMNS = [
  'merchant_id',
  'id',
  'order_id',
  'position',
  'external_id',
  'product_id',
  'variant_id',
  'sku',
  'title',
  'variant_title',
  'brand',
  'size',
  'color',
  'properties',
  'quantity',
  'unit_price_minor',
  'discount_minor',
  'tax_minor',
  'tax_lines',
  'requires_shipping',
  'image_url',
];

/**
 * Writes a batch of imported orders in the caller's transaction: customers, catalogue links, orders and
 * lines. Returns the new orders per customer, for the caller to add to the customers' order counters
 * (it does so last, see ordered-writer.ts). Orders already present (same source and external id), or twice
 * in the batch, are skipped and returned as duplicates. Imports are history: they append no per-order
 * events, so no journey mails a customer about a purchase from 2010.
 *
 * This is the import's own writer, not the shared createOrders: the rows go in by COPY (no statement per
 * row, no JSON), and COPY has no ON CONFLICT, so duplicates are looked up first. An order that another
 * transaction inserts between that look-up and the COPY (a batch written alongside, or a second import of
 * the same orders) makes the COPY fail on the unique key and roll back; written again, the look-up finds it.
 */
export async function writeOrderBatch(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  defaultLocale: string;
  orders: ImportOrder[];
  links: BatchLinks;
  /** Waits for the batch before this one to commit: what it created is then visible. */
  afterPrevious: () => Promise<void>;
}): Promise<{
  orders: number;
  lines: number;
  duplicates: ImportOrder[];
  counted: Array<{ customerId: string; placedAt: Date }>;
}> {
  const { tx, merchantId, source } = opts;
  const { fresh, duplicates } = await splitDuplicates(opts);
  if (fresh.length === 0) return { orders: 0, lines: 0, duplicates, counted: [] };

  const facts = fresh.map(({ data }) => ({
    ...data.customer,
    email: data.customer.email ?? data.email,
    phone: data.customer.phone ?? data.phone,
  }));
  await resolveNewCustomers({ ...opts, fresh, facts });
  await linkNewProducts({ ...opts, fresh });

  const orderRows: string[] = [];
  const lineRows: string[] = [];
  const counted: Array<{ customerId: string; placedAt: Date }> = [];
  fresh.forEach(({ data: d, status }, i) => {
    const id = newId('ord', d.placedAt.getTime());
    const customer = opts.links.customer(facts[i]!) ?? null;
    orderRows.push(
      `${[
        text(merchantId),
        id,
        text(source),
        text(d.externalId),
        text(d.number),
        text(customer?.id),
        text(d.email),
        text(d.phone),
        text(d.locale ?? customer?.locale ?? opts.defaultLocale),
        text(d.currency),
        status,
        text(d.paymentStatus),
        text(d.channel),
        textArray(d.campaignTags),
        textArray(d.tags),
        text(d.shippingMethod),
        bool(d.taxesIncluded),
        num(d.totals.subtotal),
        num(d.totals.discount),
        num(d.totals.tax),
        num(d.totals.shipping),
        num(d.totals.total),
        json(d.discountCodes),
        json(d.shippingLines),
        json(d.taxLines),
        json(d.shippingAddress),
        json(d.billingAddress),
        text(d.promisedEarliest),
        text(d.promisedLatest),
        text(d.note),
        time(d.placedAt),
        time(d.cancelledAt),
        text(d.cancelReason),
        time(d.sourceUpdatedAt),
      ].join('\t')}\n`,
    );
    d.lines.forEach((l, position) => {
      const link = opts.links.product(l);
      lineRows.push(
        `${[
          text(merchantId),
          newId('oln'),
          id,
          position + 1,
          text(l.externalId),
          text(link?.productId),
          text(link?.variantId),
          text(l.sku),
          text(l.title),
          text(l.variantTitle),
          text(l.brand),
          text(l.size),
          text(l.color),
          json(l.properties),
          num(l.quantity),
          num(l.unitPrice),
          num(l.discount),
          num(l.tax),
          json(l.taxLines),
          bool(l.requiresShipping),
          text(l.imageUrl),
        ].join('\t')}\n`,
      );
    });
    if (customer && status !== 'cancelled') counted.push({ customerId: customer.id, placedAt: d.placedAt });
  });
  await copyRows(tx, { table: 'orders', columns: ORDER_COLUMNS, rows: orderRows });
  await copyRows(tx, { table: 'order_lines', columns: LINE_COLUMNS, rows: lineRows });
  return { orders: fresh.length, lines: lineRows.length, duplicates, counted };
}

/** Customers of facts no earlier batch resolved; exact same facts resolve to the same customer. */
async function resolveNewCustomers(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  fresh: ImportOrder[];
  facts: CustomerFacts[];
  links: BatchLinks;
  afterPrevious: () => Promise<void>;
}) {
  const wanted = new Map<string, number>();
  opts.facts.forEach((f, i) => {
    const key = JSON.stringify(f);
    // The first order of a new customer names them (their id's time, the channel they came from).
    if (opts.links.customer(f) === undefined && !wanted.has(key)) wanted.set(key, i);
  });
  if (wanted.size === 0) return;
  await opts.afterPrevious();
  const indexes = [...wanted.values()];
  const resolved = await resolveCustomers({
    tx: opts.tx,
    merchantId: opts.merchantId,
    source: opts.source,
    channel: (j) => opts.fresh[indexes[j]!]!.data.channel,
    facts: indexes.map((i) => opts.facts[i]!),
    createdAt: (j) => opts.fresh[indexes[j]!]!.data.placedAt,
  });
  indexes.forEach((i, j) => {
    opts.links.rememberCustomer(opts.facts[i]!, resolved[j]?.customer ?? null);
  });
}

/** Catalogue links for products and variants no earlier batch linked. */
async function linkNewProducts(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  fresh: ImportOrder[];
  links: BatchLinks;
  afterPrevious: () => Promise<void>;
}) {
  const lines = opts.fresh.flatMap((o) => o.data.lines).filter((l) => opts.links.product(l) === undefined);
  if (lines.length === 0) return;
  await opts.afterPrevious();
  const linked = await linkCatalogue(opts.tx, opts.merchantId, opts.source, lines);
  lines.forEach((l, i) => {
    opts.links.rememberProduct(l, linked[i]!);
  });
}

/** Orders not yet stored, each once (the first in the file wins, as ON CONFLICT DO NOTHING did). */
async function splitDuplicates(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  orders: ImportOrder[];
}): Promise<{ fresh: ImportOrder[]; duplicates: ImportOrder[] }> {
  const externalIds = opts.orders.map((o) => o.data.externalId);
  // One unique-index probe per id. Written as `external_id = ANY(...)`, a table the planner has no
  // statistics for yet (mid-import, before autovacuum's first ANALYZE) got a scan of all the merchant's
  // orders, slower with every batch; LIMIT 1 keeps the lateral subquery from being turned into that join.
  const { rows } = await sql<{ external_id: string }>`
    SELECT o.external_id
    FROM unnest(${externalIds}::text[]) AS wanted(external_id)
    CROSS JOIN LATERAL (
      SELECT external_id FROM orders
      WHERE merchant_id = ${opts.merchantId} AND source = ${opts.source} AND external_id = wanted.external_id
      LIMIT 1
    ) o`.execute(opts.tx);
  const seen = new Set(rows.map((r) => r.external_id));
  const fresh: ImportOrder[] = [];
  const duplicates: ImportOrder[] = [];
  for (const o of opts.orders) {
    if (seen.has(o.data.externalId)) duplicates.push(o);
    else {
      seen.add(o.data.externalId);
      fresh.push(o);
    }
  }
  return { fresh, duplicates };
}
