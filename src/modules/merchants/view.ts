import type { MerchantRow } from './repo.ts';
import type { MerchantView } from './schemas.ts';
import { merchantSettingsView } from './settings.ts';

export function toMerchantView(
  row: MerchantRow,
  integrations: Array<{ kind: string; externalRef?: string; external_ref?: string }>,
): MerchantView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    locale: row.locale,
    currency: row.currency,
    timezone: row.timezone,
    logoUrl: row.logo_url,
    brandPrimary: row.brand_primary,
    brandAccent: row.brand_accent,
    supportEmail: row.support_email,
    supportPhone: row.support_phone,
    senderName: row.sender_name,
    senderEmail: row.sender_email,
    postalAddress: row.postal_address ?? null,
    integrations: integrations.map((i) => ({
      kind: i.kind,
      externalRef: i.externalRef ?? i.external_ref ?? '',
    })),
    settings: merchantSettingsView(row.settings),
    createdAt: row.created_at.toISOString(),
  };
}
