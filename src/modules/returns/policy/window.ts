import { DateTime } from 'luxon';
import {
  addBusinessDays,
  addDays,
  calendarFor,
  fromDayNumber,
  type IsoDate,
  laterDate,
  toDayNumber,
  type Weekday,
} from '../../promise/calendar.ts';
import { localDayAndTime } from '../../promise/estimate.ts';
import type { HolidayPeriod, ReturnPolicy } from './schema.ts';

/** Which part of the policy set an item's window: the most specific match wins. */
export type WindowSource = 'default' | 'category' | 'tag' | 'product' | 'sku';

export interface WindowChoice {
  days: number;
  source: WindowSource;
  /** The category, tag, product id or SKU that matched; null for the default. */
  matched: string | null;
}

export interface ItemKeys {
  sku: string | null;
  productId: string | null;
  category: string | null;
  tags: readonly string[];
}

/** Tags and categories are typed by people in shop admins: compare them trimmed and lower-cased. */
export function normalizeLabel(value: string): string {
  return value.trim().toLowerCase();
}

function lookupExact(record: Readonly<Record<string, number>>, key: string | null): number | undefined {
  return key !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

function lookupLabel(
  record: Readonly<Record<string, number>>,
  label: string,
): { days: number; key: string } | undefined {
  const wanted = normalizeLabel(label);
  for (const [key, days] of Object.entries(record)) if (normalizeLabel(key) === wanted) return { days, key };
  return undefined;
}

export function windowFor(policy: ReturnPolicy, item: ItemKeys): WindowChoice {
  const o = policy.window.overrides;
  const bySku = lookupExact(o.sku, item.sku);
  if (bySku !== undefined) return { days: bySku, source: 'sku', matched: item.sku };
  const byProduct = lookupExact(o.product, item.productId);
  if (byProduct !== undefined) return { days: byProduct, source: 'product', matched: item.productId };
  // Several tags can match one item; the longest window wins so the answer never depends on tag order.
  let best: { days: number; key: string } | undefined;
  for (const tag of item.tags) {
    const hit = lookupLabel(o.tag, tag);
    if (hit && (!best || hit.days > best.days)) best = hit;
  }
  if (best) return { days: best.days, source: 'tag', matched: best.key };
  const byCategory = item.category === null ? undefined : lookupLabel(o.category, item.category);
  if (byCategory) return { days: byCategory.days, source: 'category', matched: byCategory.key };
  return { days: policy.window.days, source: 'default', matched: null };
}

/** Why an item can never be returned, or null: the line's own flag, then SKU, product, tag, category. */
export function finalSaleMatch(
  policy: ReturnPolicy,
  item: ItemKeys & { finalSale?: boolean },
): { matchedBy: string; matched: string } | null {
  const f = policy.finalSale;
  if (item.finalSale) return { matchedBy: 'line', matched: 'finalSale' };
  if (item.sku !== null && f.skus.includes(item.sku)) return { matchedBy: 'sku', matched: item.sku };
  if (item.productId !== null && f.productIds.includes(item.productId)) {
    return { matchedBy: 'product', matched: item.productId };
  }
  const tags = new Set(f.tags.map(normalizeLabel));
  const tag = item.tags.find((t) => tags.has(normalizeLabel(t)));
  if (tag !== undefined) return { matchedBy: 'tag', matched: tag };
  if (item.category !== null && f.categories.map(normalizeLabel).includes(normalizeLabel(item.category))) {
    return { matchedBy: 'category', matched: item.category };
  }
  return null;
}

/** The calendar date of an instant where the merchant is. */
export function localDate(instant: Date, timeZone: string): IsoDate {
  // The promise module's cached Intl formatter: a portal page evaluates every line, so this is hot.
  try {
    return localDayAndTime(instant, timeZone).day;
  } catch {
    throw new Error(`Unknown time zone '${timeZone}'.`);
  }
}

/** The first instant after a local date is over: a deadline day is returnable up to, not including, this. */
export function endOfLocalDay(date: IsoDate, timeZone: string): Date {
  return DateTime.fromISO(date, { zone: timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
}

function inPeriod(monthDay: string, period: HolidayPeriod): boolean {
  const { deliveredFrom: from, deliveredTo: to } = period;
  // 'MM-DD' strings sort like dates within a year; a period with from > to wraps the new year.
  return from <= to ? monthDay >= from && monthDay <= to : monthDay >= from || monthDay <= to;
}

/** The holiday period covering a delivery date and the date it extends the window to, if any. */
export function holidayExtension(
  startDate: IsoDate,
  periods: readonly HolidayPeriod[],
): { period: HolidayPeriod; until: IsoDate } | null {
  let found: { period: HolidayPeriod; until: IsoDate } | null = null;
  for (const period of periods) {
    if (!inPeriod(startDate.slice(5), period)) continue;
    const year = Number(startDate.slice(0, 4));
    // Through day numbers so '02-29' in a common year becomes 1 March rather than an invalid date.
    let until = fromDayNumber(toDayNumber(`${year}-${period.returnableUntil}`));
    if (until < startDate) until = fromDayNumber(toDayNumber(`${year + 1}-${period.returnableUntil}`));
    if (!found || until > found.until) found = { period, until };
  }
  return found;
}

export interface Deadline {
  startDate: IsoDate;
  /** The last local day on which a return may be started (inclusive). */
  deadline: IsoDate;
  /** Set when a holiday period made the deadline later than the ordinary window. */
  holiday: { period: HolidayPeriod; until: IsoDate } | null;
}

/**
 * The last day to start a return: `days` calendar or business days after the local start date (the start
 * day itself is day 0), or a holiday period's date when later.
 */
export function deadlineFor(opts: {
  policy: ReturnPolicy;
  start: Date;
  days: number;
  timeZone: string;
  shippingCountry: string;
}): Deadline {
  const { policy, days } = opts;
  const startDate = localDate(opts.start, opts.timeZone);
  let deadline: IsoDate;
  if (policy.window.dayKind === 'business') {
    const bc = policy.window.businessCalendar;
    const calendar = calendarFor({
      country: bc.country ?? opts.shippingCountry,
      regionCode: bc.regionCode,
      weekdays: bc.weekdays as Weekday[],
    });
    deadline = addBusinessDays(calendar, startDate, days);
  } else {
    deadline = addDays(startDate, days);
  }
  const extension = holidayExtension(startDate, policy.window.holidayPeriods);
  const holiday = extension && laterDate(extension.until, deadline) !== deadline ? extension : null;
  return { startDate, deadline: holiday ? holiday.until : deadline, holiday };
}
