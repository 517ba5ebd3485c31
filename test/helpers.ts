import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { type Config, loadConfig } from '../src/config.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/pool.ts';
import { buildApp } from '../src/http/app.ts';
import { silentLogger } from '../src/lib/logger.ts';
import { createMerchant } from '../src/modules/merchants/index.ts';

function admin(): { url: string; template: string } {
  const url = process.env.TEST_ADMIN_URL;
  const template = process.env.TEST_TEMPLATE_DB;
  if (!url || !template) throw new Error('Run tests through `npm test` (it prepares the test database).');
  return { url, template };
}

function urlFor(db: string): string {
  const u = new URL(admin().url);
  u.pathname = `/${db}`;
  return u.toString();
}

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef-0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://shop.test',
    DATA_DIR: '/tmp/afterglow-test-unused',
    ...overrides,
  });
}

export interface TestDatabase extends DatabaseHandle {
  name: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template: every test file gets its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { url, template } = admin();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await client.end();
  const handle = connectDatabase({ url: urlFor(name), poolSize: 8 });
  return {
    ...handle,
    name,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(overrides);
  const app = await buildApp({ db: database.db, config, logger: silentLogger });
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

let counter = 0;

/** A merchant with an API key; integrations optional. */
export async function createTestMerchant(
  t: { database: DatabaseHandle; config: Config },
  opts: Partial<Parameters<typeof createMerchant>[0]['input']> & {
    shopify?: { domain: string; secret: string };
    woocommerce?: { url: string; secret: string };
  } = {},
) {
  counter++;
  const { shopify, woocommerce, ...input } = opts;
  const created = await createMerchant({
    db: t.database.db,
    config: t.config,
    input: { name: `Test Shop ${counter}`, locale: 'en', currency: 'USD', timezone: 'UTC', ...input },
    integrations: [
      ...(shopify ? [{ kind: 'shopify' as const, externalRef: shopify.domain, secret: shopify.secret }] : []),
      ...(woocommerce
        ? [{ kind: 'woocommerce' as const, externalRef: woocommerce.url, secret: woocommerce.secret }]
        : []),
    ],
  });
  return {
    id: created.merchant.id,
    apiKey: created.apiKey,
    auth: { authorization: `Bearer ${created.apiKey}` },
  };
}
