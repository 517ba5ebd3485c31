import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';

export interface WatchlistResult {
  /** Shipments whose flags changed. */
  changed: number;
  /** Newly raised flags, e.g. { late: 3, stalled: 1 }. */
  raised: Record<string, number>;
}

/** Flags that are news on their own. Exception and failed attempts already arrived as shipment.<status>. */
const FLAG_EVENTS: Record<string, NewEvent['type']> = {
  late: 'shipment.delayed',
  stalled: 'shipment.stalled',
};

/**
 * Looks at every parcel still on its way and sets its flags (in the caller's transaction, one statement):
 * - late: not delivered `lateHours` after the end of the latest promised day (merchant's time zone), or the
 *   carrier's own estimate already falls after that day (we tell the customer before they notice);
 * - stalled: no scan for `stalledDaysDomestic` days (`stalledDaysInternational` when it crosses a border);
 * - exception / attempt_fail: the parcel's current status.
 * A flag that clears is removed; a newly raised late or stalled flag appends shipment.delayed or
 * shipment.stalled, once, so journeys can apologise and operations can act.
 */
export async function runWatchlist(opts: {
  tx: DbOrTx;
  now: Date;
  merchantId?: string;
}): Promise<WatchlistResult> {
  const { tx, now, merchantId } = opts;
  const { rows } = await sql<{
    merchant_id: string;
    id: string;
    order_id: string;
    carrier: string | null;
    tracking_number: string | null;
    old_flags: string[];
    new_flags: string[];
  }>`
    WITH cfg AS (
      SELECT id AS merchant_id, timezone,
             coalesce((settings #>> '{tracking,stalledDaysDomestic}')::int, 7) AS stalled_domestic,
             coalesce((settings #>> '{tracking,stalledDaysInternational}')::int, 20) AS stalled_international,
             coalesce((settings #>> '{tracking,lateHours}')::int, 48) AS late_hours,
             postal_address ->> 'country' AS origin_country
      FROM merchants
      ${merchantId ? sql`WHERE id = ${merchantId}` : sql``}
    ),
    open AS (
      SELECT s.merchant_id, s.id, s.flags AS old_flags,
        array_remove(ARRAY[
          CASE WHEN o.promised_latest IS NOT NULL AND (
                 ${now}::timestamptz > ((o.promised_latest + 1)::timestamp AT TIME ZONE cfg.timezone)
                                       + make_interval(hours => cfg.late_hours)
                 OR s.estimated_latest > o.promised_latest)
               THEN 'late' END,
          CASE WHEN coalesce(s.last_scan_at, s.shipped_at, s.created_at) < ${now}::timestamptz - make_interval(days =>
                 CASE WHEN o.shipping_address ->> 'country' IS DISTINCT FROM cfg.origin_country
                      THEN cfg.stalled_international ELSE cfg.stalled_domestic END)
               THEN 'stalled' END,
          CASE WHEN s.status = 'exception' THEN 'exception' END,
          CASE WHEN s.status = 'attempt_fail' THEN 'attempt_fail' END
        ], NULL) AS new_flags
      FROM shipments s
      JOIN cfg ON cfg.merchant_id = s.merchant_id
      JOIN orders o ON o.merchant_id = s.merchant_id AND o.id = s.order_id
      WHERE s.status NOT IN ('delivered', 'expired', 'cancelled')
        AND o.status <> 'cancelled'
    )
    UPDATE shipments s SET
      flags = open.new_flags,
      flagged_at = CASE
        WHEN open.new_flags = '{}' THEN NULL
        WHEN open.new_flags <@ open.old_flags THEN s.flagged_at
        ELSE ${now}::timestamptz END,
      updated_at = ${now}::timestamptz
    FROM open
    WHERE s.merchant_id = open.merchant_id AND s.id = open.id
      AND NOT (open.new_flags @> open.old_flags AND open.new_flags <@ open.old_flags)
    RETURNING s.merchant_id, s.id, s.order_id, s.carrier, s.tracking_number, open.old_flags, open.new_flags`.execute(
    tx,
  );
  const raised: Record<string, number> = {};
  const events: NewEvent[] = [];
  for (const r of rows) {
    for (const flag of r.new_flags.filter((f) => !r.old_flags.includes(f))) {
      raised[flag] = (raised[flag] ?? 0) + 1;
      const type = FLAG_EVENTS[flag];
      if (!type) continue;
      events.push({
        merchantId: r.merchant_id,
        type,
        subjectType: 'shipment',
        subjectId: r.id,
        occurredAt: now,
        payload: {
          shipmentId: r.id,
          orderId: r.order_id,
          carrier: r.carrier,
          trackingNumber: r.tracking_number,
          flags: r.new_flags,
        },
      });
    }
  }
  await appendEvents(tx, events);
  return { changed: rows.length, raised };
}
