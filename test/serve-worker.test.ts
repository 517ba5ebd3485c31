/**
 * `afterglow serve` and `afterglow worker` run apart, any number of each against one database: an order
 * taken by the HTTP process is mailed by one of two worker processes, exactly once, and every process
 * stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type DevMailbox, startDevMailbox } from '../src/channels/email/dev-mailbox.ts';
import {
  createTestDatabase,
  createTestMerchant,
  TEST_SECRET_KEY,
  type TestDatabase,
  testConfig,
} from './helpers.ts';
import { freePort } from './ports.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
let database: TestDatabase;
let sink: DevMailbox;
let dataDir: string;
const processes: Array<{ name: string; child: ChildProcess; output: string[] }> = [];

function start(name: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/afterglow.js'), ...args], {
    cwd: dataDir,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      SECRET_KEY: TEST_SECRET_KEY,
      SMTP_URL: sink.url,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  processes.push({ name, child, output });
  return child;
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

before(async () => {
  database = await createTestDatabase();
  sink = await startDevMailbox({ port: 0 });
  dataDir = await mkdtemp(path.join(tmpdir(), 'afterglow-split-'));
});
after(async () => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await sink.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

test('one serve and two workers: the order placed over HTTP is mailed once, and all three stop cleanly', {
  timeout: 120_000,
}, async () => {
  const shop = await createTestMerchant({ database, config: testConfig() });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serve = start('serve', ['serve'], { PORT: String(port), PUBLIC_URL: base });
  const workers = [start('worker 1', ['worker'], {}), start('worker 2', ['worker'], {})];

  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    assert.ok(i < 300 && serve.exitCode === null, `serve did not come up: ${processes[0]!.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const call = (method: string, url: string, body?: unknown) =>
    fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${shop.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  assert.equal((await call('POST', '/api/v1/journeys/presets/four_transactional', {})).status, 201);
  const placed = await call('POST', '/api/v1/orders', {
    number: '#SPLIT-1',
    currency: 'USD',
    customer: { email: 'split@example.com', firstName: 'Ana' },
    lines: [{ sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: 1500 }],
  });
  assert.equal(placed.status, 201, await placed.text());

  const mine = () => sink.messages.filter((m) => m.to.includes('split@example.com'));
  for (let i = 0; mine().length === 0 && i < 300; i++) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(
    mine().map((m) => m.subject),
    ['Thank you for your order #SPLIT-1'],
  );
  // Give the other worker time to do something wrong: still one mail.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mine().length, 1, 'sent once, by one of the two workers');
  // An HTTP-only process has no dev mailbox (SMTP_URL is set here).
  assert.equal((await fetch(`${base}/dev/mailbox`)).status, 404);

  const codes = await Promise.all([serve, ...workers].map(stop));
  assert.deepEqual(codes, [0, 0, 0], processes.map((p) => `${p.name}: ${p.output.join('')}`).join('\n'));
});
