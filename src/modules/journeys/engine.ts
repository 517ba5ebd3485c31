import type { Config } from '../../config.ts';
import { type Db, type DbOrTx, withTransaction } from '../../db/pool.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import { afterQuietHours, nextBusinessTime } from '../../lib/hours.ts';
import { newId } from '../../lib/ids.ts';
import { findEvent } from '../events/index.ts';
import { createSurvey } from '../feedback/surveys.ts';
import { findMerchant } from '../merchants/index.ts';
import { messagingSettings } from '../merchants/settings.ts';
import { queueMessage } from '../messages/queue-message.ts';
import { issueVoucher } from '../vouchers/issue-voucher.ts';
import { conditionsHold, loadFacts } from './conditions.ts';
import {
  activeEnrollmentsFor,
  dueEnrollments,
  type EnrollmentRow,
  journeysTriggeredBy,
  lastEventOf,
  lockEnrollment,
  saveEnrollment,
} from './repo.ts';
import type { JourneyDefinition, Step } from './schemas.ts';

type Enrollment = EnrollmentRow & { definition: JourneyDefinition };
type Ctx = { voucherId?: string; surveyId?: string; armed?: number };

const ms = (d: { days?: number; hours?: number; minutes?: number }) =>
  ((d.days ?? 0) * 24 * 60 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000;
const list = (e: string | string[]) => (Array.isArray(e) ? e : [e]);

/**
 * Reacts to one domain event: ends the enrollments it exits, wakes the ones waiting for it, and enrols
 * its order (or customer) in every active journey it triggers whose conditions hold — each journey at
 * most once per subject, at the version current now. Then runs every touched enrollment as far as it goes.
 */
export async function dispatchEvent(opts: {
  db: Db;
  config: Config;
  merchantId: string;
  eventId: string;
  now: Date;
}): Promise<void> {
  const { db, merchantId, now } = opts;
  const event = await findEvent(db, merchantId, opts.eventId);
  if (!event) return;
  const p = event.payload as {
    orderId?: string;
    customerId?: string | null;
    shipmentId?: string;
    returnId?: string;
  };
  const orderId = p.orderId ?? (event.subject_type === 'order' ? event.subject_id : null);
  const returnId = p.returnId ?? (event.subject_type === 'return' ? event.subject_id : null);
  await withTransaction(db, async (tx) => {
    const customerId =
      p.customerId ??
      (orderId
        ? ((
            await tx
              .selectFrom('orders')
              .select('customer_id')
              .where('merchant_id', '=', merchantId)
              .where('id', '=', orderId)
              .executeTakeFirst()
          )?.customer_id ?? null)
        : null);
    for (const e of await activeEnrollmentsFor(
      tx,
      merchantId,
      [orderId, customerId, returnId].filter((x): x is string => Boolean(x)),
    )) {
      if ((e.definition.exits as string[]).includes(event.type)) {
        await saveEnrollment(tx, {
          ...e,
          context: e.context,
          status: 'exited',
          exit_reason: event.type,
          next_run_at: null,
          waiting_for: null,
        });
        continue;
      }
      const waiting = e.waiting_for?.split(',') ?? [];
      if (waiting.includes(event.type)) {
        const step = e.definition.steps[e.step];
        const delay = step?.type === 'wait_for_event' && step.after ? ms(step.after) : 0;
        await saveEnrollment(tx, {
          ...e,
          context: { ...e.context, armed: e.step },
          waiting_for: null,
          next_run_at: new Date(now.getTime() + delay),
        });
        await runEnrollment(tx, opts.config, merchantId, e.id, now, event.occurred_at);
      }
    }
    const journeys = await journeysTriggeredBy(tx, merchantId, event.type);
    if (journeys.length === 0) return;
    const facts = await loadFacts(tx, merchantId, orderId, customerId, returnId);
    for (const j of journeys) {
      const subjectId = { order: orderId, customer: customerId, return: returnId }[j.definition.subject];
      if (!subjectId || !conditionsHold(j.definition.conditions, facts)) continue;
      const id = newId('enr');
      const inserted = await tx
        .insertInto('journey_enrollments')
        .values({
          merchant_id: merchantId,
          id,
          journey_id: j.id,
          version: j.version,
          subject_type: j.definition.subject,
          subject_id: subjectId,
          customer_id: customerId,
          order_id: orderId,
          trigger_event_id: event.id,
          status: 'active',
          waiting_for: null,
          next_run_at: null,
          exit_reason: null,
        })
        .onConflict((oc) => oc.columns(['merchant_id', 'journey_id', 'subject_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) await runEnrollment(tx, opts.config, merchantId, id, now, event.occurred_at);
    }
  });
}

/** Runs every enrollment whose wait is over (the journeys.tick job, every minute; tests call it with a moved clock). */
export async function runDueEnrollments(opts: {
  db: Db;
  config: Config;
  now: Date;
  limit?: number;
}): Promise<number> {
  return withTransaction(opts.db, async (tx) => {
    const due = await dueEnrollments(tx, opts.now, opts.limit ?? 500);
    for (const e of due) await runEnrollment(tx, opts.config, e.merchant_id, e.id, opts.now);
    return due.length;
  });
}

/**
 * Runs one enrollment's steps from where it is until it must wait or the journey ends, in the caller's
 * transaction. Every action is idempotent by (enrollment, step), so running a step twice changes nothing.
 */
export async function runEnrollment(
  tx: DbOrTx,
  config: Config,
  merchantId: string,
  id: string,
  now: Date,
  eventOccurredAt?: Date,
): Promise<void> {
  const e = await lockEnrollment(tx, merchantId, id);
  if (e?.status !== 'active') return;
  const ctx = { ...(e.context as Ctx) };
  let step = e.step;
  const save = (
    fields: Partial<Pick<EnrollmentRow, 'status' | 'waiting_for' | 'next_run_at' | 'exit_reason'>>,
  ) =>
    saveEnrollment(tx, {
      ...e,
      step,
      context: ctx,
      waiting_for: null,
      next_run_at: null,
      exit_reason: null,
      ...fields,
    });

  for (; step < e.definition.steps.length; step++) {
    const s = e.definition.steps[step]!;
    if (ctx.armed === step) {
      // This step's wait was set earlier: go on once its time has come.
      if (e.next_run_at && e.next_run_at > now && step === e.step) return;
      ctx.armed = undefined;
      continue;
    }
    if (
      s.when &&
      !conditionsHold(
        s.when,
        await loadFacts(
          tx,
          merchantId,
          e.order_id,
          e.customer_id,
          e.subject_type === 'return' ? e.subject_id : null,
        ),
      )
    )
      continue;
    const waitUntil = await waitTarget(tx, e, s, now);
    if (waitUntil === 'event') {
      ctx.armed = undefined;
      const events = list((s as Extract<Step, { type: 'wait_for_event' }>).event);
      const timeout =
        s.type === 'wait_for_event' && s.timeout ? new Date(now.getTime() + ms(s.timeout)) : null;
      await save({ waiting_for: events.join(','), next_run_at: timeout });
      return;
    }
    if (waitUntil === 'timeout') {
      await save({ status: 'exited', exit_reason: 'timeout' });
      return;
    }
    if (waitUntil && waitUntil > now) {
      ctx.armed = step;
      await save({ next_run_at: waitUntil });
      return;
    }
    await act(tx, config, e, s, step, ctx, now, eventOccurredAt);
  }
  await save({ status: 'completed' });
}

/** When a wait step ends: a time, 'event' (wait for it), 'timeout', or null (not a wait). */
async function waitTarget(
  tx: DbOrTx,
  e: Enrollment,
  s: Step,
  now: Date,
): Promise<Date | 'event' | 'timeout' | null> {
  switch (s.type) {
    case 'wait':
      return new Date(now.getTime() + ms(s.for));
    case 'wait_for_event': {
      if (e.waiting_for && e.next_run_at && e.next_run_at <= now) return 'timeout';
      const happened = await lastEventOf(tx, e.merchant_id, e.subject_id, list(s.event));
      if (!happened) return 'event';
      return new Date(Math.max(now.getTime(), happened.getTime() + (s.after ? ms(s.after) : 0)));
    }
    case 'wait_business_hours':
    case 'wait_quiet_hours': {
      const merchant = await findMerchant(tx, e.merchant_id);
      if (!merchant) return null;
      const settings = messagingSettings(merchant.settings);
      const customer = e.customer_id
        ? await tx
            .selectFrom('customers')
            .select('timezone')
            .where('merchant_id', '=', e.merchant_id)
            .where('id', '=', e.customer_id)
            .executeTakeFirst()
        : undefined;
      const tz = customer?.timezone ?? merchant.timezone;
      return s.type === 'wait_business_hours'
        ? nextBusinessTime(now, merchant.timezone, settings.businessHours)
        : afterQuietHours(now, tz, settings.quietHours);
    }
    default:
      return null;
  }
}

async function act(
  tx: DbOrTx,
  config: Config,
  e: Enrollment,
  s: Step,
  step: number,
  ctx: Ctx,
  now: Date,
  eventOccurredAt?: Date,
): Promise<void> {
  const sourceKey = `enr:${e.id}:${step}`;
  switch (s.type) {
    case 'send':
      await queueMessage(tx, {
        merchantId: e.merchant_id,
        templateKey: s.template,
        channel: s.channel,
        cause: sourceKey,
        customerId: e.customer_id,
        orderId: e.order_id,
        enrollmentId: e.id,
        eventOccurredAt: eventOccurredAt ?? null,
        extra: {
          voucherId: ctx.voucherId,
          surveyId: ctx.surveyId,
          campaign: s.campaign,
          ...(e.subject_type === 'return' ? { returnId: e.subject_id } : {}),
        },
        now,
      });
      return;
    case 'issue_voucher': {
      const order = e.order_id
        ? await tx
            .selectFrom('orders')
            .select('currency')
            .where('merchant_id', '=', e.merchant_id)
            .where('id', '=', e.order_id)
            .executeTakeFirst()
        : undefined;
      const v = await issueVoucher(tx, {
        merchantId: e.merchant_id,
        sourceKey,
        kind: 'thank_you',
        customerId: e.customer_id,
        orderId: e.order_id,
        percentOff: s.percentOff,
        amountMinor: s.amount,
        currency: order?.currency ?? null,
        expiresAt: new Date(now.getTime() + s.validDays * 86_400_000),
        prefix: s.prefix,
      });
      ctx.voucherId = v.id;
      return;
    }
    case 'create_survey': {
      const survey = await createSurvey(tx, {
        merchantId: e.merchant_id,
        sourceKey,
        kind: s.kind,
        customerId: e.customer_id,
        orderId: e.order_id,
        followUpAtOrBelow: s.followUpAtOrBelow,
      });
      ctx.surveyId = survey.id;
      return;
    }
    case 'webhook':
      await enqueue(
        tx,
        'webhooks.dispatch',
        { merchantId: e.merchant_id, event: s.event, enrollmentId: e.id, orderId: e.order_id },
        { jobKey: `webhooks.dispatch:${sourceKey}` },
      );
      return;
    default:
      void config;
  }
}
