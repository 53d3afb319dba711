import { describe, expect, it } from 'vitest';
import {
  calendarDayNumber,
  daySchema,
  FIRST_DAY,
  isDay,
  LAST_DAY,
  monthStart,
  parseDay,
  shiftDay,
} from './day.ts';

describe('days from outside', () => {
  it('accepts real calendar days from 1970-01-01 to 2149-06-06, leap days included', () => {
    for (const day of [FIRST_DAY, '2024-02-29', '2000-02-29', '2026-11-23', LAST_DAY]) {
      expect(parseDay(day), day).toEqual({ ok: true, value: day });
      expect(isDay(day), day).toBe(true);
      expect(daySchema.safeParse(day).success, day).toBe(true);
    }
  });

  it('refuses days the calendar does not have, saying so', () => {
    for (const day of [
      '2026-02-30',
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '0000-00-00',
    ])
      expect(parseDay(day), day).toEqual({ ok: false, error: `${day} is not a calendar day` });
  });

  it('refuses days outside what the event store holds, naming the range', () => {
    for (const day of ['1969-12-31', '2149-06-07', '9999-12-31'])
      expect(parseDay(day), day).toEqual({
        ok: false,
        error: `${day} is outside the days Flywheel keeps, 1970-01-01 to 2149-06-06`,
      });
  });

  it('refuses other shapes', () => {
    for (const text of ['2026-1-5', '20261105', '2026-11-23T00:00:00Z', ' 2026-11-23', '２０２６-11-23', ''])
      expect(parseDay(text), text).toEqual({ ok: false, error: 'expected a day as YYYY-MM-DD' });
    expect(isDay(20261123)).toBe(false);
    expect(isDay(null)).toBe(false);
  });

  it('reports the reason at the field through zod, and documents itself as a date', () => {
    const result = daySchema.safeParse('2026-02-30');
    expect(result.error?.issues).toMatchObject([{ path: [], message: '2026-02-30 is not a calendar day' }]);
    expect(daySchema.safeParse(20261123).success).toBe(false);
    expect(daySchema.meta()).toMatchObject({ format: 'date' });
  });

  it('numbers calendar days of any year from 1000, for stored data older than the business days', () => {
    expect(calendarDayNumber('1970-01-01')).toBe(0);
    expect(calendarDayNumber(LAST_DAY)).toBe(65_535); // ClickHouse Date is a UInt16 day number
    expect(calendarDayNumber('1960-03-01')).toBe(Date.UTC(1960, 2, 1) / 86_400_000);
    expect(calendarDayNumber('2026-02-30')).toBeUndefined();
    expect(calendarDayNumber('0999-01-01')).toBeUndefined();
  });
});

describe('calendar arithmetic', () => {
  it('shifts any calendar day by days, across months, leap days and years, and refuses a non-day', () => {
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2024-03-01', -1)).toBe('2024-02-29');
    expect(shiftDay('2025-12-31', 1)).toBe('2026-01-01');
    expect(shiftDay('1950-06-15', -3)).toBe('1950-06-12'); // before FIRST_DAY: stored dates may be
    expect(() => shiftDay('2026-02-30', 1)).toThrow(RangeError);
  });

  it('gives the first day of a month some months away, across years both ways', () => {
    expect(monthStart('2025-07-15')).toBe('2025-07-01');
    expect(monthStart('2025-11-01', 2)).toBe('2026-01-01');
    expect(monthStart('2025-01-31', -1)).toBe('2024-12-01');
    expect(monthStart('2025-03-01', -27)).toBe('2022-12-01');
  });
});
