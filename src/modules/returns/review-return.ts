import { type Db, withTransaction } from '../../db/pool.ts';
import { ValidationError } from '../../lib/errors.ts';
import { afterApproval } from './create-return.ts';
import { type Actor, lockReturn, moveReturn, stepReturn } from './move-return.ts';
import type { ReturnRow } from './repo.ts';

/**
 * A person's decision on a request the policy parked for review (or an API client approving its own).
 * Approving a returnless refund or a "keep it" return resolves it at once: there is no parcel to wait for.
 */
export async function approveReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  actor?: Actor;
  note?: string | null;
}): Promise<ReturnRow> {
  return withTransaction(opts.db, async (tx) => {
    const ret = await lockReturn(tx, opts.merchantId, opts.returnId);
    const approved = await moveReturn({
      tx,
      ret,
      to: 'approved',
      actor: opts.actor ?? 'staff',
      note: opts.note,
      changes: { decided_at: new Date() },
    });
    return afterApproval(tx, approved);
  });
}

export async function rejectReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  note: string;
  actor?: Actor;
}): Promise<ReturnRow> {
  if (!opts.note.trim()) {
    throw new ValidationError(
      'Say why the return is rejected: the customer is told.',
      undefined,
      'note_required',
    );
  }
  return stepReturn({
    ...opts,
    to: 'rejected',
    actor: opts.actor ?? 'staff',
    changes: { decided_at: new Date() },
  });
}

/** A request the customer or the merchant withdraws before the parcel is on its way. */
export async function cancelReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  actor?: Actor;
  note?: string | null;
}): Promise<ReturnRow> {
  return stepReturn({ ...opts, to: 'cancelled', actor: opts.actor ?? 'staff' });
}

/** Files a resolved or rejected return away: nothing more will happen to it. */
export async function closeReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  actor?: Actor;
  note?: string | null;
}): Promise<ReturnRow> {
  return stepReturn({ ...opts, to: 'closed', actor: opts.actor ?? 'staff' });
}
