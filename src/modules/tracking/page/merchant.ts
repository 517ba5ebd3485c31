import type { Db } from '../../../db/pool.ts';
import { TtlCache } from '../../../lib/ttl-cache.ts';
import { findMerchant, type MerchantRow } from '../../merchants/index.ts';
import { findMerchantByDomain, findMerchantBySlug, findSoleMerchant } from './repo.ts';

/**
 * Which store a /track request is for, before any order is known. Merchants have no domain column, so:
 *  1. the Host header, when a merchant lists it in `settings.tracking.domains` (its own domain, e.g.
 *     track.example-shop.com, CNAMEd to this server);
 *  2. `?shop=<merchant slug>` (or a `shop` form field), for installs that serve several stores from one
 *     domain;
 *  3. the only merchant, on a single-store install (the common self-hosted case), so /track just works.
 * Answers are cached for a minute: /track is public and must not cost a merchants scan per request.
 */
export type MerchantResolver = (req: {
  host: string | undefined;
  shop: string | undefined;
}) => Promise<MerchantRow | undefined>;

export function createMerchantResolver(db: Db, publicHost: string): MerchantResolver {
  const byHost = new TtlCache<string, string | null>(60_000, 1000);
  const bySlug = new TtlCache<string, string | null>(60_000, 1000);
  const sole = new TtlCache<'sole', string | null>(60_000, 1);
  return async ({ host: rawHost, shop: rawShop }) => {
    const host = rawHost?.toLowerCase().replace(/:\d+$/, '');
    if (host && host !== publicHost) {
      const id = await cached(byHost, host, async () => (await findMerchantByDomain(db, host))?.id ?? null);
      if (id) return findMerchant(db, id);
    }
    const shop = rawShop?.trim().toLowerCase();
    if (shop) {
      if (!/^[a-z0-9-]{1,100}$/.test(shop)) return undefined;
      const id = await cached(bySlug, shop, async () => (await findMerchantBySlug(db, shop))?.id ?? null);
      return id ? findMerchant(db, id) : undefined;
    }
    const id = await cached(sole, 'sole', async () => (await findSoleMerchant(db))?.id ?? null);
    return id ? findMerchant(db, id) : undefined;
  };
}

async function cached<K>(
  cache: TtlCache<K, string | null>,
  key: K,
  load: () => Promise<string | null>,
): Promise<string | null> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = await load();
  cache.set(key, value);
  return value;
}
