import Holidays, { type HolidaysTypes } from 'date-holidays';

/**
 * Business-day calendars: which days a warehouse works or a carrier delivers, per country and region.
 * Dates are calendar dates ('YYYY-MM-DD'), never instants: "delivered on the 20th" means the 20th where
 * the parcel is, whatever the server's time zone. Arithmetic is done on UTC day numbers.
 */
export type IsoDate = string;
/** ISO weekday: 1 = Monday ... 7 = Sunday (the same numbering as merchant business hours). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const MON_FRI: readonly Weekday[] = [1, 2, 3, 4, 5];
export const MON_SAT: readonly Weekday[] = [1, 2, 3, 4, 5, 6];

export interface BusinessCalendar {
  /** 'BR-SP', 'SE', ... plus the weekdays, for explanations and cache keys. */
  readonly id: string;
  readonly country: string;
  /** The region whose holidays apply, or null when only national holidays are known. */
  readonly region: string | null;
  readonly weekdays: readonly Weekday[];
  /** The place's time zone (first one date-holidays lists), for "what day is it there". */
  readonly timeZone: string | null;
  isBusinessDay(date: IsoDate): boolean;
}

/**
 * Holiday types that close warehouses and carriers. 'bank' is included on purpose: it is where date-holidays
 * files days that are not law but on which nothing ships — Carnival Monday/Tuesday and Corpus Christi in
 * Brazil, midsommarafton, julafton and nyårsafton in Sweden.
 */
const CLOSED_TYPES: ReadonlySet<HolidaysTypes.HolidayType> = new Set(['public', 'bank']);

// Building a date-holidays instance parses the country's rules (~10 ms) and computing a year takes ~20 ms,
// far too slow per request or per row of an evaluation: both are cached for the life of the process.
// The caches are small: one entry per country/region seen, and per year asked about.
const instances = new Map<string, Holidays>();
const closedDays = new Map<string, ReadonlySet<IsoDate>>();
let countryCodes: ReadonlySet<string> | null = null;
const regionCodes = new Map<string, ReadonlySet<string>>();

function instance(country: string, region: string | null): Holidays {
  const key = region ? `${country}-${region}` : country;
  let hd = instances.get(key);
  if (!hd) {
    hd = region ? new Holidays(country, region) : new Holidays(country);
    instances.set(key, hd);
  }
  return hd;
}

/** Countries date-holidays knows (ISO 3166-1 alpha-2). */
export function isKnownCountry(country: string): boolean {
  countryCodes ??= new Set(Object.keys(new Holidays().getCountries()));
  return countryCodes.has(country.toUpperCase());
}

/** Regions (states, provinces, län) of a country that have their own holidays in date-holidays. */
export function regionsOf(country: string): ReadonlySet<string> {
  const c = country.toUpperCase();
  let set = regionCodes.get(c);
  if (!set) {
    set = new Set(Object.keys(new Holidays().getStates(c) ?? {}));
    regionCodes.set(c, set);
  }
  return set;
}

/**
 * The region part of a code as date-holidays spells it: 'SP' from 'SP', 'sp' or 'BR-SP'. Null when the
 * country has no regional holidays or the code is not one of its regions (national holidays still apply).
 */
export function normalizeRegion(country: string, regionCode: string | null | undefined): string | null {
  if (!regionCode) return null;
  const c = country.toUpperCase();
  let r = regionCode.trim().toUpperCase();
  if (r.startsWith(`${c}-`)) r = r.slice(c.length + 1);
  return regionsOf(c).has(r) ? r : null;
}

/**
 * Days closed by a holiday in a country (and region) in one year. National holidays are read from the
 * country alone and added to the region's: date-holidays lets a region's retired copy of a holiday switch
 * off the national one (Consciência Negra, national since 2024, is missing for BR-SP in 3.37).
 */
export function holidaysIn(country: string, region: string | null, year: number): ReadonlySet<IsoDate> {
  const key = `${country}-${region ?? ''}:${year}`;
  let days = closedDays.get(key);
  if (!days) {
    const set = new Set<IsoDate>();
    const lists = [instance(country, null).getHolidays(year) || []];
    if (region) lists.push(instance(country, region).getHolidays(year) || []);
    for (const list of lists) {
      for (const h of list) {
        // A holiday starting mid-day (Swedish "afton" at 12:00, Christmas Eve at 14:00) is a half day: the
        // carrier still delivers in the morning, so it stays a business day.
        if (CLOSED_TYPES.has(h.type) && h.date.endsWith('00:00:00')) set.add(h.date.slice(0, 10));
      }
    }
    days = set;
    closedDays.set(key, days);
  }
  return days;
}

/**
 * A calendar for a place: its holidays, on the given weekdays (a warehouse's working days or the days a
 * carrier delivers). An unknown region falls back to national holidays; validate input before calling
 * when an unknown place must be refused (isKnownCountry / regionsOf).
 */
export function calendarFor(opts: {
  country: string;
  regionCode?: string | null;
  weekdays?: readonly Weekday[];
}): BusinessCalendar {
  const country = opts.country.toUpperCase();
  const region = normalizeRegion(country, opts.regionCode);
  const weekdays = [...new Set(opts.weekdays ?? MON_FRI)].sort() as Weekday[];
  if (weekdays.length === 0) throw new Error('A calendar needs at least one working weekday.');
  const known = isKnownCountry(country);
  const open = new Set<number>(weekdays);
  const zones = known ? (instance(country, region).getTimezones() ?? []) : [];
  return {
    id: `${region ? `${country}-${region}` : country}/${weekdays.join('')}`,
    country,
    region,
    weekdays,
    timeZone: zones[0] ?? null,
    isBusinessDay(date) {
      if (!open.has(isoWeekday(date))) return false;
      return !known || !holidaysIn(country, region, Number(date.slice(0, 4))).has(date);
    },
  };
}

/** The same place on other weekdays: the destination's holidays on the days a carrier delivers. */
export function withWeekdays(calendar: BusinessCalendar, weekdays: readonly Weekday[]): BusinessCalendar {
  return calendarFor({ country: calendar.country, regionCode: calendar.region, weekdays });
}

// ---- date arithmetic on 'YYYY-MM-DD' ----

const DAY_MS = 86_400_000;
/** Far more than any transit time: a calendar with (wrongly) no open day must not loop forever. */
const MAX_SCAN_DAYS = 3_660;

export function toDayNumber(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

export function laterDate(a: IsoDate, b: IsoDate): IsoDate {
  return toDayNumber(a) >= toDayNumber(b) ? a : b;
}

export function isoWeekday(date: IsoDate): Weekday {
  const d = new Date(toDayNumber(date) * DAY_MS).getUTCDay();
  return (d === 0 ? 7 : d) as Weekday;
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(calendar: BusinessCalendar, date: IsoDate): IsoDate {
  let day = toDayNumber(date);
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    day++;
    const iso = fromDayNumber(day);
    if (calendar.isBusinessDay(iso)) return iso;
  }
  throw new Error(`No business day within ${MAX_SCAN_DAYS} days after ${date} in ${calendar.id}.`);
}

/** `date` itself when it is a business day, otherwise the next one. */
export function onOrAfterBusinessDay(calendar: BusinessCalendar, date: IsoDate): IsoDate {
  return calendar.isBusinessDay(date) ? date : nextBusinessDay(calendar, date);
}

/**
 * The n-th business day after `date` (n = 0 gives `date` unchanged). The inverse of businessDaysBetween:
 * addBusinessDays(c, a, businessDaysBetween(c, a, b)) === b whenever b is a business day.
 */
export function addBusinessDays(calendar: BusinessCalendar, date: IsoDate, n: number): IsoDate {
  let out = date;
  for (let i = 0; i < n; i++) out = nextBusinessDay(calendar, out);
  return out;
}

/**
 * Business days in (from, to]: shipped Monday and delivered Wednesday is 2. A delivery on a closed day
 * counts up to the business day before it. Negative when `to` is before `from`.
 */
export function businessDaysBetween(calendar: BusinessCalendar, from: IsoDate, to: IsoDate): number {
  const a = toDayNumber(from);
  const b = toDayNumber(to);
  if (b < a) return -businessDaysBetween(calendar, to, from);
  let count = 0;
  for (let d = a + 1; d <= b; d++) if (calendar.isBusinessDay(fromDayNumber(d))) count++;
  return count;
}
