import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { resolveCustomers } from '../customers/index.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { linkCatalogue } from './link-catalogue.ts';
import type { OrderStatus } from './status.ts';
import type { OrderData } from './types.ts';

export interface NewOrder {
  data: OrderData;
  /** Normally placed (or cancelled when the source says so); imports of history may say shipped or delivered. */
  status?: OrderStatus;
}

export interface CreatedOrder {
  /** Our id, or null when an order with the same source and external id already existed. */
  orderId: string | null;
  customerId: string | null;
  eventIds: string[];
}

/**
 * Writes new orders — customers, catalogue links, orders, lines, and (unless `events` is false) their
 * order.placed / order.paid / order.cancelled events with the jobs they cause — in the caller's
 * transaction with a constant number of set-based statements, whether there is one order or a thousand.
 * The one writer of new orders: webhooks, the REST API, group-committed deliveries and imports all use it.
 */
export async function createOrders(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  defaultLocale: string;
  orders: NewOrder[];
  events?: boolean;
}): Promise<CreatedOrder[]> {
  const { tx, merchantId, source, orders } = opts;
  const customers = await resolveCustomers({
    tx,
    merchantId,
    source,
    channel: (i) => orders[i]!.data.channel,
    facts: orders.map(({ data }) => ({
      ...data.customer,
      email: data.customer.email ?? data.email,
      phone: data.customer.phone ?? data.phone,
    })),
    createdAt: (i) => orders[i]!.data.placedAt,
  });
  const catalogue = await linkCatalogue(
    tx,
    merchantId,
    source,
    orders.flatMap((o) => o.data.lines),
  );

  const rows = orders.map(({ data: d, status }, i) => ({
    merchant_id: merchantId,
    id: newId('ord', d.placedAt.getTime()),
    source,
    external_id: d.externalId,
    number: d.number,
    customer_id: customers[i]?.customer.id ?? null,
    email: d.email,
    phone: d.phone,
    locale: d.locale ?? customers[i]?.customer.locale ?? opts.defaultLocale,
    currency: d.currency,
    status: status ?? (d.cancelledAt ? 'cancelled' : 'placed'),
    payment_status: d.paymentStatus,
    channel: d.channel,
    campaign_tags: d.campaignTags,
    tags: d.tags,
    shipping_method: d.shippingMethod,
    taxes_included: d.taxesIncluded,
    subtotal_minor: d.totals.subtotal,
    discount_minor: d.totals.discount,
    tax_minor: d.totals.tax,
    shipping_minor: d.totals.shipping,
    total_minor: d.totals.total,
    discount_codes: d.discountCodes,
    shipping_lines: d.shippingLines,
    tax_lines: d.taxLines,
    shipping_address: d.shippingAddress,
    billing_address: d.billingAddress,
    promised_earliest: d.promisedEarliest,
    promised_latest: d.promisedLatest,
    note: d.note,
    placed_at: d.placedAt.toISOString(),
    cancelled_at: d.cancelledAt?.toISOString() ?? null,
    cancel_reason: d.cancelReason,
    source_updated_at: d.sourceUpdatedAt?.toISOString() ?? null,
  }));
  const { rows: inserted } = await sql<{ id: string }>`
    INSERT INTO orders (merchant_id, id, source, external_id, number, customer_id, email, phone, locale, currency,
      status, payment_status, channel, campaign_tags, tags, shipping_method, taxes_included, subtotal_minor,
      discount_minor, tax_minor, shipping_minor, total_minor, discount_codes, shipping_lines, tax_lines,
      shipping_address, billing_address, promised_earliest, promised_latest, note, placed_at, cancelled_at,
      cancel_reason, source_updated_at)
    SELECT merchant_id, id, source, external_id, number, customer_id, email, phone, locale, currency,
      status, payment_status, channel, campaign_tags, tags, shipping_method, taxes_included, subtotal_minor,
      discount_minor, tax_minor, shipping_minor, total_minor, discount_codes, shipping_lines, tax_lines,
      shipping_address, billing_address, promised_earliest, promised_latest, note, placed_at, cancelled_at,
      cancel_reason, source_updated_at
    FROM json_populate_recordset(null::orders, ${JSON.stringify(rows)}::json)
    ON CONFLICT (merchant_id, source, external_id) DO NOTHING
    RETURNING id`.execute(tx);
  const insertedIds = new Set(inserted.map((r) => r.id));

  const lineRows: Record<string, unknown>[] = [];
  let k = 0;
  orders.forEach(({ data }, i) => {
    for (const [position, l] of data.lines.entries()) {
      const link = catalogue[k++];
      if (!insertedIds.has(rows[i]!.id)) continue;
      lineRows.push({
        merchant_id: merchantId,
        id: newId('oln'),
        order_id: rows[i]!.id,
        position: position + 1,
        external_id: l.externalId,
        product_id: link?.productId ?? null,
        variant_id: link?.variantId ?? null,
        sku: l.sku,
        title: l.title,
        variant_title: l.variantTitle,
        brand: l.brand,
        size: l.size,
        color: l.color,
        properties: l.properties,
        quantity: l.quantity,
        unit_price_minor: l.unitPrice,
        discount_minor: l.discount,
        tax_minor: l.tax,
        tax_lines: l.taxLines,
        requires_shipping: l.requiresShipping,
        image_url: l.imageUrl,
      });
    }
  });
  if (lineRows.length > 0) {
    await sql`
      INSERT INTO order_lines (merchant_id, id, order_id, position, external_id, product_id, variant_id, sku, title,
        variant_title, brand, size, color, properties, quantity, unit_price_minor, discount_minor, tax_minor,
        tax_lines, requires_shipping, image_url)
      SELECT merchant_id, id, order_id, position, external_id, product_id, variant_id, sku, title,
        variant_title, brand, size, color, properties, quantity, unit_price_minor, discount_minor, tax_minor,
        tax_lines, requires_shipping, image_url
      FROM json_populate_recordset(null::order_lines, ${JSON.stringify(lineRows)}::json)`.execute(tx);
  }

  const events: NewEvent[] = [];
  const eventOwner: number[] = [];
  if (opts.events !== false) {
    rows.forEach((row, i) => {
      if (!insertedIds.has(row.id)) return;
      const d = orders[i]!.data;
      const base = {
        merchantId,
        subjectType: 'order' as const,
        subjectId: row.id,
        occurredAt: d.placedAt,
        payload: { orderId: row.id, number: row.number, customerId: row.customer_id },
      };
      const add = (e: NewEvent) => {
        events.push(e);
        eventOwner.push(i);
      };
      add({ ...base, type: 'order.placed' });
      if (d.paymentStatus === 'paid') add({ ...base, type: 'order.paid' });
      if (d.cancelledAt)
        add({
          ...base,
          type: 'order.cancelled',
          occurredAt: d.cancelledAt,
          payload: { ...base.payload, reason: d.cancelReason },
        });
    });
  }
  const eventIds = await appendEvents(tx, events);
  return rows.map((row, i) => ({
    orderId: insertedIds.has(row.id) ? row.id : null,
    customerId: row.customer_id,
    eventIds: eventIds.filter((_, e) => eventOwner[e] === i),
  }));
}
