import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { sharedDataPath } from '../../test/shared-data.ts';

/**
 * The Olist Brazilian e-commerce data set (CC BY-NC-SA 4.0: evaluation only, never copied into the
 * project). Read in place from ../shared/data; see its SOURCE.md. The full orders table is not there,
 * only a referentially consistent sample of 6,887 orders, plus the full sellers table.
 */
export const OLIST_DIR = sharedDataPath('olist_brazilian_ecommerce');
export const OLIST_TIME_ZONE = 'America/Sao_Paulo';

export interface OlistOrder {
  id: string;
  /** order_purchase_timestamp, a Brazilian wall-clock time, as an instant. */
  purchasedAt: Date;
  /** Day the seller handed the parcel to the carrier, when recorded. */
  carrierDay: string | null;
  deliveredDay: string;
  /** Olist's own promise (order_estimated_delivery_date, a date). */
  olistEstimate: string;
  sellerState: string;
  customerState: string;
}

/** The folder holding the orders table: the full one if it is ever added, otherwise the sample. */
function ordersDir(): string | null {
  for (const sub of ['full', 'sample_consistent_6887_orders']) {
    const dir = path.join(OLIST_DIR, sub);
    if (existsSync(path.join(dir, 'olist_orders_dataset.csv'))) return dir;
  }
  return null;
}

export function hasOlist(): boolean {
  return ordersDir() !== null;
}

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

function findFile(dir: string, name: string): string {
  for (const candidate of [path.join(dir, name), path.join(OLIST_DIR, 'full', name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is missing from ${OLIST_DIR}`);
}

/** Delivered orders with every date we need, sorted by purchase time. */
export function loadDeliveredOrders(): { orders: OlistOrder[]; source: string; skipped: number } {
  const dir = ordersDir();
  if (!dir) throw new Error(`No Olist orders table under ${OLIST_DIR}`);
  const customers = new Map(
    readCsv(findFile(dir, 'olist_customers_dataset.csv')).map((c) => [c.customer_id!, c.customer_state!]),
  );
  const sellers = new Map(
    readCsv(findFile(dir, 'olist_sellers_dataset.csv')).map((s) => [s.seller_id!, s.seller_state!]),
  );
  // An order's origin is the seller of its first item (orders with several sellers are rare).
  const sellerOf = new Map<string, { item: number; seller: string }>();
  for (const item of readCsv(findFile(dir, 'olist_order_items_dataset.csv'))) {
    const n = Number(item.order_item_id);
    const known = sellerOf.get(item.order_id!);
    if (!known || n < known.item) sellerOf.set(item.order_id!, { item: n, seller: item.seller_id! });
  }
  const orders: OlistOrder[] = [];
  let skipped = 0;
  for (const o of readCsv(path.join(dir, 'olist_orders_dataset.csv'))) {
    if (o.order_status !== 'delivered') continue;
    const sellerState = sellers.get(sellerOf.get(o.order_id!)?.seller ?? '');
    const customerState = customers.get(o.customer_id!);
    if (
      !o.order_delivered_customer_date ||
      !o.order_estimated_delivery_date ||
      !o.order_purchase_timestamp ||
      !sellerState ||
      !customerState
    ) {
      skipped++;
      continue;
    }
    const purchased = DateTime.fromSQL(o.order_purchase_timestamp, { zone: OLIST_TIME_ZONE });
    orders.push({
      id: o.order_id!,
      purchasedAt: purchased.toJSDate(),
      carrierDay: o.order_delivered_carrier_date ? o.order_delivered_carrier_date.slice(0, 10) : null,
      deliveredDay: o.order_delivered_customer_date.slice(0, 10),
      olistEstimate: o.order_estimated_delivery_date.slice(0, 10),
      sellerState,
      customerState,
    });
  }
  orders.sort((a, b) => a.purchasedAt.getTime() - b.purchasedAt.getTime());
  return { orders, source: path.relative(OLIST_DIR, dir), skipped };
}
