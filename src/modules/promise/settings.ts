import { z } from 'zod';
import type { Weekday } from './calendar.ts';

export const hhmmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
const weekdaysSchema = z.array(z.number().int().min(1).max(7)).min(1).max(7);

export const placeSchema = z
  .object({
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code'),
    regionCode: z.string().trim().max(20).nullish(),
    postalCode: z.string().trim().max(40).nullish(),
  })
  .strict();

/**
 * How a merchant ships (merchants.settings.shipping), read through this schema, which fills the defaults:
 * orders placed before the cut-off (merchant time zone) count from that day, and leave the warehouse
 * `processingDays` working days later.
 */
export const shippingSettingsSchema = z.object({
  /** Working days from "order counted" to "handed to the carrier". 0 = ships the same day. */
  processingDays: z.number().int().min(0).max(30).default(1),
  /** Orders after this time (merchant time zone) count from the next working day. */
  cutoff: hhmmSchema.default('14:00'),
  /** The warehouse's working weekdays (1 = Monday ... 7 = Sunday); its region's holidays close it too. */
  workingDays: weekdaysSchema.default([1, 2, 3, 4, 5]),
  /** Where parcels leave from, when it is not the merchant's postal address. */
  origin: placeSchema.nullish(),
  /** Delivery weekdays per carrier slug, where the built-in table (rules.ts) is wrong for this merchant. */
  carrierDeliveryDays: z.record(z.string(), weekdaysSchema).default({}),
});
export type ShippingSettings = Omit<
  z.infer<typeof shippingSettingsSchema>,
  'workingDays' | 'carrierDeliveryDays'
> & {
  workingDays: Weekday[];
  carrierDeliveryDays: Record<string, Weekday[]>;
};

/** A merchant's shipping settings with defaults; settings that no longer parse are replaced by defaults. */
export function shippingSettings(settings: Record<string, unknown> | null | undefined): ShippingSettings {
  const parsed = shippingSettingsSchema.safeParse(
    (settings as { shipping?: unknown } | null)?.shipping ?? {},
  );
  return (parsed.success ? parsed.data : shippingSettingsSchema.parse({})) as ShippingSettings;
}
