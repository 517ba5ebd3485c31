import { z } from 'zod';
import { defineTask } from '../../jobs/task.ts';
import { now } from '../../lib/clock.ts';
import { expireDue } from './expire-due.ts';

/** Hourly (RECURRING in src/tasks.ts): value left on codes and store credit past their expiry expires. */
export const expireCreditTask = defineTask({
  name: 'credit.expire',
  payload: z.unknown(),
  async run(_payload, ctx) {
    const result = await expireDue({ db: ctx.db, now: now() });
    if (result.expired > 0) ctx.logger.info(result, 'credit expired');
  },
});

export const creditTasks = [expireCreditTask];
