import type { OrderLineRow, OrderRow } from './repo.ts';
import type { OrderView } from './schemas.ts';

export function toOrderView(o: OrderRow, lines: OrderLineRow[]): OrderView {
  return {
    id: o.id,
    number: o.number,
    source: o.source,
    externalId: o.external_id,
    status: o.status,
    paymentStatus: o.payment_status,
    customerId: o.customer_id,
    email: o.email,
    phone: o.phone,
    locale: o.locale,
    channel: o.channel,
    campaignTags: o.campaign_tags,
    tags: o.tags,
    shippingMethod: o.shipping_method,
    taxesIncluded: o.taxes_included,
    totals: {
      subtotal: o.subtotal_minor,
      discount: o.discount_minor,
      tax: o.tax_minor,
      shipping: o.shipping_minor,
      total: o.total_minor,
      refunded: o.refunded_minor,
      currency: o.currency,
    },
    discountCodes: o.discount_codes.map((d) => ({ code: d.code, amount: d.amount })),
    shippingAddress: (o.shipping_address as Record<string, unknown> | null) ?? null,
    billingAddress: (o.billing_address as Record<string, unknown> | null) ?? null,
    promisedDelivery:
      o.promised_earliest && o.promised_latest
        ? { earliest: o.promised_earliest, latest: o.promised_latest }
        : null,
    note: o.note,
    placedAt: o.placed_at.toISOString(),
    cancelledAt: o.cancelled_at?.toISOString() ?? null,
    cancelReason: o.cancel_reason,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
    lines: lines
      .filter((l) => l.order_id === o.id)
      .map((l) => ({
        id: l.id,
        position: l.position,
        externalId: l.external_id,
        productId: l.product_id,
        variantId: l.variant_id,
        sku: l.sku,
        title: l.title,
        variantTitle: l.variant_title,
        brand: l.brand,
        size: l.size,
        color: l.color,
        properties: l.properties,
        quantity: l.quantity,
        unitPrice: l.unit_price_minor,
        discount: l.discount_minor,
        tax: l.tax_minor,
        requiresShipping: l.requires_shipping,
        imageUrl: l.image_url,
      })),
  };
}
