import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { freePort } from '../../test/ports.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from './embedded.ts';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const portOf = (url: string) => Number(new URL(url).port);

const started: EmbeddedServer[] = [];
let dataDir: string | undefined;
after(async () => {
  for (const s of started.reverse()) await s.stop().catch(() => {});
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  test('creates a cluster once, shares it while running, and keeps the data across restarts', {
    timeout: 180_000,
  }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'afterglow-embedded-test-'));
    const port = await freePort();

    // First start: initdb, then the server.
    const first = await startEmbeddedPostgres({ dataDir, port });
    started.push(first);
    assert.equal(first.created, true);
    assert.equal(portOf(first.url), port);
    assert.equal(new URL(first.url).hostname, '127.0.0.1');
    assert.ok(existsSync(path.join(dataDir, 'pg', 'PG_VERSION')));
    const pwFile = path.join(dataDir, 'pg-password');
    assert.equal(statSync(pwFile).mode & 0o777, 0o600, 'the password file is private');
    await query(first.url, 'CREATE TABLE kept (note text)');
    await query(first.url, "INSERT INTO kept VALUES ('survives restarts')");

    // The password is really required.
    const wrong = new URL(first.url);
    wrong.password = 'not-the-password';
    await assert.rejects(query(wrong.toString(), 'SELECT 1'), /password authentication failed/);

    // A second start on the same directory while it runs shares the running server (another port asked for).
    const second = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    assert.equal(second.created, false);
    assert.equal(portOf(second.url), port, 'points at the server that is already running');
    assert.deepEqual(await query(second.url, 'SELECT note FROM kept'), [{ note: 'survives restarts' }]);
    // Its stop() must not take the shared server down.
    await second.stop();
    assert.deepEqual(await query(first.url, 'SELECT 1 AS ok'), [{ ok: 1 }]);

    // stop() really stops it.
    await first.stop();
    started.pop();
    await assert.rejects(query(first.url, 'SELECT 1'));
    assert.equal(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), false, 'clean shutdown');

    // A restart (on another port this time) reuses the cluster and its data.
    const port3 = await freePort();
    const third = await startEmbeddedPostgres({ dataDir, port: port3 });
    started.push(third);
    assert.equal(third.created, false);
    assert.equal(portOf(third.url), port3);
    assert.deepEqual(await query(third.url, 'SELECT note FROM kept'), [{ note: 'survives restarts' }]);
    await third.stop();
    started.pop();
  });

  // A clone in /root (mode 0700) as root: the postgres user cannot walk into it.
  test('as root, a DATA_DIR the postgres user cannot reach still starts, with the cluster kept elsewhere', {
    timeout: 180_000,
    skip: userInfo().uid === 0 ? false : 'only root runs the server as another user',
  }, async () => {
    const closed = await mkdtemp(path.join(tmpdir(), 'afterglow-closed-'));
    await chmod(closed, 0o700);
    const dir = path.join(closed, 'project', '.afterglow');
    let elsewhere: string | null = null;
    try {
      const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
      started.push(server);
      assert.deepEqual(await query(server.url, 'SELECT 1 AS ok'), [{ ok: 1 }]);
      const note = readFileSync(path.join(dir, 'pg-location'), 'utf8');
      elsewhere = /kept in (\S+)\/pg\./.exec(note)?.[1] ?? null;
      assert.ok(elsewhere?.startsWith('/var/lib/afterglow/'), note);
      assert.ok(existsSync(path.join(elsewhere ?? '', 'pg', 'PG_VERSION')));
      await server.stop();
      started.pop();
      // The same DATA_DIR finds the same cluster again.
      const again = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
      started.push(again);
      assert.equal(again.created, false);
      await again.stop();
      started.pop();
    } finally {
      await rm(closed, { recursive: true, force: true });
      if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
