import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';

export type DeliveryOutcome = { status: 'delivered' } | { status: 'pending' | 'failed'; error: string };

/** Records one attempt to deliver an event to an endpoint: the row is created by the first attempt. */
export async function recordDeliveryAttempt(
  db: DbOrTx,
  a: { merchantId: string; endpointId: string; deliveryId: string; type: string; outcome: DeliveryOutcome },
): Promise<void> {
  const error = a.outcome.status === 'delivered' ? null : a.outcome.error.slice(0, 1000);
  await sql`
    INSERT INTO webhook_deliveries AS d
      (merchant_id, endpoint_id, delivery_id, event_type, status, attempts, last_error, last_attempt_at, delivered_at)
    VALUES (${a.merchantId}, ${a.endpointId}, ${a.deliveryId}, ${a.type}, ${a.outcome.status}, 1, ${error}, now(),
            CASE WHEN ${a.outcome.status} = 'delivered' THEN now() END)
    ON CONFLICT (merchant_id, endpoint_id, delivery_id) DO UPDATE SET
      status = EXCLUDED.status,
      attempts = d.attempts + 1,
      last_error = EXCLUDED.last_error,
      last_attempt_at = EXCLUDED.last_attempt_at,
      delivered_at = coalesce(d.delivered_at, EXCLUDED.delivered_at)`.execute(db);
}

/** The endpoint's most recent deliveries, newest first. */
export async function listDeliveries(
  db: DbOrTx,
  r: { merchantId: string; endpointId: string; limit: number },
) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('merchant_id', '=', r.merchantId)
    .where('endpoint_id', '=', r.endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('delivery_id', 'desc')
    .limit(r.limit)
    .execute();
}

/** How long the delivery log is kept: long enough to answer "did you send me order X last month?". */
export const DELIVERY_LOG_DAYS = 30;

/**
 * Deletes log rows older than the retention, merchant by merchant and a chunk at a time, so the daily prune
 * never holds a long lock on a busy shop's rows. Returns how many rows went.
 */
export async function pruneDeliveries(db: DbOrTx, opts: { now: Date; days?: number }): Promise<number> {
  const before = new Date(opts.now.getTime() - (opts.days ?? DELIVERY_LOG_DAYS) * 86_400_000);
  const merchants = await db.selectFrom('merchants').select('id').execute();
  let removed = 0;
  for (const { id } of merchants) {
    for (;;) {
      const result = await sql`
        DELETE FROM webhook_deliveries
        WHERE merchant_id = ${id}
          AND (endpoint_id, delivery_id) IN (
            SELECT endpoint_id, delivery_id FROM webhook_deliveries
            WHERE merchant_id = ${id} AND created_at < ${before}
            LIMIT 5000)`.execute(db);
      const n = Number(result.numAffectedRows ?? 0);
      removed += n;
      if (n < 5000) break;
    }
  }
  return removed;
}
