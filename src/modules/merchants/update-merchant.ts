import type { Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { MerchantsTable } from '../../db/schema.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findMerchant, listIntegrations, updateMerchant as updateMerchantRow } from './repo.ts';
import { type MerchantUpdateInput, type MerchantView, merchantUpdateSchema } from './schemas.ts';
import { mergeSettings } from './settings.ts';
import { toMerchantView } from './view.ts';

export async function getMerchant(opts: { db: DbOrTx; merchantId: string }): Promise<MerchantView> {
  const row = await findMerchant(opts.db, opts.merchantId);
  if (!row) throw new NotFoundError('Merchant');
  return toMerchantView(row, await listIntegrations(opts.db, opts.merchantId));
}

/** Changes a merchant's brand and defaults; fields left out keep their value, null clears them. */
export async function updateMerchant(opts: {
  db: DbOrTx;
  merchantId: string;
  input: MerchantUpdateInput;
}): Promise<MerchantView> {
  const i = merchantUpdateSchema.parse(opts.input);
  const changes: Updateable<MerchantsTable> = {};
  if (i.name !== undefined) changes.name = i.name;
  if (i.locale !== undefined) changes.locale = i.locale;
  if (i.currency !== undefined) changes.currency = i.currency;
  if (i.timezone !== undefined) changes.timezone = i.timezone;
  if (i.logoUrl !== undefined) changes.logo_url = i.logoUrl;
  if (i.brandPrimary !== undefined) changes.brand_primary = i.brandPrimary;
  if (i.brandAccent !== undefined) changes.brand_accent = i.brandAccent;
  if (i.supportEmail !== undefined) changes.support_email = i.supportEmail;
  if (i.supportPhone !== undefined) changes.support_phone = i.supportPhone;
  if (i.senderName !== undefined) changes.sender_name = i.senderName;
  if (i.senderEmail !== undefined) changes.sender_email = i.senderEmail;
  if (i.settings !== undefined) {
    const current = await findMerchant(opts.db, opts.merchantId);
    if (!current) throw new NotFoundError('Merchant');
    changes.settings = JSON.stringify(mergeSettings(current.settings as Record<string, unknown>, i.settings));
  }
  if (i.postalAddress !== undefined) {
    changes.postal_address = i.postalAddress === null ? null : JSON.stringify(i.postalAddress);
  }
  const row = await updateMerchantRow(opts.db, opts.merchantId, changes);
  if (!row) throw new NotFoundError('Merchant');
  return toMerchantView(row, await listIntegrations(opts.db, opts.merchantId));
}
