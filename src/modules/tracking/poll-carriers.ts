import { sql } from 'kysely';
import { type Db, withTransaction } from '../../db/pool.ts';
import type { Logger } from '../../lib/logger.ts';
import { applyTrackingUpdates, type TrackingUpdate } from './apply-updates.ts';
import type { CarrierPoller } from './providers/easypost-poller.ts';

/**
 * For parcels whose carrier does not call us: takes up to `limit` open shipments not heard from (and not
 * asked) for `everyHours`, marks them asked (so parallel workers share the work, SKIP LOCKED), asks the
 * carrier about each, and applies the answers per merchant in one transaction each. A carrier error for one
 * parcel is logged and that parcel is asked again next time; it never stops the others.
 */
export async function pollCarriers(opts: {
  db: Db;
  poller: CarrierPoller;
  now: Date;
  everyHours: number;
  limit?: number;
  concurrency?: number;
  logger?: Logger;
}): Promise<{ asked: number; failed: number; moved: number }> {
  const cutoff = new Date(opts.now.getTime() - opts.everyHours * 3_600_000);
  const { rows: due } = await sql<{
    merchant_id: string;
    id: string;
    tracking_number: string;
    carrier: string | null;
  }>`
    UPDATE shipments s SET polled_at = ${opts.now}
    FROM (
      SELECT merchant_id, id FROM shipments
      WHERE status NOT IN ('delivered', 'expired', 'cancelled')
        AND tracking_number IS NOT NULL
        AND coalesce(polled_at, '-infinity') < ${cutoff}
        AND coalesce(last_scan_at, shipped_at, created_at) < ${cutoff}
      ORDER BY polled_at NULLS FIRST
      LIMIT ${opts.limit ?? 200}
      FOR UPDATE SKIP LOCKED
    ) d
    WHERE s.merchant_id = d.merchant_id AND s.id = d.id
    RETURNING s.merchant_id, s.id, s.tracking_number, s.carrier`.execute(opts.db);

  const byMerchant = new Map<string, TrackingUpdate[]>();
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(opts.concurrency ?? 4, due.length) }, async () => {
      while (next < due.length) {
        const parcel = due[next++]!;
        try {
          const update = await opts.poller.poll({
            trackingNumber: parcel.tracking_number,
            carrier: parcel.carrier,
          });
          if (!update) continue;
          const list = byMerchant.get(parcel.merchant_id) ?? [];
          list.push({ ...update, shipmentId: parcel.id, trackingNumber: null });
          byMerchant.set(parcel.merchant_id, list);
        } catch (err) {
          failed++;
          opts.logger?.warn({ err, shipmentId: parcel.id, poller: opts.poller.name }, 'carrier poll failed');
        }
      }
    }),
  );
  let moved = 0;
  for (const [merchantId, updates] of byMerchant) {
    const result = await withTransaction(opts.db, (tx) =>
      applyTrackingUpdates({ tx, merchantId, source: 'poller', updates }),
    );
    moved += result.moved.length;
  }
  return { asked: due.length, failed, moved };
}
