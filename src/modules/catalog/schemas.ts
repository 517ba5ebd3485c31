import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });

export const variantInputSchema = z
  .object({
    externalId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Your id for the variant; defaults to the SKU.'),
    sku: z.string().min(1).max(200).optional(),
    title: z.string().max(300).optional(),
    size: z.string().max(50).optional(),
    color: z.string().max(50).optional(),
    attributes: z.record(z.string(), z.string().max(200)).optional(),
    price: z.number().int().min(0).optional().describe('Minor units in the merchant currency.'),
    imageUrl: httpUrl.optional(),
    inventory: z.number().int().optional(),
  })
  .strict();

export const productInputSchema = z
  .object({
    externalId: z.string().min(1).max(200).describe('Your id for the product; the upsert key.'),
    title: z.string().trim().min(1).max(300),
    brand: z.string().max(200).optional(),
    category: z.string().max(200).optional(),
    tags: z.array(z.string().max(100)).max(100).optional(),
    imageUrl: httpUrl.optional(),
    description: z.string().max(20_000).optional(),
    careTips: z.string().max(20_000).optional().describe('Care and usage tips sent after purchase.'),
    variants: z.array(variantInputSchema).max(500).default([]),
  })
  .strict();
export type ProductInput = z.infer<typeof productInputSchema>;

export const variantSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  sku: z.string().nullable(),
  title: z.string().nullable(),
  size: z.string().nullable(),
  color: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
  price: z.number().nullable(),
  imageUrl: z.string().nullable(),
  inventory: z.number().nullable(),
});

export const productSchema = z.object({
  id: z.string(),
  source: z.string(),
  externalId: z.string(),
  title: z.string(),
  brand: z.string().nullable(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  imageUrl: z.string().nullable(),
  description: z.string().nullable(),
  careTips: z.string().nullable(),
  variants: z.array(variantSchema),
  createdAt: z.string(),
});
export type ProductView = z.infer<typeof productSchema>;
