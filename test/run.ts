/**
 * `npm test`: starts a throwaway embedded PostgreSQL (or uses DATABASE_URL), builds a template database
 * with every migration applied, then runs all *.test.ts files with node's test runner. Each test file
 * clones the template (CREATE DATABASE ... TEMPLATE), which takes milliseconds, so files run in parallel
 * without seeing each other's rows.
 *   npm test                      all tests
 *   npm test -- src/modules/orders   only files under a path
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { freePort } from './ports.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TEMPLATE = 'afterglow_test_template';

async function findTests(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...(await findTests(full, suffix)));
    else if (entry.isFile() && entry.name.endsWith(suffix)) out.push(full);
  }
  return out;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * Runs every file ending in `suffix` (under src/ and test/, or only those matching a filter) against a
 * fresh template database. The browser tests (test/browser/run.ts) use the same runner with their suffix.
 */
export async function runTests(opts: { suffix: string; filters: string[]; concurrency: number }) {
  const { filters } = opts;
  let adminUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  let dataDir: string | null = null;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'afterglow-test-'));
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), unsafeFast: true });
    adminUrl = server.url;
    stop = server.stop;
  }
  let code = 1;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, TEMPLATE), max: 2 });
    pool.on('error', () => {});
    await migrate(pool);
    await pool.end();

    const files = (await findTests(path.join(ROOT, 'src'), opts.suffix)).concat(
      await findTests(path.join(ROOT, 'test'), opts.suffix),
    );
    const selected = filters.length > 0 ? files.filter((f) => filters.some((p) => f.includes(p))) : files;
    const args = ['--import', 'tsx', '--test', `--test-concurrency=${opts.concurrency}`, ...selected];
    code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, {
        stdio: 'inherit',
        env: { ...process.env, TEST_ADMIN_URL: adminUrl, TEST_TEMPLATE_DB: TEMPLATE, NODE_ENV: 'test' },
      });
      child.on('exit', (c) => resolve(c ?? 1));
    });
  } finally {
    await stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
  return code;
}

if (import.meta.filename === process.argv[1]) {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  runTests({ suffix: '.test.ts', filters, concurrency: 4 }).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
