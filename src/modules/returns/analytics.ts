import { type RawBuilder, sql } from 'kysely';
import { DateTime } from 'luxon';
import type { DbOrTx } from '../../db/pool.ts';
import { OUTCOMES, type Outcome, RETURN_STATUSES, type ReturnStatus } from './status.ts';

/**
 * Return analytics for one merchant, all set-based (GROUP BY in Postgres, a handful of queries whatever the
 * volume). Two windows, because the questions differ:
 *  - rates (by product, category, reason) follow the cohort of orders placed in the window: units sold on
 *    those orders and the units of them in a return that is still alive (anything but rejected or
 *    cancelled, whenever it was made), so a rate never goes above 1 and recent orders simply show less;
 *  - statuses count the returns created in the window, outcomes and "revenue kept" the returns resolved in it.
 * Exchange orders (source 'exchange') are not sales. This read model joins the orders and catalogue tables
 * directly: a dashboard over every line cannot go through their one-row-at-a-time module surfaces.
 */

export interface AnalyticsWindow {
  merchantId: string;
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** Local calendar days [from, to] in the merchant's time zone as UTC instants; defaults to the last 90 days. */
export function analyticsWindow(opts: { from?: string; to?: string; timeZone: string; now: Date }): {
  from: string;
  to: string;
  start: Date;
  end: Date;
} {
  const today = DateTime.fromJSDate(opts.now, { zone: opts.timeZone }).startOf('day');
  const to = opts.to ? DateTime.fromISO(opts.to, { zone: opts.timeZone }) : today;
  const from = opts.from ? DateTime.fromISO(opts.from, { zone: opts.timeZone }) : to.minus({ days: 89 });
  return {
    from: from.toISODate()!,
    to: to.toISODate()!,
    start: from.toJSDate(),
    end: to.plus({ days: 1 }).toJSDate(),
  };
}

export interface ProductRateRow {
  product_id: string | null;
  title: string;
  skus: string[];
  category: string | null;
  units_sold: number;
  units_returned: number;
}

export interface CategoryRateRow {
  category: string | null;
  /** The grand total row of the grouping sets. */
  is_total: boolean;
  orders: number;
  units_sold: number;
  units_returned: number;
}

export interface ReasonRow {
  reason: string | null;
  is_total: boolean;
  returns: number;
  units_returned: number;
}

export interface OutcomeRow {
  outcome: Outcome;
  currency: string;
  returns: number;
  /** The returned lines as paid, less lines inspected as not eligible. */
  value_minor: number;
  refunded_minor: number;
  credited_minor: number;
}

/** Every line of the window's orders with the units of it in live returns. */
function cohortLines(w: AnalyticsWindow): RawBuilder<unknown> {
  return sql`
    sold AS (
      SELECT ol.id, ol.order_id, ol.product_id, ol.sku, ol.title, ol.quantity
      FROM orders o
      JOIN order_lines ol ON ol.merchant_id = o.merchant_id AND ol.order_id = o.id
      WHERE o.merchant_id = ${w.merchantId}
        AND o.placed_at >= ${w.start} AND o.placed_at < ${w.end}
        AND o.status <> 'cancelled' AND o.source <> 'exchange'
    ),
    returned AS (
      SELECT rl.order_line_id, rl.return_id, rl.reason, rl.quantity
      FROM return_lines rl
      JOIN returns r ON r.merchant_id = rl.merchant_id AND r.id = rl.return_id
      WHERE rl.merchant_id = ${w.merchantId}
        AND r.status NOT IN ('rejected', 'cancelled')
        AND rl.order_line_id IN (SELECT id FROM sold)
    ),
    lines AS (
      SELECT s.*, coalesce(r.units, 0) AS units_returned
      FROM sold s
      LEFT JOIN (SELECT order_line_id, sum(quantity) AS units FROM returned GROUP BY order_line_id) r
        ON r.order_line_id = s.id
    )`;
}

/** Products (lines without a catalogue product by SKU, else by title), most returned first. */
export async function productReturnRates(
  db: DbOrTx,
  w: AnalyticsWindow,
  limit: number,
): Promise<ProductRateRow[]> {
  const { rows } = await sql<ProductRateRow>`
    WITH ${cohortLines(w)}
    SELECT * FROM (
      SELECT l.product_id,
             coalesce(min(p.title), min(l.title)) AS title,
             coalesce(array_agg(DISTINCT l.sku ORDER BY l.sku) FILTER (WHERE l.sku IS NOT NULL), '{}') AS skus,
             min(p.category) AS category,
             sum(l.quantity)::bigint AS units_sold,
             sum(l.units_returned)::bigint AS units_returned
      FROM lines l
      LEFT JOIN products p ON p.merchant_id = ${w.merchantId} AND p.id = l.product_id
      GROUP BY l.product_id, (CASE WHEN l.product_id IS NULL THEN coalesce(l.sku, l.title) END)
    ) x
    ORDER BY units_returned DESC, units_returned::float8 / units_sold DESC, units_sold DESC, title
    LIMIT ${limit}`.execute(db);
  return rows;
}

/** Per catalogue category (null: lines with no product or no category), plus the window's totals. */
export async function categoryReturnRates(db: DbOrTx, w: AnalyticsWindow): Promise<CategoryRateRow[]> {
  const { rows } = await sql<CategoryRateRow>`
    WITH ${cohortLines(w)}
    SELECT p.category,
           GROUPING(p.category) = 1 AS is_total,
           count(DISTINCT l.order_id)::int AS orders,
           sum(l.quantity)::bigint AS units_sold,
           sum(l.units_returned)::bigint AS units_returned
    FROM lines l
    LEFT JOIN products p ON p.merchant_id = ${w.merchantId} AND p.id = l.product_id
    GROUP BY GROUPING SETS ((p.category), ())
    ORDER BY is_total, units_returned DESC, units_sold DESC, p.category NULLS LAST`.execute(db);
  return rows;
}

/** Returned units per reason of the window's orders, plus the totals (distinct returns, all units). */
export async function reasonCounts(db: DbOrTx, w: AnalyticsWindow): Promise<ReasonRow[]> {
  const { rows } = await sql<ReasonRow>`
    WITH ${cohortLines(w)}
    SELECT reason,
           GROUPING(reason) = 1 AS is_total,
           count(DISTINCT return_id)::int AS returns,
           sum(quantity)::bigint AS units_returned
    FROM returned
    GROUP BY GROUPING SETS ((reason), ())
    ORDER BY is_total, units_returned DESC, reason`.execute(db);
  return rows;
}

/** Returns created in the window, by where they stand now; every status is present, 0 when none. */
export async function statusCounts(db: DbOrTx, w: AnalyticsWindow): Promise<Record<ReturnStatus, number>> {
  const { rows } = await sql<{ status: ReturnStatus; n: number }>`
    SELECT status, count(*)::int AS n
    FROM returns
    WHERE merchant_id = ${w.merchantId} AND created_at >= ${w.start} AND created_at < ${w.end}
    GROUP BY status`.execute(db);
  const counts = Object.fromEntries(RETURN_STATUSES.map((s) => [s, 0])) as Record<ReturnStatus, number>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** Returns resolved in the window, by outcome and currency, with the value they settled. */
export async function outcomeTotals(db: DbOrTx, w: AnalyticsWindow): Promise<OutcomeRow[]> {
  const { rows } = await sql<OutcomeRow>`
    WITH resolved AS (
      SELECT id, outcome, currency, refunded_minor, credited_minor
      FROM returns
      WHERE merchant_id = ${w.merchantId} AND outcome IS NOT NULL
        AND resolved_at >= ${w.start} AND resolved_at < ${w.end}
    ),
    settled AS (
      SELECT return_id, sum(unit_price_minor * quantity)::bigint AS value_minor
      FROM return_lines
      WHERE merchant_id = ${w.merchantId} AND return_id IN (SELECT id FROM resolved)
        AND inspection IS DISTINCT FROM 'not_eligible'
      GROUP BY return_id
    )
    SELECT r.outcome, r.currency,
           count(*)::int AS returns,
           coalesce(sum(s.value_minor), 0)::bigint AS value_minor,
           sum(r.refunded_minor)::bigint AS refunded_minor,
           sum(r.credited_minor)::bigint AS credited_minor
    FROM resolved r
    LEFT JOIN settled s ON s.return_id = r.id
    GROUP BY r.outcome, r.currency
    ORDER BY r.currency, r.outcome`.execute(db);
  return rows.filter((r) => (OUTCOMES as readonly string[]).includes(r.outcome));
}
