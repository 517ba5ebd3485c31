import { z } from 'zod';

/**
 * The parts of Shopify's Admin REST resources (as webhooks deliver them) that we read. Objects are loose:
 * Shopify adds fields with every API version and we must not refuse a delivery for that. Money arrives as
 * decimal strings in the shop currency; ids as numbers (or strings in newer versions).
 */
const id = z.union([z.number(), z.string()]).transform(String);
const money = z.union([z.string(), z.number()]);
const nullableString = z.string().nullish();

export const shopifyTaxLine = z.looseObject({
  title: z.string().nullish(),
  price: money.nullish(),
  rate: z.number().nullish(),
});

export const shopifyAddress = z.looseObject({
  first_name: nullableString,
  last_name: nullableString,
  name: nullableString,
  company: nullableString,
  address1: nullableString,
  address2: nullableString,
  city: nullableString,
  province: nullableString,
  province_code: nullableString,
  zip: nullableString,
  country: nullableString,
  country_code: nullableString,
  phone: nullableString,
});

export const shopifyLineItem = z.looseObject({
  id,
  product_id: id.nullish(),
  variant_id: id.nullish(),
  sku: nullableString,
  title: z.string(),
  variant_title: nullableString,
  vendor: nullableString,
  quantity: z.number().int(),
  price: money,
  total_discount: money.nullish(),
  discount_allocations: z.array(z.looseObject({ amount: money })).nullish(),
  tax_lines: z.array(shopifyTaxLine).nullish(),
  properties: z.array(z.looseObject({ name: z.string(), value: z.unknown() })).nullish(),
  requires_shipping: z.boolean().nullish(),
});

export const shopifyFulfillment = z.looseObject({
  id,
  order_id: id,
  status: nullableString,
  shipment_status: nullableString,
  tracking_company: nullableString,
  tracking_number: nullableString,
  tracking_url: nullableString,
  service: nullableString,
  created_at: z.string(),
  updated_at: nullableString,
  line_items: z.array(z.looseObject({ id, quantity: z.number().int() })).default([]),
});

export const shopifyRefund = z.looseObject({
  id,
  order_id: id,
  created_at: z.string(),
  processed_at: nullableString,
  note: nullableString,
  refund_line_items: z.array(z.looseObject({ line_item_id: id, quantity: z.number().int() })).default([]),
  transactions: z
    .array(z.looseObject({ kind: nullableString, status: nullableString, amount: money }))
    .default([]),
});

export const shopifyOrder = z.looseObject({
  id,
  name: nullableString,
  order_number: z.union([z.number(), z.string()]).nullish(),
  email: nullableString,
  phone: nullableString,
  created_at: z.string(),
  processed_at: nullableString,
  updated_at: nullableString,
  cancelled_at: nullableString,
  cancel_reason: nullableString,
  currency: z.string().length(3),
  customer_locale: nullableString,
  source_name: nullableString,
  landing_site: nullableString,
  tags: nullableString,
  note: nullableString,
  financial_status: nullableString,
  taxes_included: z.boolean().nullish(),
  total_price: money,
  subtotal_price: money.nullish(),
  total_line_items_price: money.nullish(),
  total_tax: money.nullish(),
  total_discounts: money.nullish(),
  buyer_accepts_marketing: z.boolean().nullish(),
  line_items: z.array(shopifyLineItem).min(1),
  shipping_lines: z
    .array(
      z.looseObject({
        title: nullableString,
        code: nullableString,
        price: money,
        tax_lines: z.array(shopifyTaxLine).nullish(),
      }),
    )
    .default([]),
  discount_codes: z
    .array(z.looseObject({ code: z.string(), amount: money.nullish(), type: nullableString }))
    .default([]),
  tax_lines: z.array(shopifyTaxLine).default([]),
  customer: z
    .looseObject({
      id: id.nullish(),
      email: nullableString,
      phone: nullableString,
      first_name: nullableString,
      last_name: nullableString,
      accepts_marketing: z.boolean().nullish(),
      locale: nullableString,
    })
    .nullish(),
  shipping_address: shopifyAddress.nullish(),
  billing_address: shopifyAddress.nullish(),
  fulfillments: z.array(shopifyFulfillment).default([]),
  refunds: z.array(shopifyRefund).default([]),
});

export type ShopifyOrder = z.infer<typeof shopifyOrder>;
export type ShopifyFulfillment = z.infer<typeof shopifyFulfillment>;
export type ShopifyRefund = z.infer<typeof shopifyRefund>;
export type ShopifyAddress = z.infer<typeof shopifyAddress>;
