import { z } from 'zod';
import { INSPECTIONS, RESOLUTIONS, RETURN_STATUSES } from './status.ts';

export const returnRequestLineSchema = z
  .object({
    orderLineId: z.string().max(100),
    quantity: z.number().int().min(1).max(10_000),
    reason: z
      .string()
      .min(1)
      .max(60)
      .describe("A reason key from the merchant's policy, e.g. size_too_small."),
    subReason: z.string().max(60).optional(),
    comment: z.string().max(2000).optional(),
    exchangeVariantId: z.string().max(100).optional().describe('For exchanges: the variant wanted instead.'),
  })
  .strict();

export const returnCreateSchema = z
  .object({
    orderId: z.string().max(100),
    lines: z.array(returnRequestLineSchema).min(1).max(200),
    resolution: z.enum(RESOLUTIONS),
    comment: z.string().max(2000).optional(),
    requestKey: z
      .string()
      .max(200)
      .optional()
      .describe('Your id for this request: sending it again returns the return already made.'),
    photos: z
      .array(
        z
          .object({
            orderLineId: z
              .string()
              .max(100)
              .optional()
              .describe('The line it shows; leave out for the whole return.'),
            data: z.base64().max(7_000_000).describe('The image (JPEG, PNG or WebP, at most 5 MB), base64.'),
          })
          .strict(),
      )
      .max(6)
      .optional(),
  })
  .strict();
export type ReturnCreateInput = z.infer<typeof returnCreateSchema>;

/** Steps that need nothing but may carry a note for the audit trail; the body itself is optional. */
export const returnNoteSchema = z
  .object({ note: z.string().max(2000).optional() })
  .strict()
  .optional();
export const returnRejectSchema = z.object({ note: z.string().min(1).max(2000) }).strict();
export const returnLabelSchema = z
  .object({ carrier: z.string().min(1).max(100), trackingNumber: z.string().min(1).max(100) })
  .strict();
export const returnInspectSchema = z
  .object({
    lines: z
      .array(
        z
          .object({
            lineId: z.string().max(100),
            inspection: z.enum(INSPECTIONS),
            note: z.string().max(2000).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();

export const returnListQuerySchema = z
  .object({
    status: z
      .string()
      .optional()
      .describe('One status or several separated by commas, e.g. requested,needs_review.'),
    orderId: z.string().max(100).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const returnSchema = z.object({
  id: z.string(),
  number: z.string(),
  orderId: z.string(),
  customerId: z.string().nullable(),
  status: z.enum(RETURN_STATUSES),
  source: z.string(),
  resolution: z.enum(RESOLUTIONS),
  outcome: z.string().nullable(),
  currency: z.string(),
  valueMinor: z.number(),
  bonusMinor: z.number(),
  feeMinor: z.number(),
  shippingMinor: z.number(),
  refundedMinor: z.number(),
  creditedMinor: z.number(),
  isGift: z.boolean(),
  keepItem: z.boolean(),
  reviewReasons: z.array(z.string()),
  decision: z.record(z.string(), z.unknown()),
  comment: z.string().nullable(),
  returnCarrier: z.string().nullable(),
  returnTracking: z.string().nullable(),
  exchangeOrderId: z.string().nullable(),
  lines: z.array(
    z.object({
      id: z.string(),
      orderLineId: z.string(),
      quantity: z.number(),
      unitPriceMinor: z.number(),
      reason: z.string(),
      subReason: z.string().nullable(),
      comment: z.string().nullable(),
      exchangeVariantId: z.string().nullable(),
      inspection: z.string().nullable(),
    }),
  ),
  history: z
    .array(
      z.object({
        from: z.string().nullable(),
        to: z.string(),
        actor: z.string(),
        note: z.string().nullable(),
        at: z.string(),
      }),
    )
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReturnView = z.infer<typeof returnSchema>;
