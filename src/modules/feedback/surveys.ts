import type { DbOrTx } from '../../db/pool.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { appendEvents } from '../events/index.ts';

/** Creates a survey once per `sourceKey` (a journey step for an order). */
export async function createSurvey(
  tx: DbOrTx,
  s: {
    merchantId: string;
    sourceKey: string;
    kind: string;
    customerId: string | null;
    orderId: string | null;
    followUpAtOrBelow?: number | null;
  },
): Promise<{ id: string }> {
  await tx
    .insertInto('surveys')
    .values({
      merchant_id: s.merchantId,
      id: newId('srv'),
      kind: s.kind,
      customer_id: s.customerId,
      order_id: s.orderId,
      source_key: s.sourceKey,
      follow_up_at_or_below: s.followUpAtOrBelow ?? null,
      score: null,
      comment: null,
      answered_at: null,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'source_key']).doNothing())
    .execute();
  return tx
    .selectFrom('surveys')
    .select('id')
    .where('merchant_id', '=', s.merchantId)
    .where('source_key', '=', s.sourceKey)
    .executeTakeFirstOrThrow();
}

/**
 * Records an answer from a one-click link (a score, later perhaps a comment). A customer may change their
 * score within a week (a mis-tap); a score at or below the survey's follow-up threshold opens a task for operations,
 * once. Appends survey.answered.
 */
export async function answerSurvey(
  tx: DbOrTx,
  a: { merchantId: string; surveyId: string; score?: number; comment?: string; now: Date },
): Promise<{ kind: string; score: number | null; taskId: string | null }> {
  const survey = await tx
    .selectFrom('surveys')
    .selectAll()
    .where('merchant_id', '=', a.merchantId)
    .where('id', '=', a.surveyId)
    .forUpdate()
    .executeTakeFirst();
  if (!survey) throw new NotFoundError('Survey');
  const max = survey.kind === 'nps' ? 10 : 5;
  const min = survey.kind === 'nps' ? 0 : 1;
  if (a.score !== undefined && (!Number.isInteger(a.score) || a.score < min || a.score > max)) {
    throw new ValidationError(
      `The score must be a whole number from ${min} to ${max}.`,
      { score: a.score },
      'invalid_score',
    );
  }
  if (survey.answered_at && a.now.getTime() - survey.answered_at.getTime() > 7 * 86_400_000) {
    throw new ConflictError('survey_closed', 'This survey was answered more than a week ago.');
  }
  const score = a.score ?? survey.score;
  await tx
    .updateTable('surveys')
    .set({ score, comment: a.comment ?? survey.comment, answered_at: survey.answered_at ?? a.now })
    .where('merchant_id', '=', a.merchantId)
    .where('id', '=', a.surveyId)
    .execute();
  let taskId: string | null = null;
  if (score !== null && survey.follow_up_at_or_below !== null && score <= survey.follow_up_at_or_below) {
    taskId = await openFollowUp(tx, {
      merchantId: a.merchantId,
      surveyId: survey.id,
      customerId: survey.customer_id,
      orderId: survey.order_id,
      score,
      kind: survey.kind,
    });
  }
  if (a.score !== undefined && a.score !== survey.score) {
    await appendEvents(tx, [
      {
        merchantId: a.merchantId,
        type: 'survey.answered',
        subjectType: 'survey',
        subjectId: survey.id,
        occurredAt: a.now,
        payload: {
          surveyId: survey.id,
          kind: survey.kind,
          score,
          orderId: survey.order_id,
          customerId: survey.customer_id,
        },
      },
    ]);
  }
  return { kind: survey.kind, score, taskId };
}

async function openFollowUp(
  tx: DbOrTx,
  t: {
    merchantId: string;
    surveyId: string;
    customerId: string | null;
    orderId: string | null;
    score: number;
    kind: string;
  },
): Promise<string> {
  const id = newId('tsk');
  const inserted = await tx
    .insertInto('tasks')
    .values({
      merchant_id: t.merchantId,
      id,
      kind: 'negative_feedback',
      title: `Customer rated the ${t.kind === 'thermometer' ? 'purchase' : t.kind} ${t.score}: get in touch`,
      customer_id: t.customerId,
      order_id: t.orderId,
      survey_id: t.surveyId,
      note: null,
      source_key: `survey:${t.surveyId}`,
      closed_at: null,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'source_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) {
    await appendEvents(tx, [
      {
        merchantId: t.merchantId,
        type: 'task.opened',
        subjectType: 'task',
        subjectId: id,
        occurredAt: new Date(),
        payload: { taskId: id, surveyId: t.surveyId, orderId: t.orderId },
      },
    ]);
    return id;
  }
  const existing = await tx
    .selectFrom('tasks')
    .select('id')
    .where('merchant_id', '=', t.merchantId)
    .where('source_key', '=', `survey:${t.surveyId}`)
    .executeTakeFirstOrThrow();
  return existing.id;
}
