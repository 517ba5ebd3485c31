import { z } from 'zod';

/** The parts of a WooCommerce REST v3 order (what order.created / order.updated webhooks POST) we read. */
const id = z.union([z.number(), z.string()]).transform(String);
const money = z.union([z.string(), z.number()]);
const str = z.string().nullish();

// Only line-item meta carries display_key/display_value; order-level meta is just {id, key, value}. A bare
// z.unknown() key is required in zod 4, so display_value must be marked optional explicitly.
const meta = z
  .array(
    z.looseObject({
      key: z.string(),
      value: z.unknown(),
      display_key: str,
      display_value: z.unknown().optional(),
    }),
  )
  .default([]);

export const wooAddress = z.looseObject({
  first_name: str,
  last_name: str,
  company: str,
  address_1: str,
  address_2: str,
  city: str,
  state: str,
  postcode: str,
  country: str,
  email: str,
  phone: str,
});

export const wooOrder = z.looseObject({
  id,
  number: z.union([z.string(), z.number()]).transform(String).nullish(),
  status: z.string(),
  currency: z.string().length(3),
  date_created_gmt: z.string(),
  date_modified_gmt: str,
  date_paid_gmt: str,
  prices_include_tax: z.boolean().nullish(),
  discount_total: money.nullish(),
  shipping_total: money.nullish(),
  shipping_tax: money.nullish(),
  total: money,
  total_tax: money.nullish(),
  customer_id: z.union([z.number(), z.string()]).nullish(),
  customer_note: str,
  billing: wooAddress.nullish(),
  shipping: wooAddress.nullish(),
  meta_data: meta,
  line_items: z
    .array(
      z.looseObject({
        id,
        name: z.string(),
        product_id: z.union([z.number(), z.string()]).nullish(),
        variation_id: z.union([z.number(), z.string()]).nullish(),
        quantity: z.number().int(),
        subtotal: money,
        total: money,
        total_tax: money.nullish(),
        taxes: z.array(z.looseObject({ total: money.nullish() })).default([]),
        sku: str,
        meta_data: meta,
        image: z.looseObject({ src: str }).nullish(),
      }),
    )
    .min(1),
  tax_lines: z
    .array(
      z.looseObject({
        label: str,
        rate_percent: z.number().nullish(),
        tax_total: money.nullish(),
        shipping_tax_total: money.nullish(),
      }),
    )
    .default([]),
  shipping_lines: z
    .array(z.looseObject({ method_title: str, method_id: str, total: money, total_tax: money.nullish() }))
    .default([]),
  coupon_lines: z.array(z.looseObject({ code: z.string(), discount: money.nullish() })).default([]),
  refunds: z.array(z.looseObject({ id, reason: str, total: money })).default([]),
});

export type WooOrder = z.infer<typeof wooOrder>;
export type WooAddress = z.infer<typeof wooAddress>;
