import { z } from 'zod';
import { defineTask } from '../../jobs/task.ts';
import { findEvent } from '../events/index.ts';
import { refreshCustomerStats } from './repo.ts';

/** Keeps a customer's order count and first/last order dates in step with their orders. */
export const refreshStatsTask = defineTask({
  name: 'customers.refresh-stats',
  payload: z.object({ merchantId: z.string(), eventId: z.string() }),
  async run({ merchantId, eventId }, { db }) {
    const event = await findEvent(db, merchantId, eventId);
    const customerId = event?.payload.customerId;
    if (typeof customerId !== 'string') return;
    await refreshCustomerStats(db, merchantId, [customerId]);
  },
});

export const customerTasks = [refreshStatsTask];
