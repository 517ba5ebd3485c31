import { z } from 'zod';
// From the file, not the promise module's index: the index loads promise-for.ts, which imports merchants
// (findMerchant), a cycle; promise/settings.ts is plain zod and imports nothing from merchants.
import { type ShippingSettings, shippingSettings, shippingSettingsSchema } from '../promise/settings.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/**
 * How a merchant's messages behave, stored in merchants.settings and read through this schema, which fills
 * the defaults (so a merchant who never touched them gets sensible restraint).
 */
export const messagingSettingsSchema = z.object({
  /** At most `max` marketing messages per customer in `days`, across every journey. */
  frequencyCap: z
    .object({ max: z.number().int().min(0).max(100), days: z.number().int().min(1).max(90) })
    .default({ max: 3, days: 7 }),
  /** No marketing email, and no SMS or WhatsApp at all, in these hours of the recipient's time zone. */
  quietHours: z.object({ start: hhmm, end: hhmm }).default({ start: '21:00', end: '08:00' }),
  businessHours: z
    .object({ start: hhmm, end: hhmm, days: z.array(z.number().int().min(1).max(7)).min(1) })
    .default({ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] }),
  /** News older than this is not sent (a delayed "shipped" three days later helps nobody). */
  staleEventHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(48),
  clickTracking: z.boolean().default(true),
  openTracking: z.boolean().default(false),
});
export type MessagingSettings = z.infer<typeof messagingSettingsSchema>;

export function messagingSettings(settings: Record<string, unknown> | null | undefined): MessagingSettings {
  const parsed = messagingSettingsSchema.safeParse(
    (settings as { messaging?: unknown } | null)?.messaging ?? {},
  );
  return parsed.success ? parsed.data : messagingSettingsSchema.parse({});
}

/**
 * When the tracking watchlist worries about a parcel (merchants.settings.tracking). The watchlist's SQL
 * reads the same keys with the same defaults (tracking/watchlist.ts).
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
  /**
   * The merchant's own host names for the tracking page (e.g. track.example-shop.com, CNAMEd here): a
   * /track request on one of them is for this store.
   */
  domains: z
    .array(
      z
        .string()
        .toLowerCase()
        .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a host name'),
    )
    .max(20)
    .default([]),
});
export type TrackingSettings = z.infer<typeof trackingSettingsSchema>;

export function trackingSettings(settings: Record<string, unknown> | null | undefined): TrackingSettings {
  const parsed = trackingSettingsSchema.safeParse(
    (settings as { tracking?: unknown } | null)?.tracking ?? {},
  );
  return parsed.success ? parsed.data : trackingSettingsSchema.parse({});
}

/**
 * A section's schema for changes: every key optional and WITHOUT its default, so a change that names one
 * key does not write the defaults of the others over what the merchant chose before.
 */
function changesTo<T extends Record<string, unknown>>(schema: z.ZodObject): z.ZodType<Partial<T>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
    ]),
  );
  return z.object(shape).strict() as unknown as z.ZodType<Partial<T>>;
}

/** The settings a merchant can change through PATCH /api/v1/merchant: any subset of each section. */
export const settingsUpdateSchema = z
  .object({
    messaging: changesTo<MessagingSettings>(messagingSettingsSchema).optional(),
    tracking: changesTo<TrackingSettings>(trackingSettingsSchema).optional(),
    /** A section replaces keys whole: carrierDeliveryDays is given as the full map of overrides. */
    shipping: changesTo<ShippingSettings>(shippingSettingsSchema).optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

/** Every section with its defaults filled in, for the merchant view (GET and PATCH /api/v1/merchant). */
export const merchantSettingsSchema = z.object({
  messaging: messagingSettingsSchema,
  tracking: trackingSettingsSchema,
  shipping: shippingSettingsSchema,
});

export function merchantSettingsView(
  settings: Record<string, unknown> | null | undefined,
): z.infer<typeof merchantSettingsSchema> {
  return {
    messaging: messagingSettings(settings),
    tracking: trackingSettings(settings),
    shipping: shippingSettings(settings),
  };
}

/** Merges a change into stored settings section by section; keys left out keep their value. */
export function mergeSettings(
  stored: Record<string, unknown> | null,
  change: SettingsUpdate,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(stored ?? {}) };
  for (const [section, values] of Object.entries(change)) {
    if (values)
      out[section] = { ...((out[section] as Record<string, unknown> | undefined) ?? {}), ...values };
  }
  return out;
}
