import { z } from 'zod';
import { isSupportedLocale, isTimeZone, SUPPORTED_LOCALES } from '../../lib/i18n.ts';
import { isCurrency } from '../../lib/money.ts';
import { merchantSettingsSchema, settingsUpdateSchema } from './settings.ts';

export const localeSchema = z
  .string()
  .refine(isSupportedLocale, { message: `must be one of ${SUPPORTED_LOCALES.join(', ')}` })
  .describe('One of en, pt-BR, es, sv.');
export const currencySchema = z
  .string()
  .toUpperCase()
  .refine(isCurrency, { message: 'must be an ISO 4217 currency code such as BRL, SEK, EUR or USD' })
  .describe('ISO 4217 currency code.');
export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as America/Sao_Paulo' })
  .describe('IANA time zone.');
const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour');

export const postalAddressSchema = z
  .object({
    name: z.string().max(200).nullish(),
    company: z.string().max(200).nullish(),
    line1: z.string().max(300).nullish(),
    line2: z.string().max(300).nullish(),
    city: z.string().max(200).nullish(),
    region: z.string().max(200).nullish(),
    regionCode: z.string().max(20).nullish(),
    postalCode: z.string().max(40).nullish(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .nullish(),
    countryName: z.string().max(100).nullish(),
    phone: z.string().max(40).nullish(),
  })
  .strict();

export const brandSchema = z
  .object({
    logoUrl: z.url({ protocol: /^https?$/ }).nullish(),
    brandPrimary: colorSchema.optional(),
    brandAccent: colorSchema.optional(),
    supportEmail: z.email().nullish(),
    supportPhone: z.string().max(40).nullish(),
    senderName: z.string().max(100).nullish(),
    senderEmail: z.email().nullish(),
    postalAddress: postalAddressSchema.nullish(),
  })
  .strict();

export const merchantCreateSchema = brandSchema
  .extend({
    name: z.string().trim().min(1).max(120),
    locale: localeSchema,
    currency: currencySchema,
    timezone: timeZoneSchema,
  })
  .strict();
export type MerchantCreateInput = z.infer<typeof merchantCreateSchema>;

export const merchantUpdateSchema = brandSchema
  .extend({
    name: z.string().trim().min(1).max(120).optional(),
    locale: localeSchema.optional(),
    currency: currencySchema.optional(),
    timezone: timeZoneSchema.optional(),
    settings: settingsUpdateSchema
      .optional()
      .describe(
        'Messaging restraint (frequency cap, quiet and business hours, stale events, click/open tracking), tracking (watchlist thresholds, own tracking-page domains) and shipping (origin, processing days, cut-off, carrier delivery days for the delivery promise); give only what changes.',
      ),
  })
  .strict();
export type MerchantUpdateInput = z.infer<typeof merchantUpdateSchema>;

export const merchantSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  locale: z.string(),
  currency: z.string(),
  timezone: z.string(),
  logoUrl: z.string().nullable(),
  brandPrimary: z.string(),
  brandAccent: z.string(),
  supportEmail: z.string().nullable(),
  supportPhone: z.string().nullable(),
  senderName: z.string().nullable(),
  senderEmail: z.string().nullable(),
  postalAddress: postalAddressSchema.nullable(),
  integrations: z.array(z.object({ kind: z.string(), externalRef: z.string() })),
  settings: merchantSettingsSchema,
  createdAt: z.string(),
});
export type MerchantView = z.infer<typeof merchantSchema>;
