import { Logger as WorkerLogger } from 'graphile-worker';
import type { Logger } from '../lib/logger.ts';

/**
 * Routes the job queue's own log lines into our structured logger. A failed job's line would carry the
 * whole job (its payload: customer data, webhook bodies) and the raw error (a TLS failure drags in
 * certificates and buffers); we keep the job's identity and the error's name, code and message.
 */
export function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { component: 'jobs', jobId: scope.jobId, task: scope.label, ...safeMeta(meta) };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}

function safeMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (key === 'job' && value && typeof value === 'object') {
      const job = value as {
        id?: unknown;
        task_identifier?: unknown;
        attempts?: unknown;
        max_attempts?: unknown;
      };
      out.job = {
        id: job.id,
        task: job.task_identifier,
        attempts: job.attempts,
        maxAttempts: job.max_attempts,
      };
    } else if (value instanceof Error) {
      out[key] = { name: value.name, code: (value as { code?: unknown }).code, message: value.message };
    } else if (key !== 'payload') out[key] = value;
  }
  return out;
}

export const silentWorkerLogger = new WorkerLogger(() => () => {});
