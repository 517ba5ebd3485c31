import type { DbOrTx } from '../../db/pool.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { TtlCache } from '../../lib/ttl-cache.ts';
import { defaultLayout, defaultTemplate } from './defaults.ts';
import {
  type CompiledTemplate,
  localize,
  type PreparedTemplate,
  prepareTemplate,
  type TemplateChannel,
} from './engine.ts';

export interface ResolvedTemplate {
  version: number;
  compiled: CompiledTemplate;
}

// Compiled templates are immutable per version, so they can be kept long; which version is the latest can
// change when a merchant saves, so that answer is kept only briefly (and cleared in this process on save).
const prepared = new TtlCache<string, Promise<PreparedTemplate>>(24 * 3600_000, 2_000);
const localized = new TtlCache<string, CompiledTemplate>(24 * 3600_000, 5_000);
const latest = new TtlCache<string, number>(10_000, 20_000);

export function forgetLatest(merchantId: string): void {
  void merchantId;
  latest.clear();
}

async function latestVersion(
  db: DbOrTx,
  merchantId: string,
  key: string,
  locale: string,
  channel: TemplateChannel,
) {
  const k = `${merchantId}|${key}|${locale}|${channel}`;
  const cached = latest.get(k);
  if (cached !== undefined) return cached;
  const row = await db
    .selectFrom('message_templates')
    .select('version')
    .where('merchant_id', '=', merchantId)
    .where('key', '=', key)
    .where('locale', '=', locale)
    .where('channel', '=', channel)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const version = row?.version ?? 0;
  latest.set(k, version);
  return version;
}

/**
 * The template a message of `key` uses: the merchant's latest saved version for the locale and channel, or
 * the built-in default (version 0). MJML is compiled once per version and Liquid parsed once per locale.
 */
export async function resolveTemplate(
  db: DbOrTx,
  r: { merchantId: string; key: string; locale: string; channel: TemplateChannel; version?: number },
): Promise<ResolvedTemplate> {
  const version = r.version ?? (await latestVersion(db, r.merchantId, r.key, r.locale, r.channel));
  const preparedKey =
    version === 0
      ? `default|${r.key}|${r.channel}`
      : `${r.merchantId}|${r.key}|${r.locale}|${r.channel}|${version}`;
  const localizedKey = `${preparedKey}|${r.locale}`;
  const hit = localized.get(localizedKey);
  if (hit) return { version, compiled: hit };
  let p = prepared.get(preparedKey);
  if (!p) {
    p = loadAndPrepare(db, r, version);
    prepared.set(preparedKey, p);
    p.catch(() => prepared.clear());
  }
  const compiled = localize(await p, r.locale);
  localized.set(localizedKey, compiled);
  return { version, compiled };
}

async function loadAndPrepare(
  db: DbOrTx,
  r: { merchantId: string; key: string; locale: string; channel: TemplateChannel },
  version: number,
): Promise<PreparedTemplate> {
  if (version === 0) {
    const source = defaultTemplate(r.key, r.channel);
    if (!source) throw new NotFoundError(`A ${r.channel} template "${r.key}"`);
    return prepareTemplate(source, defaultLayout());
  }
  const row = await db
    .selectFrom('message_templates')
    .selectAll()
    .where('merchant_id', '=', r.merchantId)
    .where('key', '=', r.key)
    .where('locale', '=', r.locale)
    .where('channel', '=', r.channel)
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
  if (row.compiled_html !== null) {
    return { channel: row.channel, subject: row.subject, html: row.compiled_html, text: row.text_body };
  }
  return prepareTemplate(
    { channel: row.channel, subject: row.subject, body: row.body, textBody: row.text_body },
    defaultLayout(),
  );
}
