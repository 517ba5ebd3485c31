import type { DevMailbox } from '../channels/email/dev-mailbox.ts';
import type { Receipt } from '../channels/types.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/pool.ts';
import type { Logger } from '../lib/logger.ts';

/** What route factories need; built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** The development mail sink, when this process runs one (shown at /dev/mailbox). */
  mailbox?: DevMailbox | null;
  /** Where provider delivery receipts go (tests observe them here); defaults to recording them on the message. */
  handleReceipt?: (r: Receipt) => Promise<void>;
}
