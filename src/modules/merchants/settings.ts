import { z } from 'zod';

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
