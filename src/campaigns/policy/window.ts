import type { BusinessCalendar } from '../../shared/clock.ts';
import { addDays, type Day } from '../../shared/day.ts';
import type { ContactPolicy } from './settings.ts';

/** Whether messages may start now, and if not, the first instant they may: computed once per run, not per message. */
export type SendWindow = { readonly open: true } | { readonly open: false; readonly opensAt: Date };

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The send window at `now` under the policy's quiet hours, in the bank's zone. */
export function sendWindow(calendar: BusinessCalendar, policy: ContactPolicy, now: Date): SendWindow {
  const quiet = policy.quietHours;
  if (quiet === null || quiet.start === quiet.end) return { open: true };
  const at = minutes(calendar.timeOfDay(now));
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  const today = calendar.dayOf(now);
  if (start < end) {
    // Quiet within one day (e.g. 12:00–14:00).
    return at >= start && at < end ? { open: false, opensAt: calendar.at(today, quiet.end) } : { open: true };
  }
  // Quiet across midnight (21:00–08:00): late evening opens tomorrow morning, early morning opens this morning.
  if (at >= start) return { open: false, opensAt: calendar.at(addDays(today, 1), quiet.end) };
  if (at < end) return { open: false, opensAt: calendar.at(today, quiet.end) };
  return { open: true };
}

/** The cap periods an instant falls in, in the bank's zone: its business day, week (Monday first) and month. */
export interface CapPeriods {
  readonly day: Day;
  readonly week: Day;
  readonly month: Day;
}

/** The day, Monday of the week and first of the month that `now` falls in. */
export function capPeriods(calendar: BusinessCalendar, now: Date): CapPeriods {
  const day = calendar.dayOf(now);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return { day, week: addDays(day, -weekday), month: `${day.slice(0, 8)}01` as Day };
}
