import { z } from 'zod';
import { PermanentSendError } from '../../channels/types.ts';
import { enqueueMany } from '../../jobs/enqueue.ts';
import { defineTask } from '../../jobs/task.ts';
import { now } from '../../lib/clock.ts';
import { unseal } from '../../lib/crypto.ts';
import { findEvent } from '../events/index.ts';
import { type DeliveryOutcome, pruneDeliveries, recordDeliveryAttempt } from './deliveries.ts';

/**
 * Domain events (and journey webhook steps) fan out to the merchant's endpoints that asked for them: one
 * delivery job per endpoint, so a slow or failing endpoint retries on its own (with the queue's backoff).
 */
export const dispatchWebhooksTask = defineTask({
  name: 'webhooks.dispatch',
  payload: z.object({
    merchantId: z.string(),
    eventId: z.string().optional(),
    event: z.string().optional(),
    enrollmentId: z.string().optional(),
    orderId: z.string().nullish(),
  }),
  async run(p, { db }) {
    const event = p.eventId ? await findEvent(db, p.merchantId, p.eventId) : undefined;
    const type = event?.type ?? p.event;
    if (!type) return;
    const endpoints = await db
      .selectFrom('webhook_endpoints')
      .select(['id', 'events'])
      .where('merchant_id', '=', p.merchantId)
      .where('active', '=', true)
      .execute();
    const wanted = endpoints.filter(
      (e) => e.events.length === 0 || e.events.includes(type) || e.events.includes('*'),
    );
    const deliveryId = event?.id ?? `${type}:${p.enrollmentId ?? ''}`;
    const body = JSON.stringify({
      id: deliveryId,
      type,
      occurredAt: (event?.occurred_at ?? new Date()).toISOString(),
      data: event?.payload ?? { enrollmentId: p.enrollmentId, orderId: p.orderId ?? null },
    });
    await enqueueMany(
      db,
      wanted.map((e) => ({
        task: 'webhooks.deliver',
        payload: { merchantId: p.merchantId, endpointId: e.id, deliveryId, type, body },
        jobKey: `webhooks.deliver:${e.id}:${deliveryId}`,
        maxAttempts: 12,
      })),
    );
  },
});

export const deliverWebhookTask = defineTask({
  name: 'webhooks.deliver',
  payload: z.object({
    merchantId: z.string(),
    endpointId: z.string(),
    deliveryId: z.string(),
    type: z.string(),
    body: z.string(),
  }),
  async run(p, { db, channels, config, logger, attempt, maxAttempts }) {
    const endpoint = await db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('merchant_id', '=', p.merchantId)
      .where('id', '=', p.endpointId)
      .executeTakeFirst();
    const channel = channels.webhook;
    if (!endpoint?.active || !channel) return;
    // The log is for the merchant's eyes: failing to write it must neither send the webhook again (after
    // a success) nor hide the endpoint's own error (after a failure).
    const record = (outcome: DeliveryOutcome) =>
      recordDeliveryAttempt(db, {
        merchantId: p.merchantId,
        endpointId: p.endpointId,
        deliveryId: p.deliveryId,
        type: p.type,
        outcome,
      }).catch((err: unknown) =>
        logger.error(
          { err, endpointId: p.endpointId, deliveryId: p.deliveryId },
          'webhook delivery log not written',
        ),
      );
    try {
      await channel.send({
        id: p.deliveryId,
        merchantId: p.merchantId,
        channel: 'webhook',
        to: endpoint.url,
        from: { name: null, address: null },
        text: p.body,
        webhook: { body: p.body, secret: unseal(endpoint.secret_sealed, config.SECRET_KEY), event: p.type },
      });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentSendError) {
        await record({ status: 'failed', error: `${err.reason}: ${error}` });
        logger.warn(
          { endpointId: p.endpointId, reason: err.reason },
          'webhook endpoint refused the delivery for good',
        );
        return;
      }
      // Retried by the queue with exponential backoff until its attempts run out.
      await record({ status: attempt >= maxAttempts ? 'failed' : 'pending', error });
      throw err;
    }
    await record({ status: 'delivered' });
  },
});

/** Daily (RECURRING in src/tasks.ts): the delivery log keeps DELIVERY_LOG_DAYS. */
export const pruneDeliveriesTask = defineTask({
  name: 'webhooks.prune',
  payload: z.unknown(),
  async run(_payload, ctx) {
    const removed = await pruneDeliveries(ctx.db, { now: now() });
    if (removed > 0) ctx.logger.info({ removed }, 'old webhook deliveries pruned');
  },
});

export const webhookTasks = [dispatchWebhooksTask, deliverWebhookTask, pruneDeliveriesTask];
