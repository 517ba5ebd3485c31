import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Everything the platform reads from the environment, validated once at boot. Nothing else in the
 * code base reads process.env: pass the Config (or the part of it you need) down instead.
 * The README's configuration table mirrors this schema.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.afterglow'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://track.example.com' })
    .optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  DEMO: booleanFromEnv.default(true),
  DEMO_STEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(8),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  DEV_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  MAILGUN_WEBHOOK_SIGNING_KEY: z.string().optional(),
  SMS_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  SMS_ACCOUNT_SID: z.string().optional(),
  SMS_AUTH_TOKEN: z.string().optional(),
  SMS_FROM: z.string().optional(),
  WHATSAPP_API_URL: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com/v21.0'),
  WHATSAPP_TOKEN: z.string().optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().optional(),
  WHATSAPP_APP_SECRET: z.string().optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().optional(),
  ALLOW_PRIVATE_WEBHOOK_TARGETS: booleanFromEnv.default(false),
  EASYPOST_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.easypost.com'),
  EASYPOST_API_KEY: z.string().optional(),
  // Unset: Shopify Admin API calls go to https://{shop domain}, and only *.myshopify.com domains are called.
  SHOPIFY_API_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRACKING_POLL_HOURS: z.coerce.number().min(0.1).max(168).default(6),
  TRACK_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  TRUST_PROXY: booleanFromEnv.default(false),
});

export type Config = Readonly<
  Omit<z.infer<typeof configSchema>, 'PUBLIC_URL' | 'DATA_DIR' | 'SECRET_KEY'> & {
    PUBLIC_URL: string;
    DATA_DIR: string;
    SECRET_KEY: string;
  }
>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `PORT=` in an env file means "not set", not "0".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.SECRET_KEY) {
    throw new ConfigError('Invalid configuration:\n  SECRET_KEY: required when NODE_ENV=production');
  }
  const publicUrl = (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, '');
  const dataDir = path.resolve(c.DATA_DIR);
  const secretKey = c.SECRET_KEY ?? developmentSecretKey(dataDir);
  return Object.freeze({ ...c, PUBLIC_URL: publicUrl, DATA_DIR: dataDir, SECRET_KEY: secretKey });
}

/**
 * Outside production a missing SECRET_KEY is generated once and kept in DATA_DIR, so signed links and
 * sealed webhook secrets survive restarts. Processes on other machines need the same key: set SECRET_KEY.
 */
function developmentSecretKey(dataDir: string): string {
  const file = path.join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
