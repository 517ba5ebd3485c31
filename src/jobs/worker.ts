import { parseCronItems, type Runner, run, type TaskList } from 'graphile-worker';
import type { Channels } from '../channels/registry.ts';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/pool.ts';
import type { Logger } from '../lib/logger.ts';
import type { TaskDefinition } from './task.ts';
import { workerLogger } from './worker-logger.ts';

export interface WorkerHandle {
  /** Stops taking new jobs and waits for the running ones to finish. */
  stop(): Promise<void>;
  runner: Runner;
}

/**
 * Runs background tasks from the shared Postgres queue. Any number of these can run, in any number of
 * processes: the queue hands each job to exactly one of them (SKIP LOCKED), and LISTEN/NOTIFY wakes them.
 */
export async function startWorker(opts: {
  database: DatabaseHandle;
  config: Config;
  logger: Logger;
  tasks: TaskDefinition[];
  channels?: Channels;
  concurrency?: number;
  recurring?: Array<{ task: string; match: string }>;
}): Promise<WorkerHandle> {
  const taskList: TaskList = {};
  for (const task of opts.tasks) {
    taskList[task.name] = async (rawPayload, helpers) => {
      const log = opts.logger.child({ jobId: helpers.job.id, task: task.name });
      const parsed = task.payload.safeParse(rawPayload);
      if (!parsed.success) {
        // Retrying cannot fix a malformed payload: record it and let the job complete.
        log.error({ issues: parsed.error.issues }, 'job payload is invalid; dropping it');
        return;
      }
      const merchantId = (parsed.data as { merchantId?: unknown }).merchantId;
      await task.run(parsed.data, {
        db: opts.database.db,
        channels: opts.channels ?? {},
        config: opts.config,
        logger: typeof merchantId === 'string' ? log.child({ merchantId }) : log,
        jobId: helpers.job.id,
        attempt: helpers.job.attempts,
        maxAttempts: helpers.job.max_attempts,
      });
    };
  }
  const concurrency = opts.concurrency ?? opts.config.WORKER_CONCURRENCY;
  const runner = await run({
    pgPool: opts.database.pool,
    taskList,
    concurrency,
    noHandleSignals: true,
    // Cron items are given parsed: graphile's crontab text syntax does not allow dots in task names.
    ...(opts.recurring
      ? {
          parsedCronItems: parseCronItems(
            opts.recurring.map((r) => ({ task: r.task, match: r.match, options: { maxAttempts: 1 } })),
          ),
        }
      : {}),
    pollInterval: 2000,
    logger: workerLogger(opts.logger),
    preset: {
      worker: {
        localQueue: { size: Math.max(concurrency * 2, 20) },
        // With batching on, the pool awaits pending completions when it shuts down; without it a job
        // finished during shutdown could stay locked (and run again hours later).
        completeJobBatchDelay: 0,
        failJobBatchDelay: 0,
      },
    },
  });
  runner.promise.catch((err) => opts.logger.error({ err }, 'job worker stopped unexpectedly'));
  return {
    runner,
    // stop() resolves once the workers are released; the runner's promise once everything (the last
    // job completions included) is written back.
    stop: async () => {
      await runner.stop();
      await runner.promise.catch(() => {});
    },
  };
}
