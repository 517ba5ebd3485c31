/**
 * The `afterglow` command as an operator runs it: a real child process against a test database, then the
 * HTTP API on the same database to show that what the CLI made works.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/http/app.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { findIntegration } from '../src/modules/merchants/integrations.ts';
import { tableState } from './api-fixtures.ts';
import { createTestDatabase, TEST_SECRET_KEY, type TestDatabase, testConfig } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

let database: TestDatabase;
let app: FastifyInstance;
let dataDir: string;

before(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'afterglow-cli-'));
  app = await buildApp({ db: database.db, config: testConfig(), logger: silentLogger });
  await app.ready();
});
after(async () => {
  await app.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function afterglow(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/afterglow.js'), ...args], {
      cwd: dataDir,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        SECRET_KEY: TEST_SECRET_KEY,
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** stdout must be exactly one JSON document (so `| jq` works). */
function json(run: Run) {
  assert.equal(run.code, 0, `exit ${run.code}\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function asMerchant(apiKey: string, url = '/api/v1/merchant') {
  return app.inject({ url, headers: { authorization: `Bearer ${apiKey}` } });
}

const LOJA = [
  'merchants',
  'create',
  '--name',
  'Loja',
  '--locale',
  'pt-BR',
  '--currency',
  'BRL',
  '--timezone',
  'America/Sao_Paulo',
  '--shopify-domain',
  'x.myshopify.com',
  '--shopify-secret',
  's',
  '--json',
];

describe('afterglow CLI', () => {
  let loja: { id: string; apiKey: string };

  test('merchants create --json prints the id and an API key that works against the API', async () => {
    loja = json(await afterglow(...LOJA));
    assert.deepEqual(Object.keys(loja).sort(), ['apiKey', 'id']);
    assert.match(loja.id, /^mer_/);
    assert.match(loja.apiKey, /^key_\w+\.\S+$/);
    const res = await asMerchant(loja.apiKey);
    assert.equal(res.statusCode, 200, res.body);
    const m = res.json();
    assert.equal(m.id, loja.id);
    assert.deepEqual(
      [m.name, m.locale, m.currency, m.timezone],
      ['Loja', 'pt-BR', 'BRL', 'America/Sao_Paulo'],
    );
    assert.deepEqual(m.integrations, [{ kind: 'shopify', externalRef: 'x.myshopify.com' }]);
    const shopify = await findIntegration({
      db: database.db,
      secretKey: TEST_SECRET_KEY,
      kind: 'shopify',
      externalRef: 'x.myshopify.com',
    });
    assert.equal(shopify?.merchantId, loja.id);
    assert.equal(shopify?.secret, 's', 'the webhook secret is sealed with SECRET_KEY and reads back');
    const order = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { authorization: `Bearer ${loja.apiKey}` },
      payload: {
        number: '#1',
        currency: 'BRL',
        lines: [{ title: 'Camiseta', quantity: 1, unitPrice: 7990 }],
      },
    });
    assert.equal(order.statusCode, 201, order.body);
    assert.equal(order.json().locale, 'pt-BR');
  });

  test('merchants list --json lists every merchant', async () => {
    const second = json(
      await afterglow(
        'merchants',
        'create',
        '--name',
        'Butik',
        '--locale',
        'sv',
        '--currency',
        'sek',
        '--timezone',
        'Europe/Stockholm',
        '--json',
      ),
    );
    const list = json(await afterglow('merchants', 'list', '--json'));
    assert.deepEqual(list, [
      { id: loja.id, name: 'Loja', locale: 'pt-BR', currency: 'BRL', timezone: 'America/Sao_Paulo' },
      { id: second.id, name: 'Butik', locale: 'sv', currency: 'SEK', timezone: 'Europe/Stockholm' },
    ]);
    const human = await afterglow('merchants', 'list');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`${loja.id}\\s+Loja\\s+pt-BR BRL America/Sao_Paulo`));
  });

  test('keys create makes a working key; keys revoke stops it at once and leaves the others', async () => {
    const key = json(
      await afterglow('keys', 'create', '--merchant', loja.id, '--name', 'warehouse', '--json'),
    );
    assert.deepEqual(Object.keys(key).sort(), ['apiKey', 'id']);
    assert.ok(key.apiKey.startsWith(`${key.id}.`));
    assert.equal((await asMerchant(key.apiKey)).json().id, loja.id);
    const keys = (await asMerchant(loja.apiKey, '/api/v1/api-keys')).json().data;
    assert.ok(keys.some((k: { id: string; name: string }) => k.id === key.id && k.name === 'warehouse'));

    const revoked = await afterglow('keys', 'revoke', '--merchant', loja.id, '--key', key.id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`Revoked ${key.id}`));
    const refused = await asMerchant(key.apiKey);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'invalid_api_key');
    assert.equal((await asMerchant(loja.apiKey)).statusCode, 200, 'the first key still works');

    const listed = await afterglow('keys', 'list', '--merchant', loja.id);
    assert.match(listed.stdout, new RegExp(`${key.id}\\s+warehouse\\s+revoked`));
  });

  test('keys revoke refuses a key of another merchant and a key that is already revoked', async () => {
    const other = json(
      await afterglow(
        'merchants',
        'create',
        '--name',
        'Other',
        '--locale',
        'en',
        '--currency',
        'USD',
        '--timezone',
        'UTC',
        '--json',
      ),
    );
    const keyId = other.apiKey.slice(0, other.apiKey.indexOf('.'));
    const wrong = await afterglow('keys', 'revoke', '--merchant', loja.id, '--key', keyId);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /not found/i);
    assert.equal((await asMerchant(other.apiKey)).statusCode, 200, "the other merchant's key still works");
    const made = json(await afterglow('keys', 'create', '--merchant', other.id, '--json'));
    assert.equal((await afterglow('keys', 'revoke', '--merchant', other.id, '--key', made.id)).code, 0);
    const twice = await afterglow('keys', 'revoke', '--merchant', other.id, '--key', made.id);
    assert.notEqual(twice.code, 0);
    assert.match(twice.stderr, /not found/i);
  });

  test('bad arguments exit non-zero with a readable message and create nothing', async () => {
    const state = await tableState(database.db);
    const cases: Array<{ args: string[]; message: RegExp }> = [
      { args: LOJA.map((a) => (a === 'pt-BR' ? 'klingon' : a)), message: /locale.*en, pt-BR, es, sv/s },
      { args: LOJA.map((a) => (a === 'BRL' ? 'BRLX' : a)), message: /currency.*ISO 4217/s },
      { args: LOJA.map((a) => (a === 'America/Sao_Paulo' ? 'Mars/Olympus' : a)), message: /time ?zone/is },
      { args: LOJA.filter((a) => a !== '--currency' && a !== 'BRL'), message: /required option '--currency/ },
      {
        args: [
          'merchants',
          'create',
          '--name',
          'Half',
          '--locale',
          'en',
          '--currency',
          'USD',
          '--timezone',
          'UTC',
          '--shopify-domain',
          'y.myshopify.com',
        ],
        message: /--shopify-domain and --shopify-secret go together/,
      },
      { args: ['merchants', 'frobnicate'], message: /unknown command 'frobnicate'/ },
      { args: ['keys', 'create'], message: /required option '--merchant/ },
    ];
    for (const { args, message } of cases) {
      const run = await afterglow(...args);
      assert.notEqual(run.code, 0, `${args.join(' ')} should fail`);
      assert.match(run.stderr, message, `${args.join(' ')}\n${run.stderr}`);
      assert.equal(run.stdout.includes('apiKey'), false, 'no key is printed');
    }
    assert.deepEqual(await tableState(database.db), state, 'nothing was written');
  });

  test('a value the schema refuses, or an unknown merchant, is reported as a message, not a stack trace', async () => {
    for (const [args, message] of [
      [LOJA.map((a) => (a === 'pt-BR' ? 'klingon' : a)), /^error: .*locale/m],
      [
        [
          'merchants',
          'create',
          '--name',
          'A',
          '--locale',
          'en',
          '--currency',
          'USD',
          '--timezone',
          'UTC',
          '--logo-url',
          'not a url',
        ],
        /^error: .*logo/im,
      ],
      [['keys', 'create', '--merchant', 'mer_nope'], /^error: .*merchant/im],
    ] as const) {
      const run = await afterglow(...args);
      assert.notEqual(run.code, 0);
      assert.doesNotMatch(run.stderr, /^\s+at /m, run.stderr);
      assert.match(run.stderr, message);
    }
  });
});
