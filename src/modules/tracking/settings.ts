import { z } from 'zod';

/**
 * When the watchlist worries about a parcel, stored in merchants.settings.tracking and read through this
 * schema, which fills the defaults. The same defaults are spelled out in watchlist.ts's SQL.
 */
export const trackingSettingsSchema = z.object({
  /** No scan for this many days means the parcel is stalled (domestic / international). */
  stalledDaysDomestic: z.number().int().min(1).max(60).default(7),
  stalledDaysInternational: z.number().int().min(1).max(90).default(20),
  /** A parcel not delivered this many hours after the end of the latest promised day is late. */
  lateHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 14)
    .default(48),
});
export type TrackingSettings = z.infer<typeof trackingSettingsSchema>;
