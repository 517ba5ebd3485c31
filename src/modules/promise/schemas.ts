import { z } from 'zod';
import { hhmmSchema } from './settings.ts';

// The country is checked by the use-case, not here, so that "Brazil" or "XX" get 422 unknown_country
// with a hint instead of a bare pattern mismatch.
const placeInput = z
  .object({
    country: z.string().trim().min(1).max(60).describe('ISO 3166-1 alpha-2 code: BR, SE, ES, US, ...'),
    regionCode: z
      .string()
      .trim()
      .max(20)
      .nullish()
      .describe('State or region, as ISO 3166-2 ("SP" or "BR-SP"): its holidays count.'),
    postalCode: z.string().trim().max(40).nullish(),
  })
  .strict();

export const promiseRequestSchema = z
  .object({
    origin: placeInput
      .optional()
      .describe(
        "Where the parcel leaves from; defaults to the shipping settings' origin, then the merchant address.",
      ),
    destination: placeInput,
    carrier: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Carrier slug or name, e.g. correios, postnord, ups.'),
    service: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Service level, e.g. SEDEX, PAC, Express.'),
    orderedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("When the order is (or was) placed; defaults to the order's time, else now."),
    processingDays: z.number().int().min(0).max(30).optional().describe('Overrides the shipping settings.'),
    cutoff: hhmmSchema
      .optional()
      .describe('HH:MM in the merchant time zone; overrides the shipping settings.'),
    orderId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "Store this promise for the order: a delivery promise record and the order's promised dates.",
      ),
  })
  .strict();
export type PromiseRequestBody = z.infer<typeof promiseRequestSchema>;

const isoDate = z.string().describe('YYYY-MM-DD');

export const promiseSchema = z.object({
  earliest: isoDate,
  likely: isoDate,
  latest: isoDate.describe('Few parcels (the target is at most 6%) arrive after this day.'),
  confidence: z.number().describe('0..1: more deliveries on the lane and a narrower window score higher.'),
  method: z
    .enum(['history', 'rules'])
    .describe('history: learned from your deliveries on the lane; rules: defaults.'),
  lane: z
    .string()
    .describe("origin > destination : carrier, e.g. 'BR-SP>BR-RJ:correios' ('*' = any carrier)."),
  sampleSize: z.number().int().describe('Your deliveries on this exact lane that the estimate used.'),
  promiseId: z.string().nullable().describe('The stored promise, when an order was named.'),
});
