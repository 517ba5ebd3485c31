import { sql } from 'kysely';
import type { DbOrTx } from '../../../db/pool.ts';
import { newId } from '../../../lib/ids.ts';
import { linkCatalogue } from '../link-catalogue.ts';
import type { ImportOrder } from './types.ts';

/**
 * Writes a batch of imported orders in the caller's transaction with a handful of set-based statements
 * (no round trip per row): customers, catalogue, orders, lines, then the customers' order counters.
 * Orders already present (same source and external id) are skipped and returned as duplicates.
 * Imports are history: they append no per-order events, so no journey mails a 2010 customer.
 */
export async function writeOrderBatch(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  defaultLocale: string;
  orders: ImportOrder[];
}): Promise<{ orders: number; lines: number; duplicates: ImportOrder[] }> {
  const { tx, merchantId, source, orders } = opts;
  const customerIds = await resolveCustomers(tx, merchantId, source, orders);
  const allLines = orders.flatMap((o) => o.data.lines);
  const catalogue = await linkCatalogue(tx, merchantId, source, allLines);

  const orderRows = orders.map((o, i) => {
    const d = o.data;
    return {
      merchant_id: merchantId,
      id: newId('ord', d.placedAt.getTime()),
      source,
      external_id: d.externalId,
      number: d.number,
      customer_id: customerIds[i],
      email: d.email,
      phone: d.phone,
      locale: d.locale ?? opts.defaultLocale,
      currency: d.currency,
      status: o.status,
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
      shipping_lines: d.shippingLines,
      shipping_address: d.shippingAddress,
      placed_at: d.placedAt.toISOString(),
      cancelled_at: d.cancelledAt?.toISOString() ?? null,
    };
  });
  const inserted = await sql<{ external_id: string; id: string }>`
    INSERT INTO orders (merchant_id, id, source, external_id, number, customer_id, email, phone, locale, currency,
      status, payment_status, channel, campaign_tags, tags, shipping_method, taxes_included, subtotal_minor,
      discount_minor, tax_minor, shipping_minor, total_minor, shipping_lines, shipping_address, placed_at, cancelled_at)
    SELECT merchant_id, id, source, external_id, number, customer_id, email, phone, locale, currency,
      status, payment_status, channel, campaign_tags, tags, shipping_method, taxes_included, subtotal_minor,
      discount_minor, tax_minor, shipping_minor, total_minor, shipping_lines, shipping_address, placed_at, cancelled_at
    FROM json_populate_recordset(null::orders, ${JSON.stringify(orderRows)}::json)
    ON CONFLICT (merchant_id, source, external_id) DO NOTHING
    RETURNING external_id, id`.execute(tx);
  const idByExternal = new Map(inserted.rows.map((r) => [r.external_id, r.id]));

  const lineRows: Record<string, unknown>[] = [];
  const duplicates: ImportOrder[] = [];
  let lineIndex = 0;
  for (const o of orders) {
    const orderId = idByExternal.get(o.data.externalId);
    if (!orderId) duplicates.push(o);
    o.data.lines.forEach((l, position) => {
      const link = catalogue[lineIndex++];
      if (!orderId) return;
      lineRows.push({
        merchant_id: merchantId,
        id: newId('oln'),
        order_id: orderId,
        position: position + 1,
        product_id: link?.productId ?? null,
        variant_id: link?.variantId ?? null,
        sku: l.sku,
        title: l.title,
        variant_title: l.variantTitle,
        brand: l.brand,
        size: l.size,
        color: l.color,
        quantity: l.quantity,
        unit_price_minor: l.unitPrice,
        discount_minor: l.discount,
        tax_minor: l.tax,
        requires_shipping: l.requiresShipping,
      });
    });
  }
  if (lineRows.length > 0) {
    await sql`
      INSERT INTO order_lines (merchant_id, id, order_id, position, product_id, variant_id, sku, title, variant_title,
        brand, size, color, quantity, unit_price_minor, discount_minor, tax_minor, requires_shipping)
      SELECT merchant_id, id, order_id, position, product_id, variant_id, sku, title, variant_title,
        brand, size, color, quantity, unit_price_minor, discount_minor, tax_minor, requires_shipping
      FROM json_populate_recordset(null::order_lines, ${JSON.stringify(lineRows)}::json)`.execute(tx);
  }
  const touched = [...new Set(customerIds.filter((c): c is string => c !== null))];
  if (touched.length > 0) {
    await sql`
      UPDATE customers c SET orders_count = s.n, first_order_at = s.first_at, last_order_at = s.last_at, updated_at = now()
      FROM (SELECT customer_id, count(*)::int AS n, min(placed_at) AS first_at, max(placed_at) AS last_at
            FROM orders WHERE merchant_id = ${merchantId} AND customer_id = ANY(${touched}::text[]) AND status <> 'cancelled'
            GROUP BY customer_id) s
      WHERE c.merchant_id = ${merchantId} AND c.id = s.customer_id`.execute(tx);
  }
  return { orders: inserted.rows.length, lines: lineRows.length, duplicates };
}

/** One customer id (or null for a guest) per order: by the file's customer id, then by email; new ones created. */
async function resolveCustomers(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  orders: ImportOrder[],
): Promise<Array<string | null>> {
  const externalIds = [
    ...new Set(orders.map((o) => o.data.customer.externalId).filter((x): x is string => Boolean(x))),
  ];
  const emails = [...new Set(orders.map((o) => o.data.email).filter((x): x is string => Boolean(x)))];
  const byExternal = new Map<string, string>();
  const byEmail = new Map<string, string>();
  const load = async () => {
    if (externalIds.length > 0) {
      const { rows } = await sql<{ external_id: string; customer_id: string }>`
        SELECT external_id, customer_id FROM customer_identities
        WHERE merchant_id = ${merchantId} AND source = ${source} AND external_id = ANY(${externalIds}::text[])`.execute(
        tx,
      );
      for (const r of rows) byExternal.set(r.external_id, r.customer_id);
    }
    if (emails.length > 0) {
      const { rows } = await sql<{ email: string; id: string }>`
        SELECT lower(email) AS email, id FROM customers
        WHERE merchant_id = ${merchantId} AND lower(email) = ANY(${emails}::text[])`.execute(tx);
      for (const r of rows) byEmail.set(r.email, r.id);
    }
  };
  await load();
  const newCustomers = new Map<string, Record<string, unknown>>();
  const newIdentities: Record<string, unknown>[] = [];
  for (const o of orders) {
    const ext = o.data.customer.externalId ?? null;
    const email = o.data.email;
    if ((ext && byExternal.has(ext)) || (!ext && email && byEmail.has(email)) || (!ext && !email)) continue;
    const key = ext ? `x:${ext}` : `e:${email}`;
    if (newCustomers.has(key)) continue;
    const existingByEmail = email ? byEmail.get(email) : undefined;
    const id = existingByEmail ?? newId('cus', o.data.placedAt.getTime());
    if (!existingByEmail) {
      newCustomers.set(key, {
        merchant_id: merchantId,
        id,
        email,
        phone: o.data.phone,
        first_name: o.data.customer.firstName ?? null,
        last_name: o.data.customer.lastName ?? null,
        locale: o.data.customer.locale ?? null,
      });
    }
    if (ext)
      newIdentities.push({
        merchant_id: merchantId,
        source,
        external_id: ext,
        customer_id: id,
        channel: o.data.channel,
      });
  }
  if (newCustomers.size > 0) {
    await sql`
      INSERT INTO customers (merchant_id, id, email, phone, first_name, last_name, locale)
      SELECT merchant_id, id, email, phone, first_name, last_name, locale
      FROM json_populate_recordset(null::customers, ${JSON.stringify([...newCustomers.values()])}::json)
      ON CONFLICT DO NOTHING`.execute(tx);
  }
  if (newIdentities.length > 0) {
    await sql`
      INSERT INTO customer_identities (merchant_id, source, external_id, customer_id, channel)
      SELECT i.merchant_id, i.source, i.external_id, i.customer_id, i.channel
      FROM json_populate_recordset(null::customer_identities, ${JSON.stringify(newIdentities)}::json) i
      JOIN customers c ON c.merchant_id = i.merchant_id AND c.id = i.customer_id
      ON CONFLICT DO NOTHING`.execute(tx);
  }
  if (newCustomers.size > 0 || newIdentities.length > 0) await load();
  return orders.map((o) => {
    const ext = o.data.customer.externalId;
    if (ext && byExternal.has(ext)) return byExternal.get(ext)!;
    if (o.data.email && byEmail.has(o.data.email)) return byEmail.get(o.data.email)!;
    return null;
  });
}
