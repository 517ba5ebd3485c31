import type { DbOrTx } from '../../db/pool.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { findOrder, type OrderData, type OrderLineRow, upsertOrder } from '../orders/index.ts';
import type { ReturnLineRow, ReturnRow } from './repo.ts';

interface Variant {
  id: string;
  sku: string | null;
  title: string | null;
  size: string | null;
  color: string | null;
  price_minor: number | null;
  inventory: number | null;
  image_url: string | null;
  product_id: string;
  product_title: string;
  external_id: string;
  product_external_id: string;
}

/**
 * The outbound order an exchange creates: the chosen variants, shipped to the original address. A variant
 * exchange costs nothing (the price was paid); a product exchange carries the price difference as the
 * order's total (zero when the new item is cheaper: the difference is refunded when the return resolves).
 * Stock is checked and taken in the same transaction; the order is keyed by the return, so doing it twice
 * (an instant exchange approved, then resolved) creates it once.
 */
export async function createExchangeOrder(opts: {
  tx: DbOrTx;
  ret: ReturnRow;
  lines: ReturnLineRow[];
  orderLines: OrderLineRow[];
}): Promise<{ orderId: string; priceDifferenceMinor: number }> {
  const { tx, ret } = opts;
  const original = await findOrder(tx, ret.merchant_id, ret.order_id);
  if (!original) throw new UnprocessableError('order_missing', 'The original order no longer exists.');
  const wanted = opts.lines.filter((l) => l.exchange_variant_id);
  if (wanted.length === 0) {
    throw new UnprocessableError(
      'no_exchange_items',
      'An exchange needs the variant each line is exchanged for.',
    );
  }
  const variants = await lockVariants(
    tx,
    ret.merchant_id,
    wanted.map((l) => l.exchange_variant_id!),
  );
  const byId = new Map(variants.map((v) => [v.id, v]));
  const orderLineById = new Map(opts.orderLines.map((l) => [l.id, l]));
  let difference = 0;
  const lines: OrderData['lines'] = wanted.map((l) => {
    const v = byId.get(l.exchange_variant_id!);
    if (!v)
      throw new UnprocessableError('unknown_variant', 'The variant asked for does not exist.', {
        variantId: l.exchange_variant_id,
      });
    if (v.inventory !== null && v.inventory < l.quantity) {
      throw new UnprocessableError('out_of_stock', `${v.product_title} ${v.title ?? ''} is out of stock.`, {
        variantId: v.id,
      });
    }
    const paid = orderLineById.get(l.order_line_id)?.unit_price_minor ?? l.unit_price_minor;
    const price = ret.resolution === 'exchange_product' ? (v.price_minor ?? paid) : paid;
    difference += (price - paid) * l.quantity;
    return {
      externalId: `${ret.id}:${l.id}`,
      productExternalId: v.product_external_id,
      variantExternalId: v.external_id,
      sku: v.sku,
      title: v.product_title,
      variantTitle: v.title,
      brand: null,
      size: v.size,
      color: v.color,
      properties: [{ name: 'Exchange for', value: ret.number }],
      quantity: l.quantity,
      // Only a dearer product costs anything: the customer pays the difference on this order.
      unitPrice: Math.max(0, price - paid),
      discount: 0,
      tax: 0,
      taxLines: [],
      requiresShipping: true,
      imageUrl: v.image_url,
    };
  });
  const due = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const data: OrderData = {
    externalId: ret.id,
    number: `${original.number}-${ret.number}`,
    placedAt: new Date(),
    currency: original.currency,
    locale: original.locale,
    channel: original.channel,
    campaignTags: [],
    tags: ['exchange'],
    customer: { email: original.email, phone: original.phone },
    email: original.email,
    phone: original.phone,
    lines,
    shippingMethod: original.shipping_method,
    shippingLines: [],
    discountCodes: [],
    taxLines: [],
    taxesIncluded: original.taxes_included,
    totals: { subtotal: due, discount: 0, tax: 0, shipping: 0, total: due },
    shippingAddress: original.shipping_address,
    billingAddress: original.billing_address,
    promisedEarliest: null,
    promisedLatest: null,
    note: `Exchange for return ${ret.number} of order ${original.number}`,
    paymentStatus: due > 0 ? 'pending' : 'paid',
    cancelledAt: null,
    cancelReason: null,
    sourceUpdatedAt: null,
  };
  const result = await upsertOrder({
    tx,
    merchantId: ret.merchant_id,
    source: 'exchange',
    data,
    defaultLocale: original.locale,
  });
  for (const l of wanted) {
    await tx
      .updateTable('variants')
      .set((eb) => ({ inventory: eb('inventory', '-', l.quantity) }))
      .where('merchant_id', '=', ret.merchant_id)
      .where('id', '=', l.exchange_variant_id!)
      .where('inventory', 'is not', null)
      .execute();
  }
  return { orderId: result.orderId, priceDifferenceMinor: difference };
}

async function lockVariants(tx: DbOrTx, merchantId: string, ids: string[]): Promise<Variant[]> {
  return tx
    .selectFrom('variants as v')
    .innerJoin('products as p', (j) =>
      j.onRef('p.merchant_id', '=', 'v.merchant_id').onRef('p.id', '=', 'v.product_id'),
    )
    .select([
      'v.id',
      'v.sku',
      'v.title',
      'v.size',
      'v.color',
      'v.price_minor',
      'v.inventory',
      'v.image_url',
      'v.product_id',
      'v.external_id',
      'p.title as product_title',
      'p.external_id as product_external_id',
    ])
    .where('v.merchant_id', '=', merchantId)
    .where('v.id', 'in', ids)
    .forUpdate()
    .execute();
}
