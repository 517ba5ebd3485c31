import { sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { subscribersOf } from './subscriptions.ts';
import type { NewEvent } from './types.ts';

/**
 * Some tasks are worth a job only when the merchant has something for them to do: journeys (active, or
 * with people still inside) or active webhook endpoints. Checked in the same statement, so a shop without
 * them does not pay a job per event for nothing. `j` is the job spec, its payload carries merchantId.
 */
const WORTH_A_JOB = sql`
  CASE j.identifier
    WHEN 'journeys.dispatch' THEN
      EXISTS (SELECT 1 FROM journeys x WHERE x.merchant_id = j.payload->>'merchantId' AND x.active)
      OR EXISTS (SELECT 1 FROM journey_enrollments x WHERE x.merchant_id = j.payload->>'merchantId' AND x.status = 'active')
    WHEN 'webhooks.dispatch' THEN
      EXISTS (SELECT 1 FROM webhook_endpoints x WHERE x.merchant_id = j.payload->>'merchantId' AND x.active)
    ELSE true
  END`;

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
           (SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
              SELECT j FROM json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(jobs)}::json) j
              WHERE ${WORTH_A_JOB}
           ))) AS jobs`.execute(tx);
  return rows.map((r) => r.id);
}

export async function appendEvent(tx: DbOrTx, event: NewEvent): Promise<string> {
  const [id] = await appendEvents(tx, [event]);
  return id!;
}
