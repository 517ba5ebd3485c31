import type { FastifyInstance } from 'fastify';
import { createChannels } from './channels/create-channels.ts';
import type { DevMailbox } from './channels/email/dev-mailbox.ts';
import { closeChannels } from './channels/registry.ts';
import type { Config } from './config.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { connectDatabase, type DatabaseHandle } from './db/pool.ts';
import { buildApp } from './http/app.ts';
import { startWorker, type WorkerHandle } from './jobs/worker.ts';
import type { Logger } from './lib/logger.ts';
import { allTasks, RECURRING } from './tasks.ts';

export interface Platform {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  embedded: EmbeddedServer | null;
  app: FastifyInstance | null;
  worker: WorkerHandle | null;
  mailbox: DevMailbox | null;
  /** Finishes in-flight requests and jobs, then closes the database (and the embedded server). */
  stop(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL in DATA_DIR; then applies migrations. */
export async function openDatabase(config: Config, logger: Logger, opts: { poolSize?: number } = {}) {
  let embedded: EmbeddedServer | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    logger.info({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir: config.DATA_DIR,
      port: config.EMBEDDED_PG_PORT,
      logger,
    });
    url = embedded.url;
  }
  const database = connectDatabase({ url, poolSize: opts.poolSize ?? config.DB_POOL_SIZE });
  try {
    const { applied } = await migrate(database.pool);
    if (applied.length > 0) logger.info({ applied }, 'applied migrations');
  } catch (err) {
    await database.close();
    await embedded?.stop();
    throw err;
  }
  return { database, embedded };
}

/**
 * The composition root: config -> logger -> database -> HTTP and/or worker. `npm start` runs both in one
 * process; `afterglow serve` and `afterglow worker` run them apart, as many of each as you need.
 */
export async function startPlatform(opts: {
  config: Config;
  logger: Logger;
  http: boolean;
  worker: boolean;
  beforeStart?: (p: Pick<Platform, 'database' | 'embedded'>) => Promise<void>;
}): Promise<Platform> {
  const { config, logger } = opts;
  const { database, embedded } = await openDatabase(config, logger);
  let app: FastifyInstance | null = null;
  let worker: WorkerHandle | null = null;
  // Only processes that send need channels; the dev mailbox lives in the process that sends mail.
  const { channels, mailbox } = opts.worker ? await createChannels(config) : { channels: {}, mailbox: null };
  const deps = { db: database.db, config, logger, mailbox };
  try {
    await opts.beforeStart?.({ database, embedded });
    if (opts.worker)
      worker = await startWorker({
        database,
        config,
        logger,
        tasks: allTasks,
        channels,
        recurring: RECURRING,
      });
    if (opts.http) {
      app = await buildApp(deps);
      await app.listen({ host: config.HOST, port: config.PORT });
    }
  } catch (err) {
    await app?.close();
    await worker?.stop();
    await closeChannels(channels);
    await mailbox?.close();
    await database.close();
    await embedded?.stop();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    config,
    logger,
    database,
    embedded,
    app,
    worker,
    mailbox,
    stop() {
      stopping ??= (async () => {
        await app?.close();
        await worker?.stop();
        await closeChannels(channels);
        await mailbox?.close();
        await database.close();
        await embedded?.stop();
      })();
      return stopping;
    },
  };
}
