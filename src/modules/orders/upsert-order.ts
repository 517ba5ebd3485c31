import type { Insertable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { OrderLinesTable, OrdersTable } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { resolveCustomer } from '../customers/index.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { createOrders } from './create-orders.ts';
import { linkCatalogue } from './link-catalogue.ts';
import {
  deleteLinesExcept,
  findOrderBySourceForUpdate,
  listLines,
  type OrderLineRow,
  type OrderRow,
  renumberRemovedLines,
  shiftLinePositions,
  updateOrder,
  upsertLines,
} from './repo.ts';
import { orderLifecycle, type PaymentStatus, paymentLifecycle } from './status.ts';
import type { OrderData } from './types.ts';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'stale';

export interface UpsertOrderResult {
  orderId: string;
  outcome: UpsertOutcome;
  eventIds: string[];
  /** Why part of the update was not applied (an illegal status move from the source), for the inbound log. */
  notes: string[];
}

/**
 * Records an order as a source reports it, in the caller's transaction: creates it, or updates it when the
 * report is not older than what we hold. Appends order.placed / order.paid / order.cancelled / order.updated
 * as the state actually changed, so a redelivered or repeated report changes nothing and emits nothing.
 */
export async function upsertOrder(opts: {
  tx: DbOrTx;
  merchantId: string;
  source: string;
  data: OrderData;
  defaultLocale: string;
}): Promise<UpsertOrderResult> {
  const { tx, merchantId, source, data } = opts;
  const existing = await findOrderBySourceForUpdate(tx, merchantId, source, data.externalId);
  if (
    existing?.source_updated_at &&
    data.sourceUpdatedAt &&
    data.sourceUpdatedAt < existing.source_updated_at
  ) {
    return { orderId: existing.id, outcome: 'stale', eventIds: [], notes: ['older than the stored version'] };
  }
  if (!existing) {
    const [created] = await createOrders({
      tx,
      merchantId,
      source,
      defaultLocale: opts.defaultLocale,
      orders: [{ data }],
    });
    // A concurrent delivery of the same order won the insert: apply ours as an update to theirs.
    if (!created?.orderId) return upsertOrder(opts);
    return { orderId: created.orderId, outcome: 'created', eventIds: created.eventIds, notes: [] };
  }
  const customer = await resolveCustomer({
    tx,
    merchantId,
    source,
    channel: data.channel,
    facts: {
      ...data.customer,
      email: data.customer.email ?? data.email,
      phone: data.customer.phone ?? data.phone,
    },
  });
  const catalogue = await linkCatalogue(tx, merchantId, source, data.lines);
  const fields = orderFields(data, customer?.customer.id ?? existing.customer_id, {
    locale: data.locale ?? customer?.customer.locale ?? existing.locale,
  });

  const notes: string[] = [];
  const previousLines = await listLines(tx, merchantId, [existing.id]);
  const changes: Partial<Insertable<OrdersTable>> = { ...fields };
  const events: NewEvent[] = [];
  const now = data.sourceUpdatedAt ?? new Date();
  const base = eventBase(merchantId, existing, now);

  const payment = nextPaymentStatus(existing.payment_status as PaymentStatus, data.paymentStatus, notes);
  changes.payment_status = payment;
  if (payment === 'paid' && existing.payment_status !== 'paid') events.push({ ...base, type: 'order.paid' });

  if (data.cancelledAt && existing.status !== 'cancelled') {
    if (orderLifecycle.can(existing.status as never, 'cancelled')) {
      changes.status = 'cancelled';
      events.push({
        ...base,
        type: 'order.cancelled',
        occurredAt: data.cancelledAt,
        payload: { reason: data.cancelReason },
      });
    } else {
      notes.push(`cancellation ignored: order is already ${existing.status}`);
    }
  }

  const changed = changedFields(existing, changes, previousLines, data);
  if (changed.length > 0) events.push({ ...base, type: 'order.updated', payload: { changed } });
  if (events.length === 0 && changed.length === 0 && payment === existing.payment_status) {
    // Nothing to tell anyone; still remember the newest source timestamp we have seen.
    if (data.sourceUpdatedAt)
      await updateOrder(tx, merchantId, existing.id, { source_updated_at: data.sourceUpdatedAt });
    return { orderId: existing.id, outcome: 'unchanged', eventIds: [], notes };
  }
  await updateOrder(tx, merchantId, existing.id, changes);
  if (changed.includes('lines'))
    await writeLines(tx, merchantId, existing.id, data, catalogue, previousLines);
  return { orderId: existing.id, outcome: 'updated', eventIds: await appendEvents(tx, events), notes };
}

function nextPaymentStatus(current: PaymentStatus, reported: PaymentStatus, notes: string[]): PaymentStatus {
  if (current === reported || paymentLifecycle.can(current, reported)) return reported;
  notes.push(`payment status ${current} -> ${reported} ignored`);
  return current;
}

function eventBase(merchantId: string, order: OrderRow, occurredAt: Date) {
  return {
    merchantId,
    subjectType: 'order' as const,
    subjectId: order.id,
    occurredAt,
    payload: { orderId: order.id, number: order.number, customerId: order.customer_id },
  };
}

function orderFields(data: OrderData, customerId: string | null, extra: { locale: string }) {
  return {
    number: data.number,
    customer_id: customerId,
    email: data.email,
    phone: data.phone,
    locale: extra.locale,
    currency: data.currency,
    channel: data.channel,
    campaign_tags: data.campaignTags,
    tags: data.tags,
    shipping_method: data.shippingMethod,
    taxes_included: data.taxesIncluded,
    subtotal_minor: data.totals.subtotal,
    discount_minor: data.totals.discount,
    tax_minor: data.totals.tax,
    shipping_minor: data.totals.shipping,
    total_minor: data.totals.total,
    discount_codes: JSON.stringify(data.discountCodes),
    shipping_lines: JSON.stringify(data.shippingLines),
    tax_lines: JSON.stringify(data.taxLines),
    shipping_address: data.shippingAddress ? JSON.stringify(data.shippingAddress) : null,
    billing_address: data.billingAddress ? JSON.stringify(data.billingAddress) : null,
    promised_earliest: data.promisedEarliest,
    promised_latest: data.promisedLatest,
    note: data.note,
    placed_at: data.placedAt,
    cancelled_at: data.cancelledAt,
    cancel_reason: data.cancelReason,
    source_updated_at: data.sourceUpdatedAt,
  };
}

/** Which customer-visible parts of the order a report changed (for order.updated and its consumers). */
function changedFields(
  existing: OrderRow,
  changes: Partial<Insertable<OrdersTable>>,
  previousLines: OrderLineRow[],
  data: OrderData,
): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (!same(existing.email, changes.email)) out.push('email');
  if (!same(existing.phone, changes.phone)) out.push('phone');
  if (!same(existing.shipping_address, data.shippingAddress)) out.push('shippingAddress');
  if (!same(existing.billing_address, data.billingAddress)) out.push('billingAddress');
  if (existing.total_minor !== data.totals.total) out.push('total');
  if (!same(existing.tags, data.tags) || !same(existing.campaign_tags, data.campaignTags)) out.push('tags');
  if (!same(existing.note, data.note)) out.push('note');
  if (!same(existing.shipping_method, data.shippingMethod)) out.push('shippingMethod');
  if (
    existing.promised_earliest !== data.promisedEarliest ||
    existing.promised_latest !== data.promisedLatest
  ) {
    out.push('promisedDelivery');
  }
  const lineKey = (l: { title: string; quantity: number; unit: number; variant: string | null }) =>
    `${l.title}|${l.variant}|${l.quantity}|${l.unit}`;
  const before = previousLines.map((l) =>
    lineKey({ title: l.title, quantity: l.quantity, unit: l.unit_price_minor, variant: l.variant_title }),
  );
  const after = data.lines.map((l) =>
    lineKey({ title: l.title, quantity: l.quantity, unit: l.unitPrice, variant: l.variantTitle }),
  );
  if (!same(before, after)) out.push('lines');
  return out;
}

/** JSON with object keys sorted and empty values dropped: jsonb hands keys back in its own order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== null && x !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

async function writeLines(
  tx: DbOrTx,
  merchantId: string,
  orderId: string,
  data: OrderData,
  catalogue: Array<{ productId: string | null; variantId: string | null }>,
  previous: OrderLineRow[],
): Promise<void> {
  // Keep a line's id when the source keeps its id (shipments and returns point at our line ids).
  const byExternal = new Map(previous.filter((l) => l.external_id).map((l) => [l.external_id!, l.id]));
  const byPosition = new Map(previous.filter((l) => !l.external_id).map((l) => [l.position, l.id]));
  const rows: Insertable<OrderLinesTable>[] = data.lines.map((l, i) => ({
    merchant_id: merchantId,
    id: (l.externalId ? byExternal.get(l.externalId) : byPosition.get(i + 1)) ?? newId('oln'),
    order_id: orderId,
    position: i + 1,
    external_id: l.externalId,
    product_id: catalogue[i]?.productId ?? null,
    variant_id: catalogue[i]?.variantId ?? null,
    sku: l.sku,
    title: l.title,
    variant_title: l.variantTitle,
    brand: l.brand,
    size: l.size,
    color: l.color,
    properties: JSON.stringify(l.properties),
    quantity: l.quantity,
    unit_price_minor: l.unitPrice,
    discount_minor: l.discount,
    tax_minor: l.tax,
    tax_lines: JSON.stringify(l.taxLines),
    requires_shipping: l.requiresShipping,
    image_url: l.imageUrl,
  }));
  if (previous.length > 0) {
    await deleteLinesExcept(
      tx,
      merchantId,
      orderId,
      rows.map((r) => r.id),
    );
    await shiftLinePositions(tx, merchantId, orderId);
  }
  await upsertLines(tx, rows);
  if (previous.length > 0) await renumberRemovedLines(tx, merchantId, orderId);
}
