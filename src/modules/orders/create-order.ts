import { type Db, withTransaction } from '../../db/pool.ts';
import { normalizeEmail, normalizePhone } from '../../lib/contact.ts';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../lib/errors.ts';
import { findMerchant } from '../merchants/index.ts';
import { findOrder, findOrderBySourceForUpdate, listLines } from './repo.ts';
import type { OrderCreateInput, OrderView } from './schemas.ts';
import { computeTotals } from './totals.ts';
import type { LineData, OrderData } from './types.ts';
import { upsertOrder } from './upsert-order.ts';
import { toOrderView } from './view.ts';

/**
 * Creates an order sent to the REST API. Totals are computed from the lines; a client that also sends
 * `total` gets the order refused when the two disagree (a tampered or mis-rounded cart), never silently fixed.
 */
export async function createOrder(opts: {
  db: Db;
  merchantId: string;
  input: OrderCreateInput;
}): Promise<OrderView> {
  const { db, merchantId, input } = opts;
  const merchant = await findMerchant(db, merchantId);
  if (!merchant) throw new NotFoundError('Merchant');
  const data = orderDataFromApi(input, merchant.postal_address?.country ?? null);
  return withTransaction(db, async (tx) => {
    const existing = await findOrderBySourceForUpdate(tx, merchantId, 'api', data.externalId);
    if (existing) {
      throw new ConflictError('order_exists', `Order ${data.externalId} already exists.`, {
        orderId: existing.id,
      });
    }
    const result = await upsertOrder({ tx, merchantId, source: 'api', data, defaultLocale: merchant.locale });
    const order = await findOrder(tx, merchantId, result.orderId);
    return toOrderView(order!, await listLines(tx, merchantId, [result.orderId]));
  });
}

export function orderDataFromApi(input: OrderCreateInput, merchantCountry: string | null): OrderData {
  const country = input.shippingAddress?.country ?? input.billingAddress?.country ?? merchantCountry;
  const lines: LineData[] = input.lines.map((l) => ({
    externalId: l.externalId ?? null,
    productExternalId: l.productExternalId ?? null,
    variantExternalId: l.variantExternalId ?? null,
    sku: l.sku ?? null,
    title: l.title,
    variantTitle: l.variantTitle ?? null,
    brand: l.brand ?? null,
    size: l.size ?? null,
    color: l.color ?? null,
    properties: l.properties ?? [],
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    discount: l.discount ?? 0,
    tax: l.tax ?? 0,
    taxLines: [],
    requiresShipping: l.requiresShipping ?? true,
    imageUrl: l.imageUrl ?? null,
  }));
  const orderDiscount = input.discounts.reduce((s, d) => s + d.amount, 0);
  const totals = computeTotals({
    lines,
    orderDiscount,
    shipping: input.shipping?.price ?? 0,
    shippingTax: input.shipping?.tax ?? 0,
    taxesIncluded: input.taxesIncluded,
  });
  if (input.total !== undefined && input.total !== totals.total) {
    throw new UnprocessableError(
      'totals_mismatch',
      'The total does not match the lines, discounts, tax and shipping.',
      {
        given: input.total,
        computed: totals.total,
        parts: totals,
      },
    );
  }
  if (totals.total < 0)
    throw new UnprocessableError('negative_total', 'Discounts exceed the order value.', { totals });
  const email = normalizeEmail(input.customer?.email);
  const phone = normalizePhone(input.customer?.phone, country);
  if (input.customer?.phone && !phone) {
    throw new ValidationError(
      'The customer phone number is not valid.',
      { phone: input.customer.phone },
      'invalid_phone',
    );
  }
  return {
    externalId: input.externalId ?? input.number,
    number: input.number,
    placedAt: input.placedAt ? new Date(input.placedAt) : new Date(),
    currency: input.currency,
    locale: input.locale ?? input.customer?.locale ?? null,
    channel: input.channel,
    campaignTags: input.campaignTags,
    tags: input.tags,
    customer: {
      externalId: input.customer?.externalId ?? null,
      email,
      phone,
      firstName: input.customer?.firstName ?? null,
      lastName: input.customer?.lastName ?? null,
      locale: input.customer?.locale ?? null,
      acceptsMarketing: input.customer?.acceptsMarketing ?? null,
    },
    email,
    phone,
    lines,
    shippingMethod: input.shipping?.method ?? null,
    shippingLines: input.shipping
      ? [
          {
            title: input.shipping.method ?? 'Shipping',
            price: input.shipping.price,
            tax: input.shipping.tax ?? 0,
          },
        ]
      : [],
    discountCodes: input.discounts.map((d) => ({ code: d.code, amount: d.amount })),
    taxLines: [],
    taxesIncluded: input.taxesIncluded,
    totals,
    shippingAddress: input.shippingAddress ?? null,
    billingAddress: input.billingAddress ?? null,
    promisedEarliest: input.promisedDelivery?.earliest ?? null,
    promisedLatest: input.promisedDelivery?.latest ?? null,
    note: input.note ?? null,
    paymentStatus: input.paymentStatus,
    cancelledAt: null,
    cancelReason: null,
    sourceUpdatedAt: null,
  };
}
