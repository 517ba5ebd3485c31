import { type Selectable, sql } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { ProductsTable, VariantsTable } from '../../db/schema.ts';

export type ProductRow = Selectable<ProductsTable>;
export type VariantRow = Selectable<VariantsTable>;

export interface ProductStub {
  id: string;
  externalId: string;
  title: string;
  brand: string | null;
}
export interface VariantStub {
  id: string;
  productExternalId: string;
  externalId: string;
  sku: string | null;
  title: string | null;
  priceMinor: number | null;
}

/**
 * Makes sure the products seen on order lines exist, without touching rows that already do (an order
 * must not rewrite the catalogue, and updating hot product rows would serialise concurrent orders).
 * Returns external id -> our id for all of them, in one round trip.
 */
export async function ensureProducts(
  db: DbOrTx,
  merchantId: string,
  source: string,
  stubs: ProductStub[],
): Promise<Map<string, string>> {
  if (stubs.length === 0) return new Map();
  const rows = stubs.map((s) => ({
    merchant_id: merchantId,
    id: s.id,
    source,
    external_id: s.externalId,
    title: s.title,
    brand: s.brand,
  }));
  const result = await sql<{ id: string; external_id: string }>`
    WITH input AS (SELECT * FROM json_populate_recordset(null::products, ${JSON.stringify(rows)}::json)),
    inserted AS (
      INSERT INTO products (merchant_id, id, source, external_id, title, brand)
      SELECT merchant_id, id, source, external_id, title, brand FROM input
      ON CONFLICT (merchant_id, source, external_id) DO NOTHING
      RETURNING id, external_id
    )
    SELECT id, external_id FROM inserted
    UNION ALL
    SELECT p.id, p.external_id FROM products p JOIN input i
      ON p.merchant_id = i.merchant_id AND p.source = i.source AND p.external_id = i.external_id`.execute(db);
  return new Map(result.rows.map((r) => [r.external_id, r.id]));
}

/** Like ensureProducts, for variants; `productIds` maps product external ids to our ids. */
export async function ensureVariants(
  db: DbOrTx,
  merchantId: string,
  source: string,
  stubs: VariantStub[],
  productIds: Map<string, string>,
): Promise<Map<string, string>> {
  const rows = stubs
    .filter((s) => productIds.has(s.productExternalId))
    .map((s) => ({
      merchant_id: merchantId,
      id: s.id,
      product_id: productIds.get(s.productExternalId),
      source,
      external_id: s.externalId,
      sku: s.sku,
      title: s.title,
      price_minor: s.priceMinor,
    }));
  if (rows.length === 0) return new Map();
  const result = await sql<{ id: string; external_id: string }>`
    WITH input AS (SELECT * FROM json_populate_recordset(null::variants, ${JSON.stringify(rows)}::json)),
    inserted AS (
      INSERT INTO variants (merchant_id, id, product_id, source, external_id, sku, title, price_minor)
      SELECT merchant_id, id, product_id, source, external_id, sku, title, price_minor FROM input
      ON CONFLICT (merchant_id, source, external_id) DO NOTHING
      RETURNING id, external_id
    )
    SELECT id, external_id FROM inserted
    UNION ALL
    SELECT v.id, v.external_id FROM variants v JOIN input i
      ON v.merchant_id = i.merchant_id AND v.source = i.source AND v.external_id = i.external_id`.execute(db);
  return new Map(result.rows.map((r) => [r.external_id, r.id]));
}

export async function findProduct(
  db: DbOrTx,
  merchantId: string,
  id: string,
): Promise<ProductRow | undefined> {
  return db
    .selectFrom('products')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findProductByExternalId(
  db: DbOrTx,
  merchantId: string,
  source: string,
  externalId: string,
): Promise<ProductRow | undefined> {
  return db
    .selectFrom('products')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function listVariants(
  db: DbOrTx,
  merchantId: string,
  productIds: string[],
): Promise<VariantRow[]> {
  if (productIds.length === 0) return [];
  return db
    .selectFrom('variants')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('product_id', 'in', productIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function listProducts(
  db: DbOrTx,
  opts: {
    merchantId: string;
    limit: number;
    after?: { sortValue: string; id: string };
    category?: string;
    tag?: string;
  },
): Promise<ProductRow[]> {
  let q = db.selectFrom('products').selectAll().where('merchant_id', '=', opts.merchantId);
  if (opts.category) q = q.where('category', '=', opts.category);
  if (opts.tag) q = q.where(sql<boolean>`${opts.tag} = ANY(tags)`);
  if (opts.after) {
    const { sortValue, id } = opts.after;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', new Date(sortValue)),
        eb.and([eb('created_at', '=', new Date(sortValue)), eb('id', '<', id)]),
      ]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}
