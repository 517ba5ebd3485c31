import type { Updateable } from 'kysely';
import { type Db, type DbOrTx, withTransaction } from '../../db/pool.ts';
import type { ReturnsTable } from '../../db/schema.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { appendEvents, type EventType } from '../events/index.ts';
import { findReturnForUpdate, insertTransition, type ReturnRow, updateReturn } from './repo.ts';
import { type ReturnStatus, returnLifecycle } from './status.ts';

export type Actor = 'customer' | 'staff' | 'system' | 'api';

export async function lockReturn(tx: DbOrTx, merchantId: string, returnId: string): Promise<ReturnRow> {
  const ret = await findReturnForUpdate(tx, merchantId, returnId);
  if (!ret) throw new NotFoundError('Return', { id: returnId });
  return ret;
}

/**
 * The one way a return changes status, in the caller's transaction: the move is checked against the
 * lifecycle table, written with any other changes, recorded in the audit trail with who made it and why,
 * and announced as `return.<status>` for journeys, webhooks and analytics.
 */
export async function moveReturn(opts: {
  tx: DbOrTx;
  ret: ReturnRow;
  to: ReturnStatus;
  actor: Actor;
  note?: string | null;
  changes?: Updateable<ReturnsTable>;
  payload?: Record<string, unknown>;
}): Promise<ReturnRow> {
  const { tx, ret, to } = opts;
  returnLifecycle.assert(ret.status as ReturnStatus, to);
  await updateReturn(tx, ret.merchant_id, ret.id, { ...opts.changes, status: to });
  await recordStep({ ...opts, from: ret.status as ReturnStatus });
  return { ...ret, ...(opts.changes as Partial<ReturnRow>), status: to };
}

/** The audit line and the event for a status a return enters (also used when it is first created). */
export async function recordStep(opts: {
  tx: DbOrTx;
  ret: ReturnRow;
  from: ReturnStatus | null;
  to: ReturnStatus;
  actor: Actor;
  note?: string | null;
  payload?: Record<string, unknown>;
}): Promise<void> {
  const { tx, ret, to } = opts;
  await insertTransition(tx, {
    merchant_id: ret.merchant_id,
    return_id: ret.id,
    from_status: opts.from,
    to_status: to,
    actor: opts.actor,
    note: opts.note ?? null,
  });
  await appendEvents(tx, [
    {
      merchantId: ret.merchant_id,
      type: `return.${to}` as EventType,
      subjectType: 'return',
      subjectId: ret.id,
      occurredAt: new Date(),
      payload: {
        returnId: ret.id,
        number: ret.number,
        orderId: ret.order_id,
        customerId: ret.customer_id,
        resolution: ret.resolution,
        ...opts.payload,
      },
    },
  ]);
}

/** One step as its own unit of work: lock the return, move it, in one transaction. */
export async function stepReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  to: ReturnStatus;
  actor: Actor;
  note?: string | null;
  changes?: Updateable<ReturnsTable>;
  payload?: Record<string, unknown>;
}): Promise<ReturnRow> {
  const { db, merchantId, returnId, ...move } = opts;
  return withTransaction(db, async (tx) =>
    moveReturn({ tx, ret: await lockReturn(tx, merchantId, returnId), ...move }),
  );
}
