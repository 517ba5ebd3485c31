import { z } from 'zod';
import type { DbOrTx } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { now } from '../../lib/clock.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { findMerchant } from '../merchants/index.ts';
import {
  type AnalyticsWindow,
  analyticsWindow,
  categoryReturnRates,
  outcomeTotals,
  productReturnRates,
  reasonCounts,
  statusCounts,
} from './analytics.ts';
import { OUTCOMES, RETURN_STATUSES } from './status.ts';

const MAX_DAYS = 731;

export const returnAnalyticsQuerySchema = z
  .object({
    from: z.iso
      .date()
      .optional()
      .describe("First day, in the merchant's time zone (default: 89 days before `to`)."),
    to: z.iso
      .date()
      .optional()
      .describe("Last day, inclusive, in the merchant's time zone (default: today)."),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('How many products to list.'),
  })
  .strict();

const rate = z.number().min(0).describe('Returned units / units sold, 4 decimals.');
const units = { unitsSold: z.number().int(), unitsReturned: z.number().int(), returnRate: rate };

export const returnAnalyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  sold: z.object({ orders: z.number().int(), ...units, returns: z.number().int() }),
  byProduct: z.array(
    z.object({
      productId: z.string().nullable(),
      title: z.string(),
      skus: z.array(z.string()),
      category: z.string().nullable(),
      ...units,
    }),
  ),
  byCategory: z.array(z.object({ category: z.string().nullable(), ...units })),
  byReason: z.array(
    z.object({
      reason: z.string(),
      returns: z.number().int(),
      unitsReturned: z.number().int(),
      share: z.number().describe('Of all returned units.'),
      returnRate: rate,
    }),
  ),
  byStatus: z.record(z.enum(RETURN_STATUSES), z.number().int()),
  outcomes: z.object({
    resolved: z.number().int(),
    byOutcome: z.array(z.object({ outcome: z.enum(OUTCOMES), returns: z.number().int(), share: z.number() })),
  }),
  revenue: z.array(
    z.object({
      currency: z.string(),
      refundedMinor: z.number().int().describe('Value of the returns resolved as a refund.'),
      creditedMinor: z.number().int().describe('Value of the returns resolved as store credit or a voucher.'),
      exchangedMinor: z.number().int().describe('Value of the returns resolved as an exchange.'),
      keptMinor: z.number().int().describe('Credited + exchanged: revenue that stayed with the shop.'),
      keptShare: z.number().describe('keptMinor / (keptMinor + refundedMinor).'),
      moneyRefundedMinor: z
        .number()
        .int()
        .describe('Money actually paid back, after fees and return shipping.'),
      creditIssuedMinor: z.number().int().describe('Credit actually issued, bonus included.'),
    }),
  ),
});
export type ReturnAnalytics = z.infer<typeof returnAnalyticsSchema>;

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** The return analytics of one merchant over local days [from, to]; see analytics.ts for what counts. */
export async function returnAnalytics(opts: {
  db: DbOrTx;
  merchantId: string;
  from?: string;
  to?: string;
  limit: number;
  now: Date;
}): Promise<ReturnAnalytics> {
  const { db, merchantId } = opts;
  const merchant = await findMerchant(db, merchantId);
  if (!merchant) throw new NotFoundError('Merchant');
  const window = analyticsWindow({
    from: opts.from,
    to: opts.to,
    timeZone: merchant.timezone,
    now: opts.now,
  });
  if (window.start >= window.end) throw new ValidationError('`from` must be on or before `to`.');
  if (window.end.getTime() - window.start.getTime() > MAX_DAYS * 86_400_000 + 3_600_000)
    throw new ValidationError(`The window may span at most ${MAX_DAYS} days.`);
  const w: AnalyticsWindow = { merchantId, start: window.start, end: window.end };
  const [products, categories, reasons, byStatus, outcomes] = await Promise.all([
    productReturnRates(db, w, opts.limit),
    categoryReturnRates(db, w),
    reasonCounts(db, w),
    statusCounts(db, w),
    outcomeTotals(db, w),
  ]);

  const total = categories.find((c) => c.is_total);
  const unitsSold = total?.units_sold ?? 0;
  const returned = reasons.find((r) => r.is_total);
  const unitsReturned = returned?.units_returned ?? 0;
  const resolved = outcomes.reduce((n, o) => n + o.returns, 0);
  const currencies = [...new Set(outcomes.map((o) => o.currency))].sort();

  return {
    from: window.from,
    to: window.to,
    timeZone: merchant.timezone,
    sold: {
      orders: total?.orders ?? 0,
      unitsSold,
      unitsReturned,
      returnRate: ratio(unitsReturned, unitsSold),
      returns: returned?.returns ?? 0,
    },
    byProduct: products.map((p) => ({
      productId: p.product_id,
      title: p.title,
      skus: p.skus,
      category: p.category,
      unitsSold: p.units_sold,
      unitsReturned: p.units_returned,
      returnRate: ratio(p.units_returned, p.units_sold),
    })),
    byCategory: categories
      .filter((c) => !c.is_total)
      .map((c) => ({
        category: c.category,
        unitsSold: c.units_sold,
        unitsReturned: c.units_returned,
        returnRate: ratio(c.units_returned, c.units_sold),
      })),
    byReason: reasons
      .filter((r) => !r.is_total)
      .map((r) => ({
        reason: r.reason ?? '',
        returns: r.returns,
        unitsReturned: r.units_returned,
        share: ratio(r.units_returned, unitsReturned),
        returnRate: ratio(r.units_returned, unitsSold),
      })),
    byStatus,
    outcomes: {
      resolved,
      byOutcome: OUTCOMES.map((outcome) => {
        const n = outcomes.filter((o) => o.outcome === outcome).reduce((sum, o) => sum + o.returns, 0);
        return { outcome, returns: n, share: ratio(n, resolved) };
      }),
    },
    revenue: currencies.map((currency) => {
      const of = (outcome: string) =>
        outcomes.filter((o) => o.currency === currency && (outcome === '*' || o.outcome === outcome));
      const value = (outcome: string) => of(outcome).reduce((sum, o) => sum + o.value_minor, 0);
      const [refundedMinor, creditedMinor, exchangedMinor] = OUTCOMES.map(value) as [number, number, number];
      const keptMinor = creditedMinor + exchangedMinor;
      return {
        currency,
        refundedMinor,
        creditedMinor,
        exchangedMinor,
        keptMinor,
        keptShare: ratio(keptMinor, keptMinor + refundedMinor),
        moneyRefundedMinor: of('*').reduce((sum, o) => sum + o.refunded_minor, 0),
        creditIssuedMinor: of('*').reduce((sum, o) => sum + o.credited_minor, 0),
      };
    }),
  };
}

/** GET /api/v1/analytics/returns: return rates, reasons, statuses, outcomes and the revenue kept. */
export function returnAnalyticsRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/analytics/returns',
      operationId: 'getReturnAnalytics',
      summary: 'Return rates by product, category and reason; returns by status; outcomes and revenue kept',
      description:
        "Days are the merchant's local days; the default window is the last 90 days. Rates follow the orders " +
        'placed in the window (units sold on them, and the units of them in any return not rejected or ' +
        'cancelled); `byStatus` counts returns created in the window; `outcomes` and `revenue` the returns ' +
        'resolved in it, in minor units per currency. 400 when `from` is after `to` or the window is over ' +
        `${MAX_DAYS} days.`,
      tag: 'Analytics',
      query: returnAnalyticsQuerySchema,
      response: { schema: returnAnalyticsSchema },
      handler: async ({ merchantId, query }) =>
        returnAnalytics({ db, merchantId, from: query.from, to: query.to, limit: query.limit, now: now() }),
    }),
  ];
}
