import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../shared/clock.ts';
import { dueSlot, type Schedule } from './schedule.ts';

const shanghai = businessCalendar('Asia/Shanghai');
const t = (iso: string) => new Date(iso);
const approved = t('2026-12-01T00:00:00Z');

describe('campaign schedule slots in the bank zone', () => {
  it('now runs once at approval; at runs once when reached', () => {
    expect(dueSlot({ kind: 'now' }, shanghai, t('2026-12-07T02:00:00Z'), approved, approved, false)).toEqual(
      approved,
    );
    expect(
      dueSlot({ kind: 'now' }, shanghai, t('2026-12-07T02:00:00Z'), approved, approved, true),
    ).toBeUndefined();
    const at: Schedule = { kind: 'at', at: '2026-12-07T09:30:00+08:00' };
    expect(dueSlot(at, shanghai, t('2026-12-07T01:29:00Z'), approved, approved, false)).toBeUndefined();
    expect(dueSlot(at, shanghai, t('2026-12-07T01:30:00Z'), approved, approved, false)).toEqual(
      t('2026-12-07T01:30:00Z'),
    );
  });

  it('daily at 08:30 local: the latest slot only, once', () => {
    const daily: Schedule = { kind: 'daily', time: '08:30' };
    // 2026-12-07 10:00 local; last run three days ago: only today's slot runs.
    const now = t('2026-12-07T02:00:00Z');
    expect(dueSlot(daily, shanghai, now, t('2026-12-04T00:30:00Z'), approved, true)).toEqual(
      t('2026-12-07T00:30:00Z'),
    );
    expect(dueSlot(daily, shanghai, now, t('2026-12-07T00:30:00Z'), approved, true)).toBeUndefined();
    // 07:00 local: today's slot not yet; yesterday's ran.
    expect(
      dueSlot(daily, shanghai, t('2026-12-06T23:00:00Z'), t('2026-12-06T00:30:00Z'), approved, true),
    ).toBeUndefined();
  });

  it('weekly on Monday and monthly on the 15th', () => {
    const weekly: Schedule = { kind: 'weekly', weekday: 1, time: '09:00' };
    // Wednesday 2026-12-09: the latest Monday slot is 2026-12-07 09:00 local.
    expect(dueSlot(weekly, shanghai, t('2026-12-09T04:00:00Z'), approved, approved, false)).toEqual(
      t('2026-12-07T01:00:00Z'),
    );
    const monthly: Schedule = { kind: 'monthly', day: 15, time: '10:00' };
    expect(dueSlot(monthly, shanghai, t('2026-12-20T04:00:00Z'), approved, approved, false)).toEqual(
      t('2026-12-15T02:00:00Z'),
    );
    // A slot before approval never runs.
    expect(
      dueSlot(monthly, shanghai, t('2026-12-20T04:00:00Z'), t('2026-12-16T00:00:00Z'), approved, false),
    ).toBeUndefined();
  });
});
