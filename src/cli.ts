import { Command, InvalidArgumentError, Option } from 'commander';
import { ZodError } from 'zod';
import { type Config, ConfigError, loadConfig } from './config.ts';
import type { Db } from './db/pool.ts';
import { seedDemo } from './demo/seed.ts';
import { VERSION } from './http/app.ts';
import { AppError, NotFoundError } from './lib/errors.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { openDatabase, type Platform, startPlatform } from './main.ts';
import {
  createApiKey,
  createMerchant,
  findMerchant,
  type IntegrationInput,
  listApiKeys,
  listMerchants,
  revokeApiKey,
} from './modules/merchants/index.ts';
import { importOrdersFile } from './modules/orders/import/index.ts';

/**
 * `afterglow` — start | serve | worker | migrate | merchants | keys | import.
 * The CLI is the one place that prints for humans; everything else logs JSON.
 */
const program = new Command()
  .name('afterglow')
  .description('Self-hosted post-purchase experience platform')
  .version(VERSION)
  .showHelpAfterError();

function config(): Config {
  return loadConfig();
}

function logger(c: Config, quiet = false): Logger {
  return createLogger({ level: quiet && c.LOG_LEVEL === 'info' ? 'warn' : c.LOG_LEVEL });
}

/** Runs a command against the database (embedded or DATABASE_URL) and closes it afterwards. */
async function withDatabase<T>(
  fn: (db: Awaited<ReturnType<typeof openDatabase>>, c: Config) => Promise<T>,
): Promise<T> {
  const c = config();
  const handle = await openDatabase(c, logger(c, true), { poolSize: 4 });
  try {
    return await fn(handle, c);
  } finally {
    await handle.database.close();
    await handle.embedded?.stop();
  }
}

async function requireMerchant(db: Db, id: string): Promise<void> {
  if (!(await findMerchant(db, id))) throw new NotFoundError(`Merchant ${id}`);
}

function runUntilSignal(platform: Platform) {
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) {
      platform.logger.warn('second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    platform.logger.info({ signal }, 'shutting down: finishing requests and jobs');
    platform.stop().then(
      () => {
        platform.logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        platform.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function runPlatform(mode: { http: boolean; worker: boolean; demo: boolean }) {
  const c = config();
  const log = logger(c);
  let demo: Awaited<ReturnType<typeof seedDemo>> = null;
  const platform = await startPlatform({
    config: c,
    logger: log,
    http: mode.http,
    worker: mode.worker,
    beforeStart: async ({ database, embedded }) => {
      if (mode.demo && c.DEMO && embedded) demo = await seedDemo({ db: database.db, config: c });
    },
  });
  runUntilSignal(platform);
  if (mode.http) {
    const url = c.PUBLIC_URL;
    console.log(`\n  Afterglow ${VERSION} is running${mode.worker ? ' (HTTP and worker)' : ' (HTTP)'}`);
    console.log(`  API        ${url}/api/v1   (OpenAPI: ${url}/api/v1/openapi.json)`);
    console.log(`  Health     ${url}/healthz`);
    console.log(`  Webhooks   ${url}/webhooks/shopify, ${url}/webhooks/woocommerce`);
    console.log(
      `  Database   ${platform.embedded ? `embedded PostgreSQL in ${c.DATA_DIR}` : 'DATABASE_URL'}`,
    );
    if (platform.mailbox)
      console.log(`  Mailbox    ${url}/dev/mailbox   (outgoing mail is caught here: SMTP_URL is not set)`);
    const d = demo as Awaited<ReturnType<typeof seedDemo>>;
    if (d) {
      console.log(
        `\n  Demo store "${d.merchantName}" created (${d.orders} orders). Its API key, shown only now:`,
      );
      console.log(`    ${d.apiKey}`);
      console.log(`  Try: curl -H "Authorization: Bearer ${d.apiKey}" ${url}/api/v1/orders`);
      if (d.links.tracking) console.log(`  Tracking page of a parcel on its way: ${d.links.tracking}`);
      if (d.links.returns) console.log(`  Returns portal of a delivered order:  ${d.links.returns}`);
      if (d.live && platform.mailbox)
        console.log(
          `  Watch ${url}/dev/mailbox: order ${d.live.number} (${d.live.locale}) goes from paid to delivered in the next minute.`,
        );
      const shop = `?shop=${d.merchantSlug}`;
      console.log(`  Lookup forms: ${url}/track${shop} and ${url}/returns${shop}\n`);
    } else {
      console.log(
        '\n  Stores: npx afterglow merchants list; a new one: npx afterglow merchants create --name "My Shop" --locale en --currency USD --timezone UTC\n',
      );
    }
  }
}

program
  .command('start')
  .description('HTTP and worker in one process (creates a demo store on a new embedded database)')
  .action(() => runPlatform({ http: true, worker: true, demo: true }));
program
  .command('serve')
  .description('HTTP only (stateless; run as many as you like)')
  .action(() => runPlatform({ http: true, worker: false, demo: false }));
program
  .command('worker')
  .description('background jobs only (run as many as you like)')
  .action(() => runPlatform({ http: false, worker: true, demo: false }));
program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(() =>
    withDatabase(async () => {
      console.log('Database is up to date.');
    }),
  );

const merchants = program.command('merchants').description('create and list merchants');
merchants
  .command('create')
  .description('create a merchant and its first API key (shown once)')
  .requiredOption('--name <name>', 'shop name')
  .requiredOption('--locale <locale>', 'en, pt-BR, es or sv')
  .requiredOption('--currency <code>', 'ISO 4217 currency, e.g. BRL')
  .requiredOption('--timezone <tz>', 'IANA time zone, e.g. America/Sao_Paulo')
  .option('--support-email <email>')
  .option('--logo-url <url>')
  .option('--shopify-domain <domain>', 'your-shop.myshopify.com')
  .option('--shopify-secret <secret>', 'the secret Shopify signs webhooks with')
  .option(
    '--shopify-admin-token <token>',
    'an Admin API access token for the shop (with --shopify-domain): refunds for returns are made in Shopify too',
  )
  .option('--woocommerce-url <url>', 'the site URL WooCommerce sends as X-WC-Webhook-Source')
  .option('--woocommerce-secret <secret>', 'the WooCommerce webhook secret')
  .option('--easypost-secret <secret>', 'the EasyPost webhook secret (tracking updates)')
  .option('--aftership-secret <secret>', 'the AfterShip webhook secret (tracking updates)')
  .option('--json', 'print JSON')
  .action(async (o) => {
    const integrations: IntegrationInput[] = [];
    if (Boolean(o.shopifyDomain) !== Boolean(o.shopifySecret))
      fail('--shopify-domain and --shopify-secret go together.');
    if (Boolean(o.woocommerceUrl) !== Boolean(o.woocommerceSecret))
      fail('--woocommerce-url and --woocommerce-secret go together.');
    if (o.shopifyAdminToken && !o.shopifyDomain) fail('--shopify-admin-token needs --shopify-domain.');
    if (o.shopifyDomain)
      integrations.push({ kind: 'shopify' as const, externalRef: o.shopifyDomain, secret: o.shopifySecret });
    if (o.shopifyAdminToken)
      integrations.push({ kind: 'shopify_admin', externalRef: o.shopifyDomain, secret: o.shopifyAdminToken });
    if (o.woocommerceUrl)
      integrations.push({
        kind: 'woocommerce' as const,
        externalRef: o.woocommerceUrl,
        secret: o.woocommerceSecret,
      });
    if (o.easypostSecret) integrations.push({ kind: 'easypost', externalRef: '', secret: o.easypostSecret });
    if (o.aftershipSecret)
      integrations.push({ kind: 'aftership', externalRef: '', secret: o.aftershipSecret });
    const created = await withDatabase(({ database }, c) =>
      createMerchant({
        db: database.db,
        config: c,
        input: {
          name: o.name,
          locale: o.locale,
          currency: o.currency,
          timezone: o.timezone,
          supportEmail: o.supportEmail,
          logoUrl: o.logoUrl,
        },
        integrations,
      }),
    );
    if (o.json) console.log(JSON.stringify({ id: created.merchant.id, apiKey: created.apiKey }));
    else {
      console.log(`Created merchant ${created.merchant.name} (${created.merchant.id}).`);
      console.log(`API key (shown only now): ${created.apiKey}`);
    }
  });
merchants
  .command('list')
  .option('--json', 'print JSON')
  .action(async (o) => {
    const rows = await withDatabase(({ database }) => listMerchants(database.db));
    if (o.json) {
      console.log(
        JSON.stringify(
          rows.map((m) => ({
            id: m.id,
            name: m.name,
            locale: m.locale,
            currency: m.currency,
            timezone: m.timezone,
          })),
        ),
      );
    } else if (rows.length === 0) console.log('No merchants yet.');
    else for (const m of rows) console.log(`${m.id}  ${m.name}  ${m.locale} ${m.currency} ${m.timezone}`);
  });

const keys = program.command('keys').description('API keys of a merchant');
keys
  .command('create')
  .requiredOption('--merchant <id>')
  .option('--name <name>', 'what the key is for', 'cli')
  .option('--json', 'print JSON')
  .action(async (o) => {
    const key = await withDatabase(async ({ database }) => {
      await requireMerchant(database.db, o.merchant);
      return createApiKey({ db: database.db, merchantId: o.merchant, name: o.name });
    });
    console.log(o.json ? JSON.stringify(key) : `API key (shown only now): ${key.apiKey}`);
  });
keys
  .command('revoke')
  .requiredOption('--merchant <id>')
  .requiredOption('--key <keyId>', 'the key id (the part before the dot)')
  .action(async (o) => {
    await withDatabase(({ database }) =>
      revokeApiKey({ db: database.db, merchantId: o.merchant, keyId: o.key }),
    );
    console.log(`Revoked ${o.key}.`);
  });
keys
  .command('list')
  .requiredOption('--merchant <id>')
  .action(async (o) => {
    const rows = await withDatabase(async ({ database }) => {
      await requireMerchant(database.db, o.merchant);
      return listApiKeys(database.db, o.merchant);
    });
    for (const k of rows)
      console.log(`${k.id}  ${k.name}  ${k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active'}`);
  });

const importCmd = program.command('import').description('bulk import');
importCmd
  .command('orders <file>')
  .description('import order history from .csv or .jsonl (resumable; rejected rows are reported)')
  .requiredOption('--merchant <id>')
  .addOption(
    new Option('--format <format>', 'file layout (detected from the file when left out)').choices([
      'csv',
      'jsonl',
      'uci',
    ]),
  )
  .option(
    '--currency <code>',
    'currency for rows that do not say (default: UCI files GBP, else the merchant currency)',
  )
  .option('--batch-size <n>', 'orders per transaction', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 50_000)
      throw new InvalidArgumentError('a number from 1 to 50000');
    return n;
  })
  .option('--report <file>', 'where to write rejected rows (default: <file>.rejected.csv)')
  .option('--no-progress', 'no progress bar')
  .action(async (file, o) => {
    const summary = await withDatabase(({ database }) =>
      importOrdersFile({
        db: database.db,
        merchantId: o.merchant,
        file,
        format: o.format,
        currency: o.currency,
        batchSize: o.batchSize,
        reportPath: o.report,
        progress: o.progress && process.stderr.isTTY,
      }),
    );
    console.log(JSON.stringify(summary, null, 2));
  });

/** `logoUrl` -> `logo-url`, as the option was typed. */
function optionName(path: PropertyKey[]): string {
  return path.map((p) => String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join('.');
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

program.parseAsync(process.argv).catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else if (err instanceof ZodError) {
    for (const issue of err.issues) console.error(`error: --${optionName(issue.path)}: ${issue.message}`);
  } else if (err instanceof AppError) {
    console.error(`error: ${err.message} (${err.code})`);
    if (err.details) console.error(JSON.stringify(err.details, null, 2));
  } else console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
