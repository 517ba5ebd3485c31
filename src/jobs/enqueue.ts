import { sql } from 'kysely';
import type { DbOrTx } from '../db/pool.ts';

export interface JobOptions {
  /** Jobs with the same key are one job: enqueuing again replaces it instead of adding another. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  /** Jobs in the same named queue run one at a time, in order. */
  queueName?: string;
  priority?: number;
}

export interface JobSpec extends JobOptions {
  task: string;
  payload: Record<string, unknown>;
}

/**
 * Adds a job inside the caller's transaction, so the job exists if and only if the business write
 * that caused it commits.
 */
export async function enqueue(
  tx: DbOrTx,
  task: string,
  payload: Record<string, unknown>,
  opts: JobOptions = {},
): Promise<void> {
  await enqueueMany(tx, [{ task, payload, ...opts }]);
}

/** Adds many jobs in one round trip (graphile_worker.add_jobs over a JSON array). */
export async function enqueueMany(tx: DbOrTx, jobs: JobSpec[]): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((j) => ({
    identifier: j.task,
    payload: j.payload,
    queue_name: j.queueName ?? null,
    run_at: j.runAt?.toISOString() ?? null,
    max_attempts: j.maxAttempts ?? null,
    job_key: j.jobKey ?? null,
    priority: j.priority ?? null,
    flags: null,
  }));
  await sql`SELECT count(*) FROM graphile_worker.add_jobs(
      ARRAY(SELECT json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json)))`.execute(
    tx,
  );
}
