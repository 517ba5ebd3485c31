import type { DbOrTx } from '../../db/pool.ts';
import { seal, unseal } from '../../lib/crypto.ts';
import { ConflictError } from '../../lib/errors.ts';
import { TtlCache } from '../../lib/ttl-cache.ts';
import { findIntegrationByRef, upsertIntegration } from './repo.ts';

export type IntegrationKind = 'shopify' | 'woocommerce' | 'easypost' | 'aftership' | 'shopify_admin';

export interface IntegrationInput {
  kind: IntegrationKind;
  /**
   * The shop domain (Shopify) or the site URL (WooCommerce) that webhooks identify themselves with; for a
   * carrier tracking provider (EasyPost, AfterShip) the merchant's slug, which its webhook URL carries.
   * For `shopify_admin` (Shopify's Admin API, used to push refunds back) the shop domain again.
   */
  externalRef: string;
  /** The secret the platform signs webhooks with; for `shopify_admin` the Admin API access token. */
  secret: string;
}

export function normalizeIntegrationRef(kind: IntegrationKind, ref: string): string {
  const trimmed = ref.trim().toLowerCase();
  if (kind === 'shopify' || kind === 'shopify_admin')
    return trimmed.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  return trimmed.replace(/\/+$/, '');
}

/** Connects (or re-keys) a commerce platform for a merchant. A store belongs to one merchant only. */
export async function connectIntegration(
  opts: IntegrationInput & { db: DbOrTx; merchantId: string; secretKey: string },
): Promise<{ kind: IntegrationKind; externalRef: string }> {
  const ref = normalizeIntegrationRef(opts.kind, opts.externalRef);
  const existing = await findIntegrationByRef(opts.db, opts.kind, ref);
  if (existing && existing.merchant_id !== opts.merchantId) {
    throw new ConflictError(
      'integration_taken',
      `The ${opts.kind} store ${ref} is already connected to a merchant.`,
    );
  }
  await upsertIntegration(opts.db, {
    merchant_id: opts.merchantId,
    kind: opts.kind,
    external_ref: ref,
    secret_sealed: seal(opts.secret, opts.secretKey),
  });
  integrationCache.clear();
  return { kind: opts.kind, externalRef: ref };
}

// Webhooks arrive by the thousand per second; the store-to-merchant mapping changes rarely. A re-keyed
// secret takes effect in this process at once and in others within the TTL.
const integrationCache = new TtlCache<string, { merchantId: string; secret: string; locale: string } | null>(
  30_000,
  10_000,
);

/** Resolves the merchant and signing secret of a store that sent a webhook, or null if it is not connected. */
export async function findIntegration(opts: {
  db: DbOrTx;
  secretKey: string;
  kind: IntegrationKind;
  externalRef: string;
}): Promise<{ merchantId: string; secret: string; locale: string } | null> {
  const ref = normalizeIntegrationRef(opts.kind, opts.externalRef);
  const key = `${opts.kind}|${ref}`;
  const cached = integrationCache.get(key);
  if (cached !== undefined) return cached;
  const row = await findIntegrationByRef(opts.db, opts.kind, ref);
  const value = row
    ? { merchantId: row.merchant_id, secret: unseal(row.secret_sealed, opts.secretKey), locale: row.locale }
    : null;
  integrationCache.set(key, value);
  return value;
}

/**
 * A merchant's own connection of one kind, secret unsealed (for calls we make to the platform, such as
 * Shopify's Admin API), or null when the merchant has not connected it. Not cached: jobs call it rarely.
 */
export async function findMerchantIntegration(opts: {
  db: DbOrTx;
  secretKey: string;
  merchantId: string;
  kind: IntegrationKind;
}): Promise<{ externalRef: string; secret: string } | null> {
  const row = await opts.db
    .selectFrom('merchant_integrations')
    .select(['external_ref', 'secret_sealed'])
    .where('merchant_id', '=', opts.merchantId)
    .where('kind', '=', opts.kind)
    .executeTakeFirst();
  return row ? { externalRef: row.external_ref, secret: unseal(row.secret_sealed, opts.secretKey) } : null;
}
