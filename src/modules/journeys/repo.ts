import { type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { JourneyEnrollmentsTable, JourneysTable } from '../../db/schema.ts';
import type { JourneyDefinition } from './schemas.ts';

export type JourneyRow = Selectable<JourneysTable>;
export type EnrollmentRow = Selectable<JourneyEnrollmentsTable>;

/** Active journeys of a merchant whose trigger is `eventType`, with their current definition. */
export async function journeysTriggeredBy(
  db: DbOrTx,
  merchantId: string,
  eventType: string,
): Promise<Array<{ id: string; version: number; definition: JourneyDefinition }>> {
  const { rows } = await sql<{ id: string; version: number; definition: JourneyDefinition }>`
    SELECT j.id, v.version, v.definition FROM journeys j
    JOIN journey_versions v ON v.merchant_id = j.merchant_id AND v.journey_id = j.id AND v.version = j.current_version
    WHERE j.merchant_id = ${merchantId} AND j.active
      AND (v.definition->'trigger'->'event' = to_jsonb(${eventType}::text)
        OR v.definition->'trigger'->'event' @> jsonb_build_array(${eventType}::text))`.execute(db);
  return rows;
}

/** Active enrollments about these subjects (an order, its customer), each with the definition it entered with. */
export async function activeEnrollmentsFor(
  db: DbOrTx,
  merchantId: string,
  subjectIds: string[],
): Promise<Array<EnrollmentRow & { definition: JourneyDefinition }>> {
  if (subjectIds.length === 0) return [];
  const { rows } = await sql<EnrollmentRow & { definition: JourneyDefinition }>`
    SELECT e.*, v.definition FROM journey_enrollments e
    JOIN journey_versions v ON v.merchant_id = e.merchant_id AND v.journey_id = e.journey_id AND v.version = e.version
    WHERE e.merchant_id = ${merchantId} AND e.status = 'active' AND e.subject_id = ANY(${subjectIds}::text[])
    FOR UPDATE OF e`.execute(db);
  return rows;
}

export async function lockEnrollment(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<(EnrollmentRow & { definition: JourneyDefinition }) | undefined> {
  const { rows } = await sql<EnrollmentRow & { definition: JourneyDefinition }>`
    SELECT e.*, v.definition FROM journey_enrollments e
    JOIN journey_versions v ON v.merchant_id = e.merchant_id AND v.journey_id = e.journey_id AND v.version = e.version
    WHERE e.merchant_id = ${merchantId} AND e.id = ${id}
    FOR UPDATE OF e`.execute(db);
  return rows[0];
}

/** Enrollments whose wait is over, oldest first; locked, skipping ones another worker holds. */
export async function dueEnrollments(
  db: DbOrTx,
  now: Date,
  limit: number,
): Promise<Array<{ merchant_id: string; id: string }>> {
  const { rows } = await sql<{ merchant_id: string; id: string }>`
    SELECT merchant_id, id FROM journey_enrollments
    WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= ${now}
    ORDER BY next_run_at LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`.execute(db);
  return rows;
}

export async function saveEnrollment(
  db: DbOrTx,
  e: Pick<
    EnrollmentRow,
    'merchant_id' | 'id' | 'status' | 'step' | 'waiting_for' | 'next_run_at' | 'exit_reason'
  > & {
    context: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .updateTable('journey_enrollments')
    .set({
      status: e.status,
      step: e.step,
      waiting_for: e.waiting_for,
      next_run_at: e.next_run_at,
      exit_reason: e.exit_reason,
      context: JSON.stringify(e.context),
      updated_at: new Date(),
    })
    .where('merchant_id', '=', e.merchant_id)
    .where('id', '=', e.id)
    .execute();
}

/** When the subject last had one of these events (so a wait for an event that already happened ends at once). */
export async function lastEventOf(
  db: DbOrTx,
  merchantId: string,
  subjectId: string,
  types: string[],
): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    SELECT max(occurred_at) AS at FROM events
    WHERE merchant_id = ${merchantId} AND type = ANY(${types}::text[])
      AND (subject_id = ${subjectId} OR payload->>'orderId' = ${subjectId})`.execute(db);
  return rows[0]?.at ?? null;
}
