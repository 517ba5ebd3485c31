import { type Db, withTransaction } from '../../db/pool.ts';
import { ValidationError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { findProductByExternalId, listVariants, type ProductRow, type VariantRow } from './repo.ts';
import type { ProductInput, ProductView } from './schemas.ts';

/**
 * Creates or replaces a product and its variants by your external id. Variants not in the input are
 * kept (orders may point at them); variants in it are created or updated by their external id.
 */
export async function upsertProduct(opts: {
  db: Db;
  merchantId: string;
  source?: string;
  input: ProductInput;
}): Promise<{ product: ProductView; created: boolean }> {
  const source = opts.source ?? 'api';
  const input = opts.input;
  const variantKeys = input.variants.map((v, i) => v.externalId ?? v.sku ?? `#${i}`);
  if (input.variants.some((v) => !v.externalId && !v.sku)) {
    throw new ValidationError(
      'Every variant needs an externalId or a sku so it can be updated later.',
      undefined,
      'variant_key_missing',
    );
  }
  if (new Set(variantKeys).size !== variantKeys.length) {
    throw new ValidationError(
      'Two variants have the same externalId/sku.',
      { variantKeys },
      'duplicate_variant',
    );
  }
  return withTransaction(opts.db, async (tx) => {
    const existing = await findProductByExternalId(tx, opts.merchantId, source, input.externalId);
    const fields = {
      title: input.title,
      brand: input.brand ?? null,
      category: input.category ?? null,
      tags: input.tags ?? [],
      image_url: input.imageUrl ?? null,
      description: input.description ?? null,
      care_tips: input.careTips ?? null,
    };
    const product = await tx
      .insertInto('products')
      .values({
        merchant_id: opts.merchantId,
        id: existing?.id ?? newId('prd'),
        source,
        external_id: input.externalId,
        ...fields,
      })
      .onConflict((oc) =>
        oc
          .columns(['merchant_id', 'source', 'external_id'])
          .doUpdateSet({ ...fields, updated_at: new Date() }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const [i, v] of input.variants.entries()) {
      const vfields = {
        sku: v.sku ?? null,
        title: v.title ?? null,
        size: v.size ?? null,
        color: v.color ?? null,
        attributes: JSON.stringify(v.attributes ?? {}),
        price_minor: v.price ?? null,
        image_url: v.imageUrl ?? null,
        inventory: v.inventory ?? null,
      };
      await tx
        .insertInto('variants')
        .values({
          merchant_id: opts.merchantId,
          id: newId('var'),
          product_id: product.id,
          source,
          external_id: variantKeys[i]!,
          ...vfields,
        })
        .onConflict((oc) =>
          oc
            .columns(['merchant_id', 'source', 'external_id'])
            .doUpdateSet({ ...vfields, product_id: product.id, updated_at: new Date() }),
        )
        .execute();
    }
    const variants = await listVariants(tx, opts.merchantId, [product.id]);
    return { product: toProductView(product, variants), created: !existing };
  });
}

export function toProductView(p: ProductRow, variants: VariantRow[]): ProductView {
  return {
    id: p.id,
    source: p.source,
    externalId: p.external_id,
    title: p.title,
    brand: p.brand,
    category: p.category,
    tags: p.tags,
    imageUrl: p.image_url,
    description: p.description,
    careTips: p.care_tips,
    variants: variants
      .filter((v) => v.product_id === p.id)
      .map((v) => ({
        id: v.id,
        externalId: v.external_id,
        sku: v.sku,
        title: v.title,
        size: v.size,
        color: v.color,
        attributes: v.attributes,
        price: v.price_minor,
        imageUrl: v.image_url,
        inventory: v.inventory,
      })),
    createdAt: p.created_at.toISOString(),
  };
}
