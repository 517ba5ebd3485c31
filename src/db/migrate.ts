import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';
import { silentWorkerLogger } from '../jobs/worker-logger.ts';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../migrations');

// Any constant will do; it only has to be the same for every afterglow process on the database.
const MIGRATION_LOCK = 727_146_001;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies numbered forward-only SQL migrations (migrations/0001_init.sql, ...) in order, each in its own
 * transaction and recorded in schema_migrations, then the job queue's own schema. An advisory lock makes
 * it safe for many processes (serve, worker) to start at the same moment.
 */
export async function migrate(pool: pg.Pool): Promise<MigrationResult> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query('SELECT name FROM schema_migrations')).rows.map((r) => r.name as string),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
        applied.push(file);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${file} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await runWorkerMigrations({ pgPool: pool, logger: silentWorkerLogger });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
  return { applied };
}
