import { AppError } from './errors.ts';
import { calendarDayNumber, dayOfNumber, parseDay, type Day } from './day.ts';

// The bank's business day. A bank in UTC+8 closes its day at 16:00 UTC: every "today", every day cut of an analysis,
// tag window and schedule is taken in the bank's time zone (FLYWHEEL_TIMEZONE), from the clock the process was given.
// Instants stay instants (the API and the stores speak UTC); only the mapping between instants and days lives here.

/** The demo bank's zone, and the default of FLYWHEEL_TIMEZONE. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;
// An IANA name as the tz database spells it ('Asia/Shanghai', 'UTC', 'Etc/GMT-8'): case matters to ClickHouse, and
// the name is also written into SQL-tag text as a literal, so nothing but these characters may appear.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

/** Why `name` cannot be the bank's time zone (not an IANA name Node's Intl knows, as spelled), or undefined. */
export function timeZoneProblem(name: string): string | undefined {
  if (!ZONE_NAME.test(name))
    return `${JSON.stringify(name)} is not an IANA time zone name such as Asia/Shanghai`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone ${JSON.stringify(name)} (an IANA name such as Asia/Shanghai)`;
  }
  // Intl reads names case-insensitively, ClickHouse does not: 'asia/shanghai' would fail in the event store.
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase())
    return `time zone names are case-sensitive: write ${resolved}`;
  return undefined;
}

/** Business days in one time zone: the mapping between instants and the bank's days and wall-clock times. */
export interface BusinessCalendar {
  /** The IANA time zone every business day is cut in (FLYWHEEL_TIMEZONE). */
  readonly timeZone: string;
  /** The business day an instant falls on. */
  dayOf(instant: Date | number): Day;
  /** The first instant of a business day: local midnight, or the end of a DST gap that skips midnight. */
  startOf(day: string): Date;
  /** The wall-clock time 'HH:MM' of an instant in the bank's zone. */
  timeOfDay(instant: Date | number): string;
  /**
   * The instant the bank's wall clock shows `hhmm` ('HH:MM') on `day`: the earlier one when a DST change repeats it,
   * and as long after the gap as it was meant to be into it when a change skips it (02:30 → 03:30).
   */
  at(day: string, hhmm: string): Date;
}

/** Time source passed explicitly so tests and the demo bank can fix "now"; it carries the bank's calendar. */
export interface Clock extends BusinessCalendar {
  now(): Date;
  /** Today's business day in the bank's zone. */
  today(): Day;
}

/** The calendar of `timeZone` (checked with timeZoneProblem; a bad name throws). */
export function businessCalendar(timeZone: string): BusinessCalendar {
  const problem = timeZoneProblem(timeZone);
  if (problem !== undefined) throw new AppError('config_invalid', `FLYWHEEL_TIMEZONE: ${problem}`);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  /** The wall clock at `ms` as if it were a UTC instant (whole seconds). */
  const wall = (ms: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(ms))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  };
  const offset = (ms: number): number => wall(ms) - Math.floor(ms / 1000) * 1000;
  const dayNumberOf = (ms: number): number => Math.floor((ms + offset(ms)) / DAY_MS);
  /** The instants (earliest first) whose wall clock may read `target` (a wall time as a UTC ms): ±1 day's offsets. */
  const candidates = (target: number): number[] =>
    [...new Set([offset(target - DAY_MS), offset(target), offset(target + DAY_MS)])]
      .map((o) => target - o)
      .sort((a, b) => a - b);
  const dayNumber = (day: string): number => {
    const n = calendarDayNumber(day);
    if (n === undefined) throw new RangeError(`not a calendar day: ${day}`);
    return n;
  };
  const ms = (instant: Date | number) => (typeof instant === 'number' ? instant : instant.getTime());
  return {
    timeZone,
    dayOf(instant) {
      const day = parseDay(dayOfNumber(dayNumberOf(ms(instant))));
      if (!day.ok) throw new RangeError(`${new Date(ms(instant)).toISOString()}: ${day.error}`);
      return day.value;
    },
    startOf(day) {
      const n = dayNumber(day);
      // The earliest instant on the day whose previous millisecond is on the day before.
      const start = candidates(n * DAY_MS).find((t) => dayNumberOf(t) === n && dayNumberOf(t - 1) === n - 1);
      if (start === undefined) throw new RangeError(`${day} has no start in ${timeZone}`);
      return new Date(start);
    },
    timeOfDay(instant) {
      const local = ms(instant) + offset(ms(instant));
      const minutes = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
      return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    },
    at(day, hhmm) {
      const [h, m] = hhmm.split(':').map(Number) as [number, number];
      const target = dayNumber(day) * DAY_MS + (h * 60 + m) * 60_000;
      const all = candidates(target);
      const exact = all.find((t) => t + offset(t) === target);
      // In a gap no instant reads `target`; the offset before the change carries it past the gap.
      return new Date(exact ?? all.at(-1)!);
    },
  };
}

/** A clock that reads `now` (a test that moves time passes its own), with the calendar of `timeZone`. */
export function clockOf(now: () => Date, timeZone: string = DEFAULT_TIME_ZONE): Clock {
  const calendar = businessCalendar(timeZone);
  return { ...calendar, now, today: () => calendar.dayOf(now()) };
}

/** The wall clock, with the bank's calendar. */
export function systemClock(timeZone: string): Clock {
  return clockOf(() => new Date(), timeZone);
}

/**
 * A clock stuck at one instant (tests, reproducible runs), in the demo bank's zone unless told: tests that fix
 * '…T10:00:00Z' mean 18:00 in Shanghai, the same business day.
 */
export function fixedClock(at: Date | string, timeZone: string = DEFAULT_TIME_ZONE): Clock {
  const instant = new Date(at);
  return clockOf(() => new Date(instant), timeZone);
}

/** A clock whose "now" runs a settable offset ahead of the wall clock: the test clock of a trial installation. */
export interface AdjustableClock {
  readonly clock: Clock;
  /** How far "now" is ahead of the wall clock, in ms (never negative: time only moves forward). */
  offsetMs(): number;
  /** Sets the offset (a larger one only: a smaller one is ignored, so time never runs back). */
  setOffset(ms: number): void;
}

/** The wall clock plus an offset that only grows, with the bank's calendar (`wall` is injectable for tests). */
export function adjustableClock(timeZone: string, wall: () => number = Date.now): AdjustableClock {
  let offset = 0;
  return {
    clock: clockOf(() => new Date(wall() + offset), timeZone),
    offsetMs: () => offset,
    setOffset(ms) {
      if (Number.isFinite(ms) && ms > offset) offset = ms;
    },
  };
}
