import type { DbOrTx } from '../../db/pool.ts';
import { enqueue } from '../../jobs/enqueue.ts';
import { afterQuietHours } from '../../lib/hours.ts';
import { newId } from '../../lib/ids.ts';
import { findMerchant } from '../merchants/index.ts';
import { messagingSettings } from '../merchants/settings.ts';
import { templateSpec } from '../templates/catalog.ts';
import {
  countRecentMarketing,
  insertMessage,
  isSuppressed,
  type MessageRow,
  marketingConsent,
} from './repo.ts';

export interface QueueMessageRequest {
  merchantId: string;
  templateKey: string;
  channel: 'email' | 'sms' | 'whatsapp';
  /** What makes this message unique: the event or journey step it answers. With template and recipient, the idempotency key. */
  cause: string;
  customerId: string | null;
  orderId: string | null;
  shipmentId?: string | null;
  enrollmentId?: string | null;
  locale?: string | null;
  /** When the news happened: too old, and the message is not sent. */
  eventOccurredAt?: Date | null;
  extra?: { voucherId?: string; surveyId?: string; campaign?: string; returnId?: string };
  now: Date;
}

/**
 * Decides whether, when and to whom a message goes, and records it as a row, in the caller's transaction —
 * before anything is sent. Marketing needs consent, respects the global frequency cap and quiet hours; SMS
 * and WhatsApp always wait out quiet hours; suppressed addresses, stale news and news overtaken by events
 * (out for delivery after delivered) are recorded as suppressed with the reason. A queued message gets a
 * delivery job. The same cause, template and recipient twice is one message.
 */
export async function queueMessage(tx: DbOrTx, r: QueueMessageRequest): Promise<MessageRow | null> {
  const spec = templateSpec(r.templateKey);
  if (!spec) throw new Error(`unknown message template ${r.templateKey}`);
  const merchant = await findMerchant(tx, r.merchantId);
  if (!merchant) throw new Error(`merchant ${r.merchantId} vanished`);
  const settings = messagingSettings(merchant.settings);
  const customer = r.customerId
    ? await tx
        .selectFrom('customers')
        .selectAll()
        .where('merchant_id', '=', r.merchantId)
        .where('id', '=', r.customerId)
        // Serialises the frequency-cap check for one customer across concurrent journeys.
        .forUpdate()
        .executeTakeFirst()
    : undefined;
  const order = r.orderId
    ? await tx
        .selectFrom('orders')
        .selectAll()
        .where('merchant_id', '=', r.merchantId)
        .where('id', '=', r.orderId)
        .executeTakeFirst()
    : undefined;
  const recipient =
    r.channel === 'email'
      ? (customer?.email ?? order?.email ?? null)
      : (customer?.phone ?? order?.phone ?? null);
  const locale = r.locale ?? order?.locale ?? customer?.locale ?? merchant.locale;
  const timeZone = customer?.timezone ?? merchant.timezone;

  let status: 'queued' | 'suppressed' | 'failed' = 'queued';
  let reason: string | null = null;
  const refuse = (s: 'suppressed' | 'failed', why: string) => {
    if (status === 'queued') {
      status = s;
      reason = why;
    }
  };
  if (!recipient) refuse('failed', r.channel === 'email' ? 'no email address' : 'no phone number');
  else {
    const blocked = await isSuppressed(tx, r.merchantId, r.channel, recipient);
    if (blocked) refuse('suppressed', `address suppressed (${blocked})`);
  }
  if (order?.status === 'cancelled') refuse('suppressed', 'order cancelled');
  const overtaken = await overtakenBy(tx, r);
  if (overtaken) refuse('suppressed', overtaken);
  if (
    r.eventOccurredAt &&
    r.now.getTime() - r.eventOccurredAt.getTime() > settings.staleEventHours * 3600_000
  ) {
    refuse('suppressed', `stale event (older than ${settings.staleEventHours} h)`);
  }
  if (spec.category === 'marketing') {
    if (!customer || !(await marketingConsent(tx, r.merchantId, customer.id, r.channel)))
      refuse('suppressed', 'no marketing consent');
    else {
      const since = new Date(r.now.getTime() - settings.frequencyCap.days * 86_400_000);
      const sent = await countRecentMarketing(tx, r.merchantId, customer.id, since);
      if (sent >= settings.frequencyCap.max) {
        refuse(
          'suppressed',
          `frequency cap (${settings.frequencyCap.max} in ${settings.frequencyCap.days} days)`,
        );
      }
    }
  }
  const quietApplies = spec.category === 'marketing' || r.channel !== 'email';
  const sendAfter = quietApplies ? afterQuietHours(r.now, timeZone, settings.quietHours) : r.now;
  const id = newId('msg');
  const row = await insertMessage(tx, {
    merchant_id: r.merchantId,
    id,
    idempotency_key: `${r.cause}|${r.templateKey}|${r.channel}|${recipient ?? customer?.id ?? 'nobody'}`,
    channel: r.channel,
    recipient: recipient ?? '',
    customer_id: customer?.id ?? null,
    order_id: order?.id ?? null,
    shipment_id: r.shipmentId ?? null,
    enrollment_id: r.enrollmentId ?? null,
    template_key: r.templateKey,
    locale,
    category: spec.category,
    status,
    status_reason: reason,
    context: JSON.stringify(r.extra ?? {}),
    event_occurred_at: r.eventOccurredAt ?? null,
    send_after: sendAfter,
  });
  if (!row) return null;
  if (row.status === 'queued') {
    await enqueue(
      tx,
      'messages.deliver',
      { merchantId: r.merchantId, messageId: id },
      {
        jobKey: `messages.deliver:${id}`,
        runAt: sendAfter,
        maxAttempts: 12,
        // One order's messages go out one at a time, in the order they were queued.
        queueName: `messages:${order?.id ?? customer?.id ?? id}`,
      },
    );
  }
  return row;
}

/** News that later news has made pointless: "out for delivery" once delivered, a delay once delivered. */
async function overtakenBy(tx: DbOrTx, r: QueueMessageRequest): Promise<string | null> {
  if (!['out_for_delivery', 'delivery_problem', 'order_shipped'].includes(r.templateKey) || !r.orderId)
    return null;
  const shipments = await tx
    .selectFrom('shipments')
    .select(['id', 'status'])
    .where('merchant_id', '=', r.merchantId)
    .where('order_id', '=', r.orderId)
    .execute();
  const relevant = r.shipmentId ? shipments.filter((s) => s.id === r.shipmentId) : shipments;
  return relevant.length > 0 && relevant.every((s) => s.status === 'delivered')
    ? 'superseded: already delivered'
    : null;
}
