import { z } from 'zod';
import { withTransaction } from '../../db/pool.ts';
import { defineTask } from '../../jobs/task.ts';
import { now } from '../../lib/clock.ts';
import { pollCarriers } from './poll-carriers.ts';
import { easyPostPoller } from './providers/easypost-poller.ts';
import { runWatchlist } from './watchlist.ts';

/** Every 15 minutes (RECURRING in src/tasks.ts): flag late, stalled and troubled parcels. */
export const watchlistTask = defineTask({
  name: 'tracking.watchlist',
  payload: z.unknown(),
  async run(_payload, ctx) {
    const result = await withTransaction(ctx.db, (tx) => runWatchlist({ tx, now: now() }));
    if (result.changed > 0) ctx.logger.info(result, 'watchlist flags changed');
  },
});

/** Every 30 minutes, when EASYPOST_API_KEY is set: ask about parcels no webhook has told us about lately. */
export const pollTask = defineTask({
  name: 'tracking.poll',
  payload: z.unknown(),
  async run(_payload, ctx) {
    const {
      EASYPOST_API_KEY: apiKey,
      EASYPOST_API_URL: apiUrl,
      TRACKING_POLL_HOURS: everyHours,
    } = ctx.config;
    if (!apiKey) return;
    const result = await pollCarriers({
      db: ctx.db,
      poller: easyPostPoller({ apiUrl, apiKey }),
      now: now(),
      everyHours,
      logger: ctx.logger,
    });
    if (result.asked > 0) ctx.logger.info(result, 'carriers polled');
  },
});

export const trackingTasks = [watchlistTask, pollTask];
