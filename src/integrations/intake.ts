import { sql } from 'kysely';
import { type Db, type DbOrTx, withTransaction } from '../db/pool.ts';
import { groupCommit } from '../lib/group-commit.ts';
import type { Logger } from '../lib/logger.ts';
import { createOrders, type OrderData } from '../modules/orders/index.ts';
import { claimInboundMany, lockOrderRefs, settleInbound, takeWaitingMany } from './inbound.ts';
import { type ApplyResult, type Delivery, ingestDelivery } from './ingest.ts';

export interface NewOrderDelivery {
  delivery: Delivery;
  /** The order as mapped from the payload. */
  data: OrderData;
  defaultLocale: string;
  /** The delivery's normal, one-at-a-time processing (used for anything that is not a plain new order). */
  apply(tx: DbOrTx): Promise<ApplyResult>;
  /** Applies a delivery that waited for this order (a fulfilment that came first). */
  applyWaiting(tx: DbOrTx, topic: string, payload: unknown): Promise<ApplyResult>;
}

export type IngestOutcome = { outcome: ApplyResult['outcome'] | 'duplicate'; notes: string[] };

/**
 * The fast lane for "a new order" deliveries (Shopify orders/create, WooCommerce order.created): concurrent
 * deliveries are group-committed, so their raw payloads, customers, orders, lines, events and jobs are
 * written with a handful of set-based statements per batch instead of a dozen round trips per order.
 * Every delivery in a batch still commits or rolls back as a whole with the others; if anything in a batch
 * fails, each delivery is retried alone on the normal path, so one bad delivery never sinks another.
 */
export function createOrderIntake(opts: {
  db: Db;
  logger: Logger;
  maxBatch?: number;
  maxConcurrent?: number;
}) {
  return groupCommit<NewOrderDelivery, IngestOutcome>({
    maxBatch: opts.maxBatch ?? 64,
    // Two batches in flight measured best on 2 cores (docs/benchmarks.md): more only shrinks the batches.
    maxConcurrent: opts.maxConcurrent ?? 2,
    async run(items) {
      try {
        return await withTransaction(opts.db, (tx) => ingestBatch(tx, items));
      } catch (err) {
        if (items.length === 1) return [await alone(opts.db, items[0]!)];
        opts.logger.warn({ err, size: items.length }, 'group commit failed; retrying each delivery alone');
        return Promise.all(items.map((item) => alone(opts.db, item).catch((e) => Promise.reject(e))));
      }
    },
  });
}

function alone(db: Db, item: NewOrderDelivery): Promise<IngestOutcome> {
  return ingestDelivery({ db, delivery: item.delivery, apply: item.apply });
}

const keyOf = (d: Delivery) => `${d.merchantId}|${d.source}|${d.externalId}`;

async function ingestBatch(tx: DbOrTx, items: NewOrderDelivery[]): Promise<IngestOutcome[]> {
  // The same delivery twice in one batch: the first claims it, the rest are duplicates.
  const firstOfKey = new Map<string, number>();
  items.forEach((item, i) => {
    if (!firstOfKey.has(keyOf(item.delivery))) firstOfKey.set(keyOf(item.delivery), i);
  });
  const claimed = await claimInboundMany(
    tx,
    [...firstOfKey.values()].map((i) => items[i]!.delivery),
  );
  const results: Array<IngestOutcome | null> = items.map((item, i) =>
    firstOfKey.get(keyOf(item.delivery)) === i && claimed.has(keyOf(item.delivery))
      ? null
      : { outcome: 'duplicate', notes: [] },
  );

  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    if (r) return;
    const d = items[i]!.delivery;
    const g = `${d.merchantId}|${d.source}`;
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  for (const indexes of groups.values()) {
    const first = items[indexes[0]!]!;
    const { merchantId, source } = first.delivery;
    await lockOrderRefs(
      tx,
      merchantId,
      source,
      indexes.map((i) => items[i]!.data.externalId),
    );
    const known = await existingOrders(
      tx,
      merchantId,
      source,
      indexes.map((i) => items[i]!.data.externalId),
    );
    const fresh: number[] = [];
    const seen = new Set<string>();
    for (const i of indexes) {
      const id = items[i]!.data.externalId;
      if (known.has(id) || seen.has(id)) continue;
      seen.add(id);
      fresh.push(i);
    }
    const created = await createOrders({
      tx,
      merchantId,
      source,
      defaultLocale: first.defaultLocale,
      orders: fresh.map((i) => ({ data: items[i]!.data })),
    });
    fresh.forEach((i, k) => {
      if (created[k]?.orderId) results[i] = { outcome: 'processed', notes: [] };
    });
    // Orders we already had (or that appear twice in the batch) take the normal update path, in this transaction.
    for (const i of indexes) {
      if (results[i]) continue;
      const r = await items[i]!.apply(tx);
      if (r.outcome !== 'processed' || r.notes.length > 0) {
        await settleInbound(
          tx,
          items[i]!.delivery,
          r.outcome,
          r.notes.join('; ') || null,
          r.waitingFor ?? null,
        );
      }
      results[i] = { outcome: r.outcome, notes: r.notes };
    }
    const waiting = await takeWaitingMany(
      tx,
      merchantId,
      source,
      fresh.map((i) => `order:${items[i]!.data.externalId}`),
    );
    for (const w of waiting) {
      const owner = fresh.find((i) => `order:${items[i]!.data.externalId}` === w.ref)!;
      const applied = await items[owner]!.applyWaiting(tx, w.topic, w.payload);
      results[owner]!.notes.push(`applied waiting ${w.topic}: ${applied.outcome}`);
    }
  }
  return results as IngestOutcome[];
}

async function existingOrders(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  externalIds: string[],
): Promise<Set<string>> {
  const { rows } = await sql<{ external_id: string }>`
    SELECT external_id FROM orders
    WHERE merchant_id = ${merchantId} AND source = ${source} AND external_id = ANY(${externalIds}::text[])`.execute(
    tx,
  );
  return new Set(rows.map((r) => r.external_id));
}
