import { z } from 'zod';
import { defineTask } from '../../../jobs/task.ts';
import { findEvent } from '../../../modules/events/index.ts';
import { pushShopifyRefund } from './push-refund.ts';

const resolvedPayload = z.looseObject({
  returnId: z.string(),
  outcome: z.string().nullish(),
  refundedMinor: z.number().nullish(),
});

/**
 * `return.resolved` with money back (a refund, or an exchange's price difference) on a Shopify order: the
 * same refund is made in Shopify, after the resolve has committed and outside its transaction.
 */
export const shopifyRefundTask = defineTask({
  name: 'shopify.refund',
  payload: z.object({ merchantId: z.string(), eventId: z.string() }),
  async run(p, { db, config, logger, attempt, maxAttempts }) {
    const event = await findEvent(db, p.merchantId, p.eventId);
    if (event?.type !== 'return.resolved') return;
    const data = resolvedPayload.safeParse(event.payload);
    if (!data.success) return;
    const { returnId, outcome, refundedMinor } = data.data;
    if (!refundedMinor || refundedMinor <= 0) return;
    if (outcome !== 'refunded' && outcome !== 'exchanged') return;
    await pushShopifyRefund({
      db,
      config,
      logger,
      merchantId: p.merchantId,
      returnId,
      // An exchange's difference is money only: its items went out again as the replacement.
      withLines: outcome === 'refunded',
      lastAttempt: attempt >= maxAttempts,
    });
  },
});

export const shopifyRefundTasks = [shopifyRefundTask];
