import { z } from 'zod';
import { defineTask } from '../../jobs/task.ts';
import { deliverMessage } from './deliver-message.ts';

export const deliverMessageTask = defineTask({
  name: 'messages.deliver',
  payload: z.object({ merchantId: z.string(), messageId: z.string() }),
  async run({ merchantId, messageId }, ctx) {
    await deliverMessage({
      db: ctx.db,
      config: ctx.config,
      channels: ctx.channels,
      logger: ctx.logger,
      merchantId,
      messageId,
      lastAttempt: ctx.attempt >= ctx.maxAttempts,
    });
  },
});

export const messageTasks = [deliverMessageTask];
