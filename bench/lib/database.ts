import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';

import { freePort } from '../../test/ports.ts';

export { freePort };

/**
 * A fresh, migrated database for a benchmark: a new database on DATABASE_URL's server, or a throwaway
 * embedded server with PostgreSQL's normal durability (fsync and synchronous commit on: "durable" means it).
 */
export async function benchDatabase(name: string): Promise<{ url: string; stop(): Promise<void> }> {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  let dir: string | null = null;
  if (!adminUrl) {
    dir = await mkdtemp(path.join(tmpdir(), 'afterglow-bench-'));
    const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
    adminUrl = server.url;
    stopServer = server.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  await migrate(pool);
  await pool.end();
  return {
    url,
    async stop() {
      await stopServer();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
