import type { BusinessCalendar, Clock } from '../shared/clock.ts';
import { addDays } from '../shared/day.ts';
import type { Logger } from '../shared/logger.ts';

// The daily schedule, at a configured time of day on the bank's wall clock (FLYWHEEL_TAGS_DAILY_AT in
// FLYWHEEL_TIMEZONE, from the injected clock): it fires the daily batch (src/server/daily.ts: tags, then segments
// materialised on them, then reminders). On a DST change day a skipped time runs just after the gap, a repeated one
// once, at its first occurrence.

/** Timer functions, injectable so tests can fire the schedule without waiting. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms);
    handle.unref(); // the schedule alone never keeps the process alive
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How often the schedule looks at the clock while waiting. */
const CHECK_MS = 15_000;

/** A running daily schedule. */
export interface TagScheduler {
  /** When the next run is due. */
  readonly nextRunAt: () => Date | null;
  stop(): void;
}

/** The first instant strictly after `now` at `dailyAt` ('HH:MM') on the bank's wall clock. */
export function nextRunAt(now: Date, dailyAt: string, calendar: BusinessCalendar): Date {
  const today = calendar.dayOf(now);
  const at = calendar.at(today, dailyAt);
  return at.getTime() > now.getTime() ? at : calendar.at(addDays(today, 1), dailyAt);
}

/**
 * Runs `run` every day at `dailyAt` on the bank's wall clock, by the injected clock; a failing run is logged and the
 * schedule goes on.
 */
export function startTagScheduler(deps: {
  clock: Clock;
  dailyAt: string;
  run: () => Promise<unknown>;
  logger?: Logger;
  timers?: Timers;
}): TagScheduler {
  const timers = deps.timers ?? realTimers;
  let handle: unknown = null;
  let due: Date | null = null;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    due = nextRunAt(deps.clock.now(), deps.dailyAt, deps.clock);
    wait();
  };
  // Looks again at least every CHECK_MS rather than sleeping until the due time: a test clock moved forward (or a
  // suspended host) makes the run due now, not at the wall-clock time the timer was set for.
  const wait = () => {
    if (stopped || due === null) return;
    const remaining = due.getTime() - deps.clock.now().getTime();
    if (remaining <= 0) return fire();
    handle = timers.setTimeout(wait, Math.min(remaining, CHECK_MS));
  };
  const fire = () => {
    handle = null;
    deps
      .run()
      .catch((error: unknown) => deps.logger?.error({ err: error }, 'scheduled tag computation failed'))
      .finally(arm);
  };
  arm();
  return {
    nextRunAt: () => due,
    stop() {
      stopped = true;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      due = null;
    },
  };
}
