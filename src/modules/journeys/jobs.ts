import { z } from 'zod';
import { defineTask } from '../../jobs/task.ts';
import { now } from '../../lib/clock.ts';
import { dispatchEvent, runDueEnrollments } from './engine.ts';

/** Every domain event passes through here (subscribed to '*'). */
export const dispatchTask = defineTask({
  name: 'journeys.dispatch',
  payload: z.object({ merchantId: z.string(), eventId: z.string() }),
  async run({ merchantId, eventId }, ctx) {
    await dispatchEvent({ db: ctx.db, config: ctx.config, merchantId, eventId, now: now() });
  },
});

/** Every minute (crontab in src/jobs/worker.ts): journeys whose wait is over move on. */
export const tickTask = defineTask({
  name: 'journeys.tick',
  payload: z.unknown(),
  async run(_payload, ctx) {
    // Drain in chunks so one tick never holds thousands of rows locked in one transaction.
    for (let i = 0; i < 20; i++) {
      if ((await runDueEnrollments({ db: ctx.db, config: ctx.config, now: now(), limit: 200 })) < 200) break;
    }
  },
});

export const journeyTasks = [dispatchTask, tickTask];
