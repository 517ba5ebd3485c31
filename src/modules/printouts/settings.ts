import { z } from 'zod';
import { type Locale, SUPPORTED_LOCALES } from '../../lib/i18n.ts';
import { SPECIAL_MARKS } from './views.ts';

/** An image given inline, so rendering never fetches a URL a merchant typed in (SSRF). About 2 MB at most. */
const imageDataUrl = z
  .string()
  .max(2_800_000)
  .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=\s]+$/, 'must be a data:image/png or image/jpeg URL');

const localeTexts = z.partialRecord(z.enum(SUPPORTED_LOCALES), z.string().trim().max(4000));

/**
 * How a merchant's printouts look (merchants.settings.printouts): who packs, which product or order tags
 * mean special handling, the refund and return policy per locale, and where the returns QR code points.
 */
export const printoutSettingsSchema = z.object({
  packers: z
    .array(
      z.object({
        id: z.string().trim().min(1).max(100),
        name: z.string().trim().min(1).max(200),
        story: z.string().trim().max(1000).optional(),
        note: z.string().trim().max(1000).optional(),
        /** Only data: URLs are drawn; anything else is skipped. */
        photoUrl: z.string().max(2_800_000).optional(),
      }),
    )
    .max(200)
    .default([]),
  /** Product or order tag (case-insensitive) -> the mark it prints. */
  specialHandling: z
    .record(z.string().trim().min(1).max(100), z.enum(SPECIAL_MARKS))
    .default({ fragile: 'fragile', perishable: 'perishable', oversized: 'oversized', insured: 'insured' }),
  returnPolicy: localeTexts.default({}),
  /** Where the returns QR code points; `{number}` is replaced by the order number. Default: the tracking page. */
  returnsPortalUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  /** A logo for printouts, when the merchant's logo_url is not a data: URL. */
  logoDataUrl: imageDataUrl.optional(),
});
export type PrintoutSettings = z.infer<typeof printoutSettingsSchema>;

/** The printout settings with defaults filled; unreadable settings fall back to the defaults. */
export function printoutSettings(settings: Record<string, unknown> | null | undefined): PrintoutSettings {
  const parsed = printoutSettingsSchema.safeParse(
    (settings as { printouts?: unknown } | null)?.printouts ?? {},
  );
  return parsed.success ? parsed.data : printoutSettingsSchema.parse({});
}

/**
 * The bytes of a PNG or JPEG given as a data: URL, checked by signature; undefined for anything else
 * (http URLs included: printouts never fetch).
 */
export function imageFromDataUrl(url: string | null | undefined): Buffer | undefined {
  if (!url) return undefined;
  const match = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)$/.exec(url);
  if (!match) return undefined;
  const bytes = Buffer.from(match[2]!, 'base64');
  const png = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  return png || jpeg ? bytes : undefined;
}

/** The policy text for a locale, falling back to English, then to any locale the merchant wrote. */
export function policyFor(policy: PrintoutSettings['returnPolicy'], locale: Locale): string | undefined {
  return policy[locale] || policy.en || Object.values(policy).find((t) => t);
}
