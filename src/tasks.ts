import { demoTasks } from './demo/walkthrough.ts';
import { shopifyRefundTasks } from './integrations/shopify/refunds/jobs.ts';
import type { TaskDefinition } from './jobs/task.ts';
import { creditTasks } from './modules/credit/jobs.ts';
import { customerTasks } from './modules/customers/index.ts';
import { journeyTasks } from './modules/journeys/jobs.ts';
import { messageTasks } from './modules/messages/jobs.ts';
import { trackingTasks } from './modules/tracking/jobs.ts';
import { webhookTasks } from './modules/webhooks/jobs.ts';

/** Every background task the worker runs. A task named in event subscriptions must be listed here. */
export const allTasks: TaskDefinition[] = [
  ...customerTasks,
  ...messageTasks,
  ...journeyTasks,
  ...webhookTasks,
  ...trackingTasks,
  ...creditTasks,
  ...shopifyRefundTasks,
  ...demoTasks,
];

/** Recurring tasks: cron pattern and task name. */
export const RECURRING: Array<{ task: string; match: string }> = [
  { task: 'journeys.tick', match: '* * * * *' },
  { task: 'tracking.watchlist', match: '*/15 * * * *' },
  { task: 'tracking.poll', match: '*/30 * * * *' },
  { task: 'credit.expire', match: '17 * * * *' },
  { task: 'webhooks.prune', match: '43 3 * * *' },
];
