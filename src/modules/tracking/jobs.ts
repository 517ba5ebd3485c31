import { z } from 'zod';
import { withTransaction } from '../../db/pool.ts';
import { defineTask } from '../../jobs/task.ts';
import { now } from '../../lib/clock.ts';
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

export const trackingTasks = [watchlistTask];
