import { type Db, withTransaction } from '../../db/pool.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { type Actor, lockReturn, moveReturn, stepReturn } from './move-return.ts';
import { listReturnLines, type ReturnRow, updateReturnLine } from './repo.ts';
import type { Inspection } from './status.ts';

/** The return parcel's label: the carrier and tracking number the customer ships it with. */
export async function issueReturnLabel(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  carrier: string;
  trackingNumber: string;
  actor?: Actor;
}): Promise<ReturnRow> {
  const { db, merchantId, returnId, carrier, trackingNumber } = opts;
  return stepReturn({
    db,
    merchantId,
    returnId,
    to: 'label_issued',
    actor: opts.actor ?? 'staff',
    changes: { return_carrier: carrier, return_tracking: trackingNumber },
    payload: { carrier, trackingNumber },
  });
}

export async function markReturnInTransit(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  actor?: Actor;
}): Promise<ReturnRow> {
  return stepReturn({ ...opts, to: 'in_transit', actor: opts.actor ?? 'system' });
}

/** The parcel is at the warehouse. */
export async function receiveReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  actor?: Actor;
  note?: string | null;
}): Promise<ReturnRow> {
  return stepReturn({
    ...opts,
    to: 'received',
    actor: opts.actor ?? 'staff',
    changes: { received_at: new Date() },
  });
}

/**
 * Each line looked at: back to stock, damaged, or not eligible (worn, wrong item). Every line of the
 * return must be inspected at once; a line judged not eligible is left out of the refund or credit.
 */
export async function inspectReturn(opts: {
  db: Db;
  merchantId: string;
  returnId: string;
  lines: Array<{ lineId: string; inspection: Inspection; note?: string | null }>;
  actor?: Actor;
}): Promise<ReturnRow> {
  return withTransaction(opts.db, async (tx) => {
    const ret = await lockReturn(tx, opts.merchantId, opts.returnId);
    const lines = await listReturnLines(tx, opts.merchantId, [ret.id]);
    const given = new Map(opts.lines.map((l) => [l.lineId, l]));
    const unknown = opts.lines.filter((l) => !lines.some((x) => x.id === l.lineId)).map((l) => l.lineId);
    const missing = lines.filter((l) => !given.has(l.id)).map((l) => l.id);
    if (unknown.length > 0 || missing.length > 0) {
      throw new UnprocessableError(
        'inspection_incomplete',
        'Inspect every line of the return, and only those.',
        { unknown, missing },
      );
    }
    const moved = await moveReturn({
      tx,
      ret,
      to: 'inspected',
      actor: opts.actor ?? 'staff',
      payload: { lines: opts.lines.map((l) => ({ lineId: l.lineId, inspection: l.inspection })) },
    });
    for (const l of opts.lines) {
      await updateReturnLine(tx, opts.merchantId, l.lineId, {
        inspection: l.inspection,
        inspection_note: l.note ?? null,
      });
    }
    return moved;
  });
}
