import { DateTime } from 'luxon';
import { dateFormatter, type Locale } from '../../../lib/i18n.ts';

/**
 * Dates as the customer reads them. The language comes from the page's locale; the region (day before
 * month, 24-hour clock) from the destination country when we know it, so an English page for a parcel
 * to London says "Tue 3 – Thu 5 Dec" and one for Boston says "Tue, Dec 3 – Thu, Dec 5".
 */
export function dateLocale(locale: Locale, country: string | null | undefined): string {
  if (locale === 'pt-BR' || !country || !/^[A-Z]{2}$/.test(country)) return locale;
  const tag = `${locale.split('-')[0]}-${country}`;
  return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0 ? tag : locale;
}

const DAY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' };
const formatter = dateFormatter;

/** A calendar date ('YYYY-MM-DD', no time zone) as "Tue 3 Dec". */
export function formatDay(date: string, dl: string): string {
  return formatter(dl, DAY).format(new Date(`${date}T12:00:00Z`));
}

/** A window of calendar dates as "Tue 3 – Thu 5 Dec" (one day when both ends are the same). */
export function formatDayRange(earliest: string, latest: string, dl: string): string {
  if (earliest >= latest) return formatDay(latest, dl);
  return formatter(dl, DAY).formatRange(new Date(`${earliest}T12:00:00Z`), new Date(`${latest}T12:00:00Z`));
}

/** An instant as a day in `timeZone`: "Tue 3 Dec". */
export function formatInstantDay(at: Date, timeZone: string, dl: string): string {
  return formatter(dl, { ...DAY, timeZone }).format(at);
}

/** An instant as a clock time in `timeZone`: "14:05" / "2:05 PM". */
export function formatTime(at: Date, timeZone: string, dl: string): string {
  return formatter(dl, { hour: 'numeric', minute: '2-digit', timeZone }).format(at);
}

/** The calendar date of an instant in `timeZone`, 'YYYY-MM-DD'. */
export function localDate(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toISODate() ?? at.toISOString().slice(0, 10);
}

/** "America/Sao_Paulo" -> "Sao Paulo": enough for "times in Sao Paulo time". */
export function zoneLabel(timeZone: string): string {
  const city = timeZone.split('/').pop() ?? timeZone;
  return city.replace(/_/g, ' ');
}
