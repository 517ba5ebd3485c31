import { z } from 'zod';
import { currencySchema, localeSchema, postalAddressSchema } from '../merchants/schemas.ts';
import { ORDER_STATUSES, PAYMENT_STATUSES } from './status.ts';

const minor = z.number().int().describe('Minor units (cents, öre, centavos) of the order currency.');
const nonNegativeMinor = minor.min(0);
const isoDate = z.iso.date();
export const CHANNELS = ['web', 'store', 'marketplace', 'app', 'phone', 'social', 'other'] as const;

export const customerInputSchema = z
  .object({
    externalId: z.string().min(1).max(200).optional().describe("The channel's own id for this customer."),
    email: z.email().optional(),
    phone: z.string().max(40).optional(),
    firstName: z.string().max(200).optional(),
    lastName: z.string().max(200).optional(),
    locale: localeSchema.optional(),
    acceptsMarketing: z.boolean().optional(),
  })
  .strict();

export const lineInputSchema = z
  .object({
    externalId: z.string().min(1).max(200).optional(),
    productExternalId: z.string().min(1).max(200).optional(),
    variantExternalId: z.string().min(1).max(200).optional(),
    sku: z.string().min(1).max(200).optional(),
    title: z.string().trim().min(1).max(500),
    variantTitle: z.string().max(500).optional(),
    brand: z.string().max(200).optional(),
    size: z.string().max(50).optional(),
    color: z.string().max(50).optional(),
    properties: z
      .array(z.object({ name: z.string().min(1).max(200), value: z.string().max(2000) }).strict())
      .max(50)
      .optional()
      .describe('Modifications: engraving, gift wrap, custom text.'),
    quantity: z.number().int().min(1).max(100_000),
    unitPrice: nonNegativeMinor,
    discount: nonNegativeMinor.optional(),
    tax: nonNegativeMinor.optional(),
    requiresShipping: z.boolean().optional(),
    imageUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

export const promisedDeliverySchema = z
  .object({ earliest: isoDate, latest: isoDate })
  .strict()
  .refine((p) => p.earliest <= p.latest, { message: 'earliest must not be after latest' })
  .describe('The delivery window promised at checkout (calendar dates).');

export const orderCreateSchema = z
  .object({
    number: z.string().trim().min(1).max(100).describe('The order number the customer sees, e.g. #1001.'),
    externalId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Your id for the order; defaults to the number.'),
    placedAt: z.iso.datetime({ offset: true }).optional(),
    currency: currencySchema,
    locale: localeSchema.optional(),
    channel: z.enum(CHANNELS).default('web'),
    campaignTags: z.array(z.string().min(1).max(100)).max(50).default([]),
    tags: z.array(z.string().min(1).max(100)).max(100).default([]),
    customer: customerInputSchema.optional(),
    lines: z.array(lineInputSchema).min(1).max(1000),
    shipping: z
      .object({
        method: z.string().max(200).optional(),
        price: nonNegativeMinor,
        tax: nonNegativeMinor.optional(),
      })
      .strict()
      .optional(),
    discounts: z
      .array(z.object({ code: z.string().min(1).max(100), amount: nonNegativeMinor }).strict())
      .max(20)
      .default([]),
    taxesIncluded: z.boolean().default(false),
    total: minor
      .optional()
      .describe('If given, must equal the total computed from the lines, or the order is refused.'),
    shippingAddress: postalAddressSchema.optional(),
    billingAddress: postalAddressSchema.optional(),
    promisedDelivery: promisedDeliverySchema.optional(),
    paymentStatus: z.enum(['pending', 'authorized', 'paid']).default('pending'),
    note: z.string().max(5000).optional(),
  })
  .strict();
export type OrderCreateInput = z.infer<typeof orderCreateSchema>;

export const orderUpdateSchema = z
  .object({
    email: z.email().nullable().optional(),
    phone: z.string().max(40).nullable().optional(),
    locale: localeSchema.optional(),
    tags: z.array(z.string().min(1).max(100)).max(100).optional(),
    campaignTags: z.array(z.string().min(1).max(100)).max(50).optional(),
    note: z.string().max(5000).nullable().optional(),
    shippingMethod: z.string().max(200).nullable().optional(),
    shippingAddress: postalAddressSchema.nullable().optional(),
    billingAddress: postalAddressSchema.nullable().optional(),
    promisedDelivery: promisedDeliverySchema.nullable().optional(),
  })
  .strict();
export type OrderUpdateInput = z.infer<typeof orderUpdateSchema>;

export const refundCreateSchema = z
  .object({
    amount: z.number().int().min(1).describe('Minor units to refund.'),
    reason: z.string().max(500).optional(),
    externalId: z.string().min(1).max(200).optional(),
    lines: z
      .array(z.object({ lineId: z.string(), quantity: z.number().int().min(1) }).strict())
      .max(1000)
      .default([]),
  })
  .strict();

const moneyView = z.object({
  subtotal: z.number(),
  discount: z.number(),
  tax: z.number(),
  shipping: z.number(),
  total: z.number(),
  refunded: z.number(),
  currency: z.string(),
});

export const orderLineSchema = z.object({
  id: z.string(),
  position: z.number(),
  externalId: z.string().nullable(),
  productId: z.string().nullable(),
  variantId: z.string().nullable(),
  sku: z.string().nullable(),
  title: z.string(),
  variantTitle: z.string().nullable(),
  brand: z.string().nullable(),
  size: z.string().nullable(),
  color: z.string().nullable(),
  properties: z.array(z.object({ name: z.string(), value: z.string() })),
  quantity: z.number(),
  unitPrice: z.number(),
  discount: z.number(),
  tax: z.number(),
  requiresShipping: z.boolean(),
  imageUrl: z.string().nullable(),
});

export const orderSchema = z.object({
  id: z.string(),
  number: z.string(),
  source: z.string(),
  externalId: z.string(),
  status: z.enum(ORDER_STATUSES as [string, ...string[]]),
  paymentStatus: z.enum(PAYMENT_STATUSES as [string, ...string[]]),
  customerId: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  locale: z.string(),
  channel: z.string(),
  campaignTags: z.array(z.string()),
  tags: z.array(z.string()),
  shippingMethod: z.string().nullable(),
  taxesIncluded: z.boolean(),
  totals: moneyView,
  discountCodes: z.array(z.object({ code: z.string(), amount: z.number() })),
  shippingAddress: z.record(z.string(), z.unknown()).nullable(),
  billingAddress: z.record(z.string(), z.unknown()).nullable(),
  promisedDelivery: z.object({ earliest: z.string(), latest: z.string() }).nullable(),
  note: z.string().nullable(),
  placedAt: z.string(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lines: z.array(orderLineSchema),
});
export type OrderView = z.infer<typeof orderSchema>;

export const orderListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().optional(),
    status: z.enum(ORDER_STATUSES as [string, ...string[]]).optional(),
    paymentStatus: z.enum(PAYMENT_STATUSES as [string, ...string[]]).optional(),
    customerId: z.string().optional(),
    email: z.string().optional(),
    channel: z.string().optional(),
    campaignTag: z.string().optional(),
    number: z.string().optional(),
    placedFrom: z.iso.datetime({ offset: true }).optional(),
    placedTo: z.iso.datetime({ offset: true }).optional(),
    updatedSince: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
