import { Logger as WorkerLogger } from 'graphile-worker';
import type { Logger } from '../lib/logger.ts';

/** Routes the job queue's own log lines into our structured logger. */
export function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { component: 'jobs', jobId: scope.jobId, task: scope.label, ...meta };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}

export const silentWorkerLogger = new WorkerLogger(() => () => {});
