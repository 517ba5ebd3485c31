import { z } from 'zod';
import { RESOLUTIONS } from '../status.ts';

/**
 * A merchant's return policy as data (merchants.settings.returns). Read it through `returnPolicy()`, which
 * fills every default: an empty object is the policy of a typical fashion shop (30 days from delivery,
 * holiday extension, free exchanges and paid refunds, 10 % bonus on store credit, keep-it for cheap items).
 *
 * Money amounts are integer minor units per ISO currency (`{ EUR: 495, SEK: 5900 }`): a merchant selling
 * in several currencies prices each one, and an amount missing for the order's currency means "not set"
 * (no flat fee, free return shipping, no keep-it, no value review). Percentages apply in every currency.
 */

export const resolutionSchema = z.enum(RESOLUTIONS);
/** What a customer may pick. 'returnless' is not among them: only the keep-it rule offers it. */
export const choosableSchema = z.enum([
  'refund',
  'store_credit',
  'exchange_variant',
  'exchange_product',
  'gift_voucher',
  'instant_exchange',
]);

export const currencyAmountsSchema = z.record(
  z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'),
  z.number().int().min(0),
);
const monthDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD');
const windowDaysSchema = z.number().int().min(0).max(730);
const weekdaysSchema = z.array(z.number().int().min(1).max(7)).min(1).max(7);

/** A restocking fee: a share of the line's price, or a flat amount per unit returned. */
export const feeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), percent: z.number().min(0).max(100) }),
  z.object({ kind: z.literal('flat'), perUnitMinor: currencyAmountsSchema }),
]);
export type Fee = z.infer<typeof feeSchema>;

const subReasonSchema = z.object({
  code: z.string().min(1).max(60),
  // A sub-reason can only add requirements to its reason, never lift them.
  requiresPhotos: z.boolean().default(false),
  requiresComment: z.boolean().default(false),
});

export const reasonSchema = z.object({
  /** Stable code; the portal shows `returns.reason.<code>` or `labels[locale]` for a merchant's own reason. */
  code: z.string().min(1).max(60),
  labels: z.record(z.string(), z.string().max(120)).default({}),
  subReasons: z.array(subReasonSchema).default([]),
  requiresPhotos: z.boolean().default(false),
  requiresComment: z.boolean().default(false),
  /** Always parked for a person (someone looks at the photos before money moves). */
  review: z.boolean().default(false),
  /** The shop's mistake: no restocking fee and free return shipping, whatever the resolution. */
  merchantFault: z.boolean().default(false),
});
export type ReturnReason = z.infer<typeof reasonSchema>;

const DEFAULT_REASONS: z.input<typeof reasonSchema>[] = [
  {
    code: 'fit',
    subReasons: [{ code: 'too_small' }, { code: 'too_large' }, { code: 'too_short' }, { code: 'too_long' }],
  },
  { code: 'style', subReasons: [{ code: 'colour' }, { code: 'looks_different' }, { code: 'fabric' }] },
  { code: 'changed_mind' },
  { code: 'quality', requiresComment: true },
  { code: 'damaged', requiresPhotos: true, review: true, merchantFault: true },
  { code: 'wrong_item', requiresPhotos: true, merchantFault: true },
  { code: 'arrived_late' },
  { code: 'other', requiresComment: true },
];

export const holidayPeriodSchema = z.object({
  id: z.string().min(1).max(60),
  /** Local delivery dates, inclusive; a range may wrap the new year ('12-15' to '01-05'). */
  deliveredFrom: monthDaySchema,
  deliveredTo: monthDaySchema,
  /** Returnable until the first such date on or after delivery: '01-31' after a December delivery is next year's. */
  returnableUntil: monthDaySchema,
});
export type HolidayPeriod = z.infer<typeof holidayPeriodSchema>;

export const returnPolicySchema = z.object({
  window: z
    .object({
      /** Days from delivery (from fulfilment when there is no delivery scan); the last day is inclusive. */
      days: windowDaysSchema.default(30),
      dayKind: z.enum(['calendar', 'business']).default('calendar'),
      /**
       * Whose closed days count when `dayKind` is 'business'. Country null: the order's shipping country,
       * because the customer's post office being shut is what stops a parcel from going back.
       */
      businessCalendar: z
        .object({
          country: z
            .string()
            .regex(/^[A-Z]{2}$/)
            .nullable()
            .default(null),
          regionCode: z.string().max(20).nullable().default(null),
          weekdays: weekdaysSchema.default([1, 2, 3, 4, 5]),
        })
        .prefault({}),
      /**
       * Windows for some items. Most specific wins: sku > product > tag > category > default. Tags and
       * categories match case-insensitively; when several tags match, the longest window wins.
       */
      overrides: z
        .object({
          category: z.record(z.string(), windowDaysSchema).default({}),
          tag: z.record(z.string(), windowDaysSchema).default({}),
          product: z.record(z.string(), windowDaysSchema).default({}),
          sku: z.record(z.string(), windowDaysSchema).default({}),
        })
        .prefault({}),
      /** Deliveries in a period stay returnable until a fixed date, when that is later than the window. */
      holidayPeriods: z
        .array(holidayPeriodSchema)
        .default([
          { id: 'holidays', deliveredFrom: '11-15', deliveredTo: '12-31', returnableUntil: '01-31' },
        ]),
    })
    .prefault({}),
  /** Never returnable (hygiene, gift cards, clearance). Matched like overrides; a line's own flag also counts. */
  finalSale: z
    .object({
      tags: z.array(z.string()).default(['final-sale', 'non-returnable', 'no-returns', 'hygiene']),
      categories: z.array(z.string()).default(['gift cards', 'underwear', 'pierced jewellery']),
      productIds: z.array(z.string()).default([]),
      skus: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** The state items must come back in, per locale; shown on the portal and the packing slip. */
  conditions: z.record(z.string(), z.string().max(1000)).default({
    en: 'Unworn, unwashed and with the original tags attached.',
    'pt-BR': 'Sem uso, sem lavagem e com as etiquetas originais.',
    es: 'Sin usar, sin lavar y con las etiquetas originales.',
    sv: 'Oanvänd, otvättad och med originaletiketterna kvar.',
  }),
  /** Restocking fee per resolution; none by default (fashion shops rarely charge one). */
  restockingFees: z.partialRecord(resolutionSchema, feeSchema).default({}),
  returnShipping: z
    .object({
      /** Resolutions for which the customer pays the label, deducted from what they get back. */
      customerPaysFor: z.array(resolutionSchema).default(['refund']),
      customerCostMinor: currencyAmountsSchema.default({
        EUR: 495,
        USD: 695,
        GBP: 395,
        SEK: 5900,
        BRL: 1990,
      }),
    })
    .prefault({}),
  /**
   * Gift orders: the recipient gets credit or an exchange, never a refund to the buyer (which would tell
   * the buyer what came back and hand the money to the wrong person).
   */
  gift: z
    .object({
      enabled: z.boolean().default(true),
      /** Replaces `resolutions.offered` for gift orders; 'refund' is dropped even if listed. */
      resolutions: z
        .array(choosableSchema)
        .default(['store_credit', 'gift_voucher', 'exchange_variant', 'exchange_product']),
    })
    .prefault({}),
  /** More than `maxReturns` returns in `periodDays` (this one included) goes to a person. */
  abuse: z
    .object({
      enabled: z.boolean().default(true),
      maxReturns: z.number().int().min(0).default(5),
      periodDays: z.number().int().min(1).max(3650).default(365),
    })
    .prefault({}),
  /** Keep it: when sending the items back costs more than they are worth, offer returnless instead. */
  keepIt: z
    .object({
      enabled: z.boolean().default(true),
      /** What one return parcel costs the shop (label plus handling), per currency. */
      returnCostMinor: currencyAmountsSchema.default({ EUR: 800, USD: 900, GBP: 700, SEK: 9000, BRL: 2500 }),
      paidAs: z.enum(['refund', 'store_credit']).default('refund'),
    })
    .prefault({}),
  review: z
    .object({
      /** Returns worth more than this (eligible lines, order currency) are checked by a person. */
      valueAboveMinor: currencyAmountsSchema.default({
        EUR: 30000,
        USD: 30000,
        GBP: 25000,
        SEK: 300000,
        BRL: 150000,
      }),
      onMissingPhotos: z.enum(['needs_review', 'rejected']).default('needs_review'),
      onMissingComment: z.enum(['needs_review', 'rejected']).default('rejected'),
    })
    .prefault({}),
  // prefault, not default: zod fills each reason's own defaults only in values it parses.
  reasons: z.array(reasonSchema).min(1).prefault(DEFAULT_REASONS),
  /** Extra value for choosing credit over a refund; rounded down. */
  bonus: z
    .object({
      kind: z.enum(['none', 'percent', 'flat']).default('percent'),
      percent: z.number().min(0).max(100).default(10),
      flatMinor: currencyAmountsSchema.default({}),
      appliesTo: z.array(resolutionSchema).default(['store_credit', 'exchange_product']),
    })
    .prefault({}),
  resolutions: z
    .object({
      offered: z
        .array(choosableSchema)
        .min(1)
        .default(['refund', 'store_credit', 'exchange_variant', 'exchange_product', 'instant_exchange']),
      /**
       * Instant exchange: the new item ships before the return arrives, secured on the customer's card.
       * 'hold' authorises (the full value, or a nominal amount) and charges the full value if the carrier
       * has not scanned the return within `returnWithinDays`; 'charge' charges now and refunds on the scan.
       * 7 days by default because card authorisations commonly lapse after about a week.
       */
      instantExchange: z
        .object({
          mode: z.enum(['hold', 'charge']).default('hold'),
          holdAmount: z.enum(['full', 'nominal']).default('full'),
          nominalHoldMinor: currencyAmountsSchema.default({
            EUR: 100,
            USD: 100,
            GBP: 100,
            SEK: 1000,
            BRL: 500,
          }),
          returnWithinDays: z.number().int().min(1).max(60).default(7),
        })
        .prefault({}),
    })
    .prefault({}),
});

export type ReturnPolicy = z.infer<typeof returnPolicySchema>;
export type ReturnPolicyInput = z.input<typeof returnPolicySchema>;

export const DEFAULT_RETURN_POLICY: ReturnPolicy = returnPolicySchema.parse({});

/** A merchant's return policy with defaults; settings that no longer parse are replaced by the defaults. */
export function returnPolicy(settings: Record<string, unknown> | null | undefined): ReturnPolicy {
  const parsed = returnPolicySchema.safeParse((settings as { returns?: unknown } | null)?.returns ?? {});
  return parsed.success ? parsed.data : DEFAULT_RETURN_POLICY;
}

/** The conditions text in a locale, falling back to the language, then English, then any. */
export function conditionsText(policy: ReturnPolicy, locale: string): string | null {
  const c = policy.conditions;
  const language = locale.split('-')[0]!;
  for (const key of [locale, language, 'en']) if (Object.hasOwn(c, key)) return c[key]!;
  return Object.values(c)[0] ?? null;
}
