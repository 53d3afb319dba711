import { z } from 'zod';
import type { BusinessCalendar } from '../shared/clock.ts';
import { addDays, type Day } from '../shared/day.ts';

// When a campaign runs: now, once at a time, or recurring on the bank's wall clock (daily, weekly on a weekday,
// monthly on a day). Each run belongs to one slot (an instant); a slot runs at most once, and a process that was
// down over several slots runs only the latest one, so nobody gets three morning posts at once.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a wall-clock time HH:MM');

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('now') }),
  z.strictObject({ kind: z.literal('at'), at: z.iso.datetime({ offset: true }) }),
  z.strictObject({ kind: z.literal('daily'), time: hhmm }),
  z.strictObject({
    kind: z.literal('weekly'),
    weekday: z.int().min(1).max(7).describe('1 = Monday'),
    time: hhmm,
  }),
  z.strictObject({ kind: z.literal('monthly'), day: z.int().min(1).max(28), time: hhmm }),
]);
/** A campaign's schedule. */
export type Schedule = z.infer<typeof scheduleSchema>;

const weekday = (day: Day): number => ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** Whether a recurring schedule has a slot on `day`. */
function runsOn(schedule: Schedule, day: Day): boolean {
  if (schedule.kind === 'daily') return true;
  if (schedule.kind === 'weekly') return weekday(day) === schedule.weekday;
  if (schedule.kind === 'monthly') return Number(day.slice(8, 10)) === schedule.day;
  return false;
}

/**
 * The slot due at `now` that has not run, or undefined: for 'now', the approval instant; for 'at', its instant once
 * reached; for recurring schedules the latest slot at or before `now` and after `after` (the last run's slot, or
 * the approval instant).
 */
export function dueSlot(
  schedule: Schedule,
  calendar: BusinessCalendar,
  now: Date,
  after: Date,
  approvedAt: Date,
  hasRun: boolean,
): Date | undefined {
  if (schedule.kind === 'now') return hasRun ? undefined : approvedAt;
  if (schedule.kind === 'at') {
    const at = new Date(schedule.at);
    return !hasRun && at <= now ? at : undefined;
  }
  let day = calendar.dayOf(now);
  // Look back far enough to find the latest slot of a monthly schedule.
  for (let i = 0; i < 32; i++, day = addDays(day, -1)) {
    if (!runsOn(schedule, day)) continue;
    const slot = calendar.at(day, schedule.time);
    if (slot > now) continue;
    return slot > after ? slot : undefined;
  }
  return undefined;
}
