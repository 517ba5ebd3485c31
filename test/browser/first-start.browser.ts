/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { translate } from '../../src/modules/templates/translations.ts';
import { freePort } from '../ports.ts';
import { ARTIFACTS, launchPhone } from './phone.ts';

/**
 * What a new user sees after `npm start`: the platform on its own embedded PostgreSQL, the demo store, and
 * within a minute the dev mailbox holding the live demo order's whole series, in the customer's language,
 * in order. The real CLI in its own process, no DATABASE_URL; the mailbox read in Chromium.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let output = '';
let dataDir: string;
let base: string;
let browser: Browser;
let phone: BrowserContext;

before(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'afterglow-first-start-'));
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: path.join(dataDir, '.afterglow'),
    PORT: String(port),
    PUBLIC_URL: base,
    EMBEDDED_PG_PORT: String(await freePort()),
    DEV_SMTP_PORT: String(await freePort()),
    DEMO_STEP_SECONDS: '1',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
  };
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'TEST_ADMIN_URL', 'TEST_TEMPLATE_DB', 'SECRET_KEY'])
    delete env[name];
  child = spawn(process.execPath, ['bin/afterglow.js', 'start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const deadline = Date.now() + 120_000;
  while (!output.includes('/dev/mailbox: order')) {
    if (child.exitCode !== null) throw new Error(`afterglow start exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`afterglow start did not announce the demo:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  ({ browser, phone } = await launchPhone());
});

after(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

test('npm start: the demo key and links are printed, and the mailbox fills with the live order’s series in pt-BR', {
  timeout: 180_000,
}, async () => {
  assert.match(output, /Its API key, shown only now:\s+key_\S+/);
  const live = /order (#\d+) \(pt-BR\) goes from paid to delivered/.exec(output);
  assert.ok(live, output);
  const number = live[1]!;
  const expected = [
    'order_confirmation',
    'payment_confirmed',
    'order_shipped',
    'out_for_delivery',
    'delivered',
  ].map((key) => translate('pt-BR', `${key}.subject`, { number, shop: 'Norrsken Home' }));

  const page = await phone.newPage();
  let subjects: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.goto(`${base}/dev/mailbox`);
    subjects = await page.locator('main a').allTextContents();
    if (expected.every((s) => subjects.includes(s))) break;
    await page.waitForTimeout(1000);
  }
  const mine = subjects.filter((s) => s.includes(number));
  // Newest first on the page: the series arrived in order.
  assert.deepEqual([...mine].reverse(), expected);
  await page.screenshot({ path: path.join(ARTIFACTS, 'first-start-mailbox.png'), fullPage: true });

  await page.getByText(expected[4]!).click();
  const text = (await page.locator('body').textContent()) ?? '';
  assert.match(text, /Norrsken Home/);
  assert.ok(text.includes(number));
  await page.screenshot({ path: path.join(ARTIFACTS, 'first-start-delivered-mail.png'), fullPage: true });
});
