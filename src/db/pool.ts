import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

// bigint columns hold money in minor units and counters: all far below 2^53, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns are calendar dates (a promised delivery day), not instants: keep them as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A query runner: the pool or an open transaction. Repos accept either; the caller owns the transaction. */
export type DbOrTx = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export function connectDatabase(opts: {
  url: string;
  poolSize: number;
  applicationName?: string;
}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize,
    application_name: opts.applicationName ?? 'afterglow',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    url: opts.url,
    async close() {
      await db.destroy();
    },
  };
}

/** Runs `fn` in one transaction: everything it writes (rows, events, jobs) commits or rolls back together. */
export function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
