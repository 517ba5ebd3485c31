import { sql } from 'kysely';
import type { DbOrTx } from '../db/pool.ts';

export type InboundOutcome = 'processed' | 'unchanged' | 'stale' | 'ignored' | 'deferred' | 'rejected';

/**
 * Claims an inbound delivery (a webhook) by its source's unique id, inside the transaction that will
 * process it. Returns false when it was already processed: a redelivery changes nothing. A delivery we
 * rejected before may be claimed again, so a fixed bug or a late dependency lets the retry succeed.
 */
export async function claimInbound(
  tx: DbOrTx,
  e: { merchantId: string; source: string; externalId: string; topic: string; payload: unknown },
): Promise<boolean> {
  const { rows } = await sql<{ claimed: number }>`
    INSERT INTO inbound_events (merchant_id, source, external_id, topic, outcome, payload)
    VALUES (${e.merchantId}, ${e.source}, ${e.externalId}, ${e.topic}, 'processed', ${JSON.stringify(e.payload)}::jsonb)
    ON CONFLICT (merchant_id, source, external_id) DO UPDATE
      SET outcome = 'processed', note = NULL, received_at = now(), payload = EXCLUDED.payload
      WHERE inbound_events.outcome = 'rejected'
    RETURNING 1 AS claimed`.execute(tx);
  return rows.length > 0;
}

/** Records how a claimed delivery ended when it was anything but a plain success. */
export async function settleInbound(
  tx: DbOrTx,
  e: { merchantId: string; source: string; externalId: string },
  outcome: InboundOutcome,
  note: string | null,
  waitingFor: string | null = null,
): Promise<void> {
  await tx
    .updateTable('inbound_events')
    .set({ outcome, note, waiting_for: waitingFor })
    .where('merchant_id', '=', e.merchantId)
    .where('source', '=', e.source)
    .where('external_id', '=', e.externalId)
    .execute();
}

/**
 * Records a delivery we could not process (bad payload), in its own short transaction, so operators can
 * see it; the platform's retry may claim it again.
 */
export async function recordRejectedInbound(
  db: DbOrTx,
  e: { merchantId: string; source: string; externalId: string; topic: string; payload: unknown },
  reason: string,
): Promise<void> {
  await sql`
    INSERT INTO inbound_events (merchant_id, source, external_id, topic, outcome, note, payload)
    VALUES (${e.merchantId}, ${e.source}, ${e.externalId}, ${e.topic}, 'rejected', ${reason}, ${JSON.stringify(e.payload)}::jsonb)
    ON CONFLICT (merchant_id, source, external_id) DO UPDATE SET note = EXCLUDED.note
      WHERE inbound_events.outcome = 'rejected'`.execute(db);
}

/** Deliveries that were waiting for `ref` (e.g. 'order:123'), oldest first, now taken off the wait list. */
export async function takeWaiting(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  ref: string,
): Promise<Array<{ external_id: string; topic: string; payload: unknown }>> {
  const { rows } = await sql<{ external_id: string; topic: string; payload: unknown; received_at: Date }>`
    UPDATE inbound_events SET waiting_for = NULL, outcome = 'processed', note = 'applied after ' || ${ref}
    WHERE merchant_id = ${merchantId} AND source = ${source} AND waiting_for = ${ref}
    RETURNING external_id, topic, payload, received_at`.execute(tx);
  return rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime());
}
