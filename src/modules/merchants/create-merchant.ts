import type { Config } from '../../config.ts';
import { type Db, withTransaction } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { createApiKey } from './api-keys.ts';
import { connectIntegration, type IntegrationInput } from './integrations.ts';
import { insertMerchant, slugExists } from './repo.ts';
import { type MerchantCreateInput, merchantCreateSchema } from './schemas.ts';
import { toMerchantView } from './view.ts';

/** Creates a merchant, its first API key and any platform connections, all or nothing. */
export async function createMerchant(opts: {
  db: Db;
  config: Pick<Config, 'SECRET_KEY'>;
  input: MerchantCreateInput;
  integrations?: IntegrationInput[];
}) {
  const input = merchantCreateSchema.parse(opts.input);
  return withTransaction(opts.db, async (tx) => {
    const id = newId('mer');
    const row = await insertMerchant(tx, {
      id,
      name: input.name,
      slug: await uniqueSlug(tx, input.name),
      locale: input.locale,
      currency: input.currency,
      timezone: input.timezone,
      logo_url: input.logoUrl ?? null,
      brand_primary: input.brandPrimary,
      brand_accent: input.brandAccent,
      support_email: input.supportEmail ?? null,
      support_phone: input.supportPhone ?? null,
      sender_name: input.senderName ?? input.name,
      sender_email: input.senderEmail ?? input.supportEmail ?? null,
      postal_address: input.postalAddress ? JSON.stringify(input.postalAddress) : null,
    });
    const connected = [];
    for (const integration of opts.integrations ?? []) {
      connected.push(
        await connectIntegration({
          db: tx,
          merchantId: id,
          secretKey: opts.config.SECRET_KEY,
          ...integration,
          // Carrier providers are found by the merchant's slug in their webhook URL.
          externalRef: integration.externalRef || row.slug,
        }),
      );
    }
    const key = await createApiKey({ db: tx, merchantId: id, name: 'default' });
    return { merchant: toMerchantView(row, connected), apiKey: key.apiKey, apiKeyId: key.id };
  });
}

async function uniqueSlug(db: Db, name: string): Promise<string> {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'shop';
  let slug = base;
  for (let n = 2; await slugExists(db, slug); n++) slug = `${base}-${n}`;
  return slug;
}
