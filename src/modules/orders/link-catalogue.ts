import type { DbOrTx } from '../../db/pool.ts';
import { newId } from '../../lib/ids.ts';
import { ensureProducts, ensureVariants } from '../catalog/index.ts';
import type { LineData } from './types.ts';

/**
 * Our product and variant id for each line, creating catalogue entries for products first seen on an
 * order (title and brand from the line; the catalogue API or a product sync fills in the rest).
 */
export async function linkCatalogue(
  tx: DbOrTx,
  merchantId: string,
  source: string,
  lines: LineData[],
): Promise<Array<{ productId: string | null; variantId: string | null }>> {
  const products = new Map<string, { id: string; externalId: string; title: string; brand: string | null }>();
  const variants = new Map<
    string,
    {
      id: string;
      productExternalId: string;
      externalId: string;
      sku: string | null;
      title: string | null;
      priceMinor: number | null;
    }
  >();
  for (const l of lines) {
    if (!l.productExternalId) continue;
    if (!products.has(l.productExternalId)) {
      products.set(l.productExternalId, {
        id: newId('prd'),
        externalId: l.productExternalId,
        title: l.title,
        brand: l.brand,
      });
    }
    if (l.variantExternalId && !variants.has(l.variantExternalId)) {
      variants.set(l.variantExternalId, {
        id: newId('var'),
        productExternalId: l.productExternalId,
        externalId: l.variantExternalId,
        sku: l.sku,
        title: l.variantTitle,
        priceMinor: l.unitPrice,
      });
    }
  }
  const productIds = await ensureProducts(tx, merchantId, source, [...products.values()]);
  const variantIds = await ensureVariants(tx, merchantId, source, [...variants.values()], productIds);
  return lines.map((l) => ({
    productId: l.productExternalId ? (productIds.get(l.productExternalId) ?? null) : null,
    variantId: l.variantExternalId ? (variantIds.get(l.variantExternalId) ?? null) : null,
  }));
}
