import type { DbOrTx } from '../db/pool.ts';
import { type Db, withTransaction } from '../db/pool.ts';
import { AppError } from '../lib/errors.ts';
import { claimInbound, type InboundOutcome, recordRejectedInbound, settleInbound } from './inbound.ts';

export interface Delivery {
  merchantId: string;
  source: string;
  /** The platform's unique id for this delivery (X-Shopify-Webhook-Id, ...). */
  externalId: string;
  topic: string;
  payload: unknown;
}

export interface ApplyResult {
  outcome: InboundOutcome;
  notes: string[];
  waitingFor?: string;
}

/**
 * Records an inbound delivery and applies it in ONE transaction: the raw payload, the business changes,
 * their domain events and the jobs those cause commit together or not at all. A redelivery of the same
 * id is answered 'duplicate' without touching anything. A delivery refused as bad input is kept (outcome
 * 'rejected') for operators to inspect, and may be claimed again by a retry.
 */
export async function ingestDelivery(opts: {
  db: Db;
  delivery: Delivery;
  apply(tx: DbOrTx): Promise<ApplyResult>;
}): Promise<{ outcome: InboundOutcome | 'duplicate'; notes: string[] }> {
  const d = opts.delivery;
  try {
    return await withTransaction(opts.db, async (tx) => {
      if (!(await claimInbound(tx, d))) return { outcome: 'duplicate' as const, notes: [] };
      const result = await opts.apply(tx);
      if (result.outcome !== 'processed' || result.notes.length > 0) {
        await settleInbound(
          tx,
          d,
          result.outcome,
          result.notes.join('; ') || null,
          result.waitingFor ?? null,
        );
      }
      return { outcome: result.outcome, notes: result.notes };
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await recordRejectedInbound(opts.db, d, `${err.code}: ${err.message}`).catch(() => {});
    }
    throw err;
  }
}
