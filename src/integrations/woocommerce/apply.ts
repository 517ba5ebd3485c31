import type { z } from 'zod';
import type { DbOrTx } from '../../db/pool.ts';
import { AppError, ValidationError } from '../../lib/errors.ts';
import { toMinor } from '../../lib/money.ts';
import { listLines, recordRefund, upsertOrder } from '../../modules/orders/index.ts';
import { upsertShipment } from '../../modules/shipments/index.ts';
import type { ApplyResult } from '../ingest.ts';
import { mapWooOrder } from './map-order.ts';
import { type WooOrder, wooOrder } from './payloads.ts';

export const SOURCE = 'woocommerce';
export const SUPPORTED_TOPICS = ['order.created', 'order.updated', 'order.restored'];

interface TrackingItem {
  tracking_provider?: string;
  custom_tracking_provider?: string;
  tracking_number?: string;
  custom_tracking_link?: string;
  date_shipped?: string | number;
  tracking_id?: string;
}

export function parseWooOrder(payload: unknown): WooOrder {
  const r = wooOrder.safeParse(payload);
  if (r.success) return r.data;
  throw new ValidationError(
    'The webhook payload does not look like a WooCommerce order.',
    r.error.issues
      .slice(0, 20)
      .map((i: z.core.$ZodIssue) => ({ path: i.path.join('.'), message: i.message })),
    'invalid_payload',
  );
}

/** Applies a WooCommerce order webhook: the order, its refunds, and its shipments when the store has them. */
export async function applyWooOrder(
  ctx: { tx: DbOrTx; merchantId: string; defaultLocale: string },
  o: WooOrder,
): Promise<ApplyResult> {
  const result = await upsertOrder({ ...ctx, source: SOURCE, data: mapWooOrder(o) });
  if (result.outcome === 'stale') return { outcome: 'stale', notes: result.notes };
  const notes = [...result.notes];
  let changed = result.outcome !== 'unchanged';
  const currency = o.currency.toUpperCase();
  for (const r of o.refunds) {
    const refund = await guard(notes, `refund ${r.id}`, () =>
      recordRefund({
        tx: ctx.tx,
        merchantId: ctx.merchantId,
        refund: {
          orderId: result.orderId,
          source: SOURCE,
          externalId: r.id,
          amount: Math.abs(toMinor(r.total, currency)),
          reason: r.reason || null,
          lines: [],
          refundedAt: new Date(),
        },
      }),
    );
    changed = Boolean(refund?.created) || changed;
  }
  for (const s of shipmentsOf(o)) {
    const lines = await listLines(ctx.tx, ctx.merchantId, [result.orderId]);
    if (lines.length === 0) break;
    const shipped = await guard(notes, `shipment ${s.externalId}`, () =>
      upsertShipment({
        tx: ctx.tx,
        merchantId: ctx.merchantId,
        source: SOURCE,
        data: { ...s, orderId: result.orderId },
      }),
    );
    changed = shipped?.outcome === 'created' || shipped?.outcome === 'updated' || changed;
  }
  return { outcome: changed ? 'processed' : 'unchanged', notes };
}

/**
 * Core WooCommerce has no shipments; the widely used Shipment Tracking extension stores them in
 * `_wc_shipment_tracking_items`. Without it, a "completed" order counts as shipped in one parcel.
 */
export function hasTracking(o: WooOrder): boolean {
  const items = o.meta_data.find((m) => m.key === '_wc_shipment_tracking_items')?.value;
  return Array.isArray(items) && items.length > 0;
}

function shipmentsOf(o: WooOrder) {
  const items = o.meta_data.find((m) => m.key === '_wc_shipment_tracking_items')?.value;
  const base = {
    carrier: null,
    service: null,
    trackingNumber: null,
    trackingUrl: null,
    lines: [],
    sourceUpdatedAt: null,
  };
  if (Array.isArray(items) && items.length > 0) {
    return (items as TrackingItem[]).map((t, i) => ({
      ...base,
      externalId: t.tracking_id ?? `tracking-${i}`,
      carrier: t.custom_tracking_provider || t.tracking_provider || null,
      trackingNumber: t.tracking_number || null,
      trackingUrl: t.custom_tracking_link || null,
      status: 'info_received' as const,
      shippedAt: t.date_shipped ? new Date(Number(t.date_shipped) * 1000) : new Date(),
    }));
  }
  if (o.status === 'completed') {
    return [
      {
        ...base,
        externalId: 'completed',
        status: 'info_received' as const,
        shippedAt: new Date(o.date_modified_gmt ?? o.date_created_gmt),
      },
    ];
  }
  return [];
}

async function guard<T>(notes: string[], what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    // Refusals are raised before any write, so the transaction is still good.
    if (err instanceof AppError && err.status < 500) {
      notes.push(`${what}: ${err.code}`);
      return null;
    }
    throw err;
  }
}
