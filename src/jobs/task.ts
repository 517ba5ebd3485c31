import type { z } from 'zod';
import type { Channels } from '../channels/registry.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/pool.ts';
import type { Logger } from '../lib/logger.ts';

export interface TaskContext {
  db: Db;
  /** The ways this process can reach people (email, SMS, WhatsApp, webhooks). */
  channels: Channels;
  config: Config;
  logger: Logger;
  jobId: string;
  attempt: number;
  maxAttempts: number;
}

/**
 * A background task: a payload schema and a handler. Throwing retries the job with backoff (up to its
 * max attempts); a payload that fails the schema is a permanent failure and is not retried.
 */
export interface TaskDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  run(payload: z.infer<S>, ctx: TaskContext): Promise<void>;
}

export function defineTask<S extends z.ZodType>(def: TaskDefinition<S>): TaskDefinition<S> {
  return def;
}
