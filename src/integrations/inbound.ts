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

/**
 * claimInbound for many deliveries in one statement; returns the keys (`merchantId|source|externalId`)
 * that were claimed. Each key must appear once.
 */
export async function claimInboundMany(
  tx: DbOrTx,
  items: Array<{ merchantId: string; source: string; externalId: string; topic: string; payload: unknown }>,
): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const rows = items.map((e) => ({
    merchant_id: e.merchantId,
    source: e.source,
    external_id: e.externalId,
    topic: e.topic,
    outcome: 'processed',
    payload: e.payload,
  }));
  const { rows: claimed } = await sql<{ merchant_id: string; source: string; external_id: string }>`
    INSERT INTO inbound_events (merchant_id, source, external_id, topic, outcome, payload)
    SELECT merchant_id, source, external_id, topic, outcome, payload
    FROM json_populate_recordset(null::inbound_events, ${JSON.stringify(rows)}::json)
    ON CONFLICT (merchant_id, source, external_id) DO UPDATE
      SET outcome = 'processed', note = NULL, received_at = now(), payload = EXCLUDED.payload
      WHERE inbound_events.outcome = 'rejected'
    RETURNING merchant_id, source, external_id`.execute(tx);
  return new Set(claimed.map((r) => `${r.merchant_id}|${r.source}|${r.external_id}`));
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

/**
 * Serialises, per order, "is the order here yet?" (a fulfilment or refund deciding to wait) with "the order
 * arrives and collects what waits for it". Without it a fulfilment could decide to wait just after the
 * order's transaction collected the waiting list, and wait forever. Transaction-scoped advisory locks,
 * taken in sorted order so two batches cannot deadlock.
 */
export async function lockOrderRefs(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  externalIds: string[],
): Promise<void> {
  if (externalIds.length === 0) return;
  const keys = [...new Set(externalIds.map((id) => `${merchantId}:${source}:order:${id}`))].sort();
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) AS k ORDER BY k`.execute(
    tx,
  );
}

/** takeWaiting for many refs at once (one statement); each row says which ref it was waiting for. */
export async function takeWaitingMany(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  refs: string[],
): Promise<Array<{ ref: string; external_id: string; topic: string; payload: unknown }>> {
  if (refs.length === 0) return [];
  const { rows } = await sql<{
    ref: string;
    external_id: string;
    topic: string;
    payload: unknown;
    received_at: Date;
  }>`
    UPDATE inbound_events i SET waiting_for = NULL, outcome = 'processed', note = 'applied after ' || w.ref
    FROM (SELECT ref FROM unnest(${refs}::text[]) AS ref) w
    WHERE i.merchant_id = ${merchantId} AND i.source = ${source} AND i.waiting_for = w.ref
    RETURNING w.ref, i.external_id, i.topic, i.payload, i.received_at`.execute(tx);
  return rows.sort((a, b) => a.received_at.getTime() - b.received_at.getTime());
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
