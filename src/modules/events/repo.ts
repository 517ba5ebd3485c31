import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { EventsTable } from '../../db/schema.ts';

export type EventRow = Selectable<EventsTable>;

export async function findEvent(db: DbOrTx, merchantId: string, id: string): Promise<EventRow | undefined> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Events after `afterSeq`, oldest first: the log can be replayed page by page. */
export async function listEvents(
  db: DbOrTx,
  opts: { merchantId: string; afterSeq: number; limit: number; type?: string; subjectId?: string },
): Promise<EventRow[]> {
  let q = db
    .selectFrom('events')
    .selectAll()
    .where('merchant_id', '=', opts.merchantId)
    .where('seq', '>', opts.afterSeq)
    .orderBy('seq')
    .limit(opts.limit);
  if (opts.type) q = q.where('type', '=', opts.type);
  if (opts.subjectId) q = q.where('subject_id', '=', opts.subjectId);
  return q.execute();
}
