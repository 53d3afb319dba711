import { describe, expect, it } from 'vitest';
import { businessCalendar, DEFAULT_TIME_ZONE, fixedClock, systemClock, timeZoneProblem } from './clock.ts';
import { addDays, calendarDayNumber, dayOfNumber, parseDay, type Day } from './day.ts';

const day = (text: string): Day => {
  const parsed = parseDay(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const iso = (d: Date) => d.toISOString();

describe('the business day in a zone without DST (Asia/Shanghai, UTC+8)', () => {
  const shanghai = businessCalendar('Asia/Shanghai');

  it('cuts days at local midnight, 16:00 UTC', () => {
    expect(shanghai.dayOf(Date.parse('2026-11-23T15:30:00Z'))).toBe('2026-11-23'); // 23:30 local
    expect(shanghai.dayOf(Date.parse('2026-11-23T15:59:59.999Z'))).toBe('2026-11-23');
    expect(shanghai.dayOf(Date.parse('2026-11-23T16:00:00Z'))).toBe('2026-11-24'); // 00:00 local
    expect(shanghai.dayOf(new Date('2026-11-23T16:30:00Z'))).toBe('2026-11-24'); // 00:30 local
    expect(iso(shanghai.startOf('2026-11-24'))).toBe('2026-11-23T16:00:00.000Z');
    expect(iso(shanghai.startOf('2024-03-01'))).toBe('2024-02-29T16:00:00.000Z');
  });

  it('reads and sets the wall clock', () => {
    expect(shanghai.timeOfDay(Date.parse('2026-11-23T15:30:00Z'))).toBe('23:30');
    expect(shanghai.timeOfDay(Date.parse('2026-11-23T18:05:59Z'))).toBe('02:05');
    expect(iso(shanghai.at('2026-11-24', '02:00'))).toBe('2026-11-23T18:00:00.000Z');
    expect(iso(shanghai.at('2026-11-24', '00:00'))).toBe(iso(shanghai.startOf('2026-11-24')));
  });

  it('gives UTC days in UTC', () => {
    const utc = businessCalendar('UTC');
    expect(utc.dayOf(Date.parse('2026-11-23T23:59:59.999Z'))).toBe('2026-11-23');
    expect(iso(utc.startOf('2026-11-23'))).toBe('2026-11-23T00:00:00.000Z');
    expect(utc.timeOfDay(Date.parse('2026-11-23T07:08:00Z'))).toBe('07:08');
  });
});

describe('the business day in a zone with DST (Europe/London)', () => {
  const london = businessCalendar('Europe/London');

  it('starts each day at local midnight across the change days (GMT ⇄ BST at 01:00 UTC)', () => {
    // 2026-03-29: clocks go from 01:00 GMT to 02:00 BST; the day is 23 hours long
    expect(iso(london.startOf('2026-03-29'))).toBe('2026-03-29T00:00:00.000Z');
    expect(iso(london.startOf('2026-03-30'))).toBe('2026-03-29T23:00:00.000Z');
    // 2026-10-25: clocks go from 02:00 BST back to 01:00 GMT; the day is 25 hours long
    expect(iso(london.startOf('2026-10-25'))).toBe('2026-10-24T23:00:00.000Z');
    expect(iso(london.startOf('2026-10-26'))).toBe('2026-10-26T00:00:00.000Z');
    expect(london.dayOf(Date.parse('2026-03-29T23:30:00Z'))).toBe('2026-03-30'); // 00:30 BST
    expect(london.dayOf(Date.parse('2026-10-24T23:30:00Z'))).toBe('2026-10-25'); // 00:30 BST
    expect(london.dayOf(Date.parse('2026-10-25T23:30:00Z'))).toBe('2026-10-25'); // 23:30 GMT
  });

  it('places wall-clock times on change days: a skipped time moves past the gap, a repeated one is the first', () => {
    expect(iso(london.at('2026-03-29', '00:30'))).toBe('2026-03-29T00:30:00.000Z');
    expect(iso(london.at('2026-03-29', '01:30'))).toBe('2026-03-29T01:30:00.000Z'); // skipped: 02:30 BST
    expect(london.timeOfDay(london.at('2026-03-29', '01:30'))).toBe('02:30');
    expect(iso(london.at('2026-03-29', '02:00'))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(london.at('2026-10-25', '01:30'))).toBe('2026-10-25T00:30:00.000Z'); // first of two 01:30s
    expect(iso(london.at('2026-10-25', '02:00'))).toBe('2026-10-25T02:00:00.000Z');
    expect(london.timeOfDay(Date.parse('2026-10-25T01:30:00Z'))).toBe('01:30'); // the second one, GMT
  });
});

describe('a zone whose DST change skips midnight (America/Santiago)', () => {
  it('starts that day at the end of the gap', () => {
    const santiago = businessCalendar('America/Santiago');
    // 2026-09-06: 00:00 -04 becomes 01:00 -03, so the day starts at 01:00 local, 04:00 UTC
    expect(iso(santiago.startOf('2026-09-06'))).toBe('2026-09-06T04:00:00.000Z');
    expect(santiago.dayOf(Date.parse('2026-09-06T03:59:59.999Z'))).toBe('2026-09-05');
    expect(santiago.timeOfDay(santiago.startOf('2026-09-06'))).toBe('01:00');
  });
});

describe('clocks', () => {
  it('fixedClock keeps to the demo bank zone unless told: 10:00Z is 18:00 in Shanghai, the same day', () => {
    const clock = fixedClock('2026-11-23T10:00:00Z');
    expect(clock.timeZone).toBe(DEFAULT_TIME_ZONE);
    expect(clock.today()).toBe('2026-11-23');
    expect(fixedClock('2026-11-23T16:30:00Z').today()).toBe('2026-11-24');
    expect(fixedClock('2026-11-23T16:30:00Z', 'UTC').today()).toBe('2026-11-23');
    expect(fixedClock('2026-11-23T03:00:00Z', 'America/New_York').today()).toBe('2026-11-22');
  });

  it('systemClock reads the wall clock in its zone', () => {
    const clock = systemClock('Asia/Shanghai');
    const before = Date.now();
    const today = clock.today();
    expect([clock.dayOf(before), clock.dayOf(Date.now())]).toContain(today);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('refuses zone names Intl or ClickHouse would not read as meant', () => {
    expect(timeZoneProblem('Asia/Shanghai')).toBeUndefined();
    expect(timeZoneProblem('UTC')).toBeUndefined();
    expect(timeZoneProblem('Etc/GMT-8')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(timeZoneProblem('asia/shanghai')).toMatch(/case-sensitive: write Asia\/Shanghai/);
    expect(timeZoneProblem("UTC'; DROP")).toMatch(/not an IANA time zone name/);
    expect(timeZoneProblem('+08:00')).toMatch(/not an IANA time zone name/);
    expect(() => fixedClock('2026-11-23T10:00:00Z', 'Mars/Olympus')).toThrow(/FLYWHEEL_TIMEZONE/);
  });
});

describe('day arithmetic', () => {
  it('dayOfNumber inverts calendarDayNumber and addDays stays in range', () => {
    for (const d of ['1970-01-01', '2024-02-29', '2026-12-31', '2149-06-06', '1900-03-01'])
      expect(dayOfNumber(calendarDayNumber(d)!)).toBe(d);
    expect(addDays(day('2024-02-28'), 1)).toBe('2024-02-29');
    expect(addDays(day('2026-03-01'), -1)).toBe('2026-02-28');
    expect(addDays(day('2026-12-31'), 366)).toBe('2028-01-01');
    expect(() => addDays(day('1970-01-01'), -1)).toThrow(RangeError);
  });
});
