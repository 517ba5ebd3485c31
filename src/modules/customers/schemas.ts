import { z } from 'zod';

export const customerSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  locale: z.string().nullable(),
  acceptsMarketing: z.boolean(),
  ordersCount: z.number(),
  firstOrderAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(),
  createdAt: z.string(),
  identities: z
    .array(z.object({ source: z.string(), externalId: z.string(), channel: z.string() }))
    .optional()
    .describe('The ids this customer has in each channel (only on GET by id).'),
});
export type CustomerView = z.infer<typeof customerSchema>;

export const customerListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    updatedSince: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
