import { calendarDayNumber, civilDate as civil, dayOfNumber } from '../shared/day.ts';

// Calendar arithmetic on day numbers (days since 1970-01-01). The generator touches millions of dates, so it avoids
// Date objects in hot loops. Business days are Beijing days: an event at 09:30 in Beijing is 01:30 UTC.

const MS_PER_DAY = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** Day number of a 'YYYY-MM-DD' date; throws on anything else. */
export function dayNumber(iso: string): number {
  const n = calendarDayNumber(iso);
  if (n === undefined)
    throw new RangeError(
      /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `not a calendar date: ${iso}` : `not a YYYY-MM-DD date: ${iso}`,
    );
  return n;
}

/** Civil date of a day number (Howard Hinnant's days_from_civil inverse, no Date allocation). */
export { civil };

/** Day number of a civil date; the day of month may overflow (Jan 32 = Feb 1). */
export function fromCivil(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY;
}

/** 'YYYY-MM-DD' of a day number. */
export const isoDate: (day: number) => string = dayOfNumber;

/** Milliseconds since the epoch (UTC) of a Beijing wall-clock time on a day. */
export function beijingMs(day: number, secondOfDay: number): number {
  return day * MS_PER_DAY + secondOfDay * 1000 - BEIJING_OFFSET_MS;
}

/** The same day of month `months` later, clamped to the month's last day (loan and card due dates). */
export function addMonths(day: number, months: number): number {
  const { year, month, day: d } = civil(day);
  const firstOfTarget = fromCivil(year, month + months, 1);
  const lastOfTarget = fromCivil(year, month + months + 1, 0);
  return Math.min(firstOfTarget + d - 1, lastOfTarget);
}

/** The next day strictly after `after` whose day of month is `dayOfMonth` (clamped to short months). */
export function nextMonthlyDay(after: number, dayOfMonth: number): number {
  const { year, month } = civil(after);
  for (let k = 0; k < 3; k++) {
    const last = fromCivil(year, month + k + 1, 0);
    const candidate = Math.min(fromCivil(year, month + k, dayOfMonth), last);
    if (candidate > after) return candidate;
  }
  throw new RangeError('unreachable: a monthly day always falls within three months');
}

/** Whether the day is the last day of its month. */
export function isMonthEnd(day: number): boolean {
  return civil(day + 1).day === 1;
}

/** The history window (day numbers, both ends inclusive) with per-day calendar facts precomputed for hot loops. */
export interface Window {
  readonly startDay: number;
  readonly endDay: number;
  /** Day of month of each window day (index = day - startDay). */
  readonly dayOfMonth: Uint8Array;
  /** Month (1–12) of each window day. */
  readonly month: Uint8Array;
  /** Day of week of each window day, 0 = Sunday. */
  readonly weekday: Uint8Array;
}

/** The window of `days` days ending on `endDay`. */
export function makeWindow(endDay: number, days: number): Window {
  const startDay = endDay - days + 1;
  const dayOfMonth = new Uint8Array(days);
  const month = new Uint8Array(days);
  const weekday = new Uint8Array(days);
  for (let i = 0; i < days; i++) {
    const date = civil(startDay + i);
    dayOfMonth[i] = date.day;
    month[i] = date.month;
    weekday[i] = (startDay + i + 4) % 7; // 1970-01-01 was a Thursday
  }
  return { startDay, endDay, dayOfMonth, month, weekday };
}
