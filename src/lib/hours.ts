import { DateTime } from 'luxon';

/** "21:00" -> minutes after midnight. */
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function minuteOfDay(dt: DateTime): number {
  return dt.hour * 60 + dt.minute;
}

/** True when `at`, in `timeZone`, falls inside the window (which may wrap past midnight, like 21:00–08:00). */
export function inWindow(at: Date, timeZone: string, window: { start: string; end: string }): boolean {
  const m = minuteOfDay(DateTime.fromJSDate(at, { zone: timeZone }));
  const s = minutes(window.start);
  const e = minutes(window.end);
  return s <= e ? m >= s && m < e : m >= s || m < e;
}

/** The first moment at or after `at` that is outside the quiet hours of `timeZone`. */
export function afterQuietHours(at: Date, timeZone: string, quiet: { start: string; end: string }): Date {
  if (!inWindow(at, timeZone, quiet)) return at;
  let dt = DateTime.fromJSDate(at, { zone: timeZone });
  const end = minutes(quiet.end);
  const endToday = dt.startOf('day').plus({ minutes: end });
  dt = endToday > dt ? endToday : endToday.plus({ days: 1 });
  return dt.toJSDate();
}

/** The first moment at or after `at` inside business hours (weekdays 1=Monday..7=Sunday) in `timeZone`. */
export function nextBusinessTime(
  at: Date,
  timeZone: string,
  hours: { start: string; end: string; days: number[] },
): Date {
  let dt = DateTime.fromJSDate(at, { zone: timeZone });
  const s = minutes(hours.start);
  const e = minutes(hours.end);
  for (let i = 0; i < 8; i++) {
    const m = minuteOfDay(dt);
    if (hours.days.includes(dt.weekday) && m < e) {
      return (m >= s ? dt : dt.startOf('day').plus({ minutes: s })).toJSDate();
    }
    dt = dt.startOf('day').plus({ days: 1 });
  }
  return at;
}
