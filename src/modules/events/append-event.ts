import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { subscribersOf } from './subscriptions.ts';
import type { NewEvent } from './types.ts';

/**
 * Appends domain events and enqueues the jobs they cause, in the caller's transaction and in a single
 * round trip: the events insert runs as a data-modifying CTE next to graphile_worker.add_jobs.
 * Returns the new event ids in input order.
 */
export async function appendEvents(tx: DbOrTx, events: NewEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({
    merchant_id: e.merchantId,
    id: newId('evt', e.occurredAt.getTime()),
    type: e.type,
    subject_type: e.subjectType,
    subject_id: e.subjectId,
    payload: e.payload ?? {},
    occurred_at: e.occurredAt.toISOString(),
  }));
  const jobs = rows.flatMap((row) =>
    subscribersOf(row.type).map((task) => ({
      identifier: task,
      payload: { merchantId: row.merchant_id, eventId: row.id, type: row.type },
      job_key: `${task}:${row.id}`,
    })),
  );
  await sql`
    WITH inserted AS (
      INSERT INTO events (merchant_id, id, type, subject_type, subject_id, payload, occurred_at)
      SELECT merchant_id, id, type, subject_type, subject_id, payload, occurred_at
      FROM json_populate_recordset(null::events, ${JSON.stringify(rows)}::json)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM inserted) AS events,
           (SELECT count(*) FROM graphile_worker.add_jobs(
              ARRAY(SELECT json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(jobs)}::json))
           )) AS jobs`.execute(tx);
  return rows.map((r) => r.id);
}

export async function appendEvent(tx: DbOrTx, event: NewEvent): Promise<string> {
  const [id] = await appendEvents(tx, [event]);
  return id!;
}
