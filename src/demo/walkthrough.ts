import { z } from 'zod';
import type { Config } from '../config.ts';
import { type DbOrTx, withTransaction } from '../db/pool.ts';
import { enqueue } from '../jobs/enqueue.ts';
import { defineTask } from '../jobs/task.ts';
import { now } from '../lib/clock.ts';
import { markOrderPaid } from '../modules/orders/index.ts';
import { upsertShipment } from '../modules/shipments/index.ts';
import { applyTrackingUpdates } from '../modules/tracking/apply-updates.ts';
import type { TrackingStatus } from '../modules/tracking/statuses.ts';

/**
 * The demo's live order: placed as the demo store is created, then moved one step every few seconds —
 * paid, shipped, out for delivery, delivered — through the same use-cases a real shop's webhooks and
 * carrier scans go through. Journeys react as they would to a real order, so the dev mailbox fills with
 * the whole series in the customer's language. Each step is a durable job that enqueues the next one,
 * so a restart mid-way resumes where it stopped.
 */
export const WALKTHROUGH_STEPS = ['paid', 'shipped', 'out_for_delivery', 'delivered'] as const;

const payload = z.object({
  merchantId: z.string(),
  orderId: z.string(),
  carrier: z.string(),
  trackingNumber: z.string(),
  step: z
    .number()
    .int()
    .min(0)
    .max(WALKTHROUGH_STEPS.length - 1),
});
export type WalkthroughStep = z.infer<typeof payload>;

/** The next step, DEMO_STEP_SECONDS from now (8 by default: time to watch each message arrive). */
export async function scheduleWalkthroughStep(
  tx: DbOrTx,
  step: WalkthroughStep,
  config: Pick<Config, 'DEMO_STEP_SECONDS'>,
): Promise<void> {
  await enqueue(tx, 'demo.walkthrough', step, {
    jobKey: `demo.walkthrough:${step.orderId}`,
    runAt: new Date(now().getTime() + config.DEMO_STEP_SECONDS * 1000),
  });
}

export const walkthroughTask = defineTask({
  name: 'demo.walkthrough',
  payload,
  async run(step, ctx) {
    const { merchantId, orderId } = step;
    const at = now();
    const stage = WALKTHROUGH_STEPS[step.step]!;
    if (stage === 'paid') await markOrderPaid({ db: ctx.db, merchantId, orderId, paidAt: at });
    await withTransaction(ctx.db, async (tx) => {
      if (stage === 'shipped') {
        await upsertShipment({
          tx,
          merchantId,
          source: 'demo',
          data: {
            orderId,
            externalId: `demo-live-${orderId}`,
            carrier: step.carrier,
            service: null,
            trackingNumber: step.trackingNumber,
            trackingUrl: null,
            status: 'in_transit',
            lines: [],
            shippedAt: at,
            sourceUpdatedAt: at,
          },
        });
      }
      if (stage === 'out_for_delivery' || stage === 'delivered') {
        await applyTrackingUpdates({
          tx,
          merchantId,
          source: 'api',
          updates: [{ trackingNumber: step.trackingNumber, events: [scan(stage, at)] }],
        });
      }
      if (step.step + 1 < WALKTHROUGH_STEPS.length)
        await scheduleWalkthroughStep(tx, { ...step, step: step.step + 1 }, ctx.config);
    });
  },
});

function scan(status: TrackingStatus, at: Date) {
  return {
    occurredAt: at,
    status,
    subStatus: null,
    rawCode: status === 'delivered' ? 'BDE' : 'OEC',
    description: status === 'delivered' ? 'Objeto entregue ao destinatário' : 'Objeto saiu para entrega',
    location: 'Florianópolis, SC, BR',
    sourceId: null,
  };
}

export const demoTasks = [walkthroughTask];
