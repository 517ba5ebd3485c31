import type { Config } from '../config.ts';
import type { Db } from '../db/pool.ts';
import type { Logger } from '../lib/logger.ts';

/** What route factories need; built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
}
