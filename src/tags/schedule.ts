import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';

// The daily schedule, at a configured time of day (UTC): it fires the daily batch (src/server/daily.ts: tags, then
// segments materialised on them, then reminders).

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

/** A running daily schedule. */
export interface TagScheduler {
  /** When the next run is due. */
  readonly nextRunAt: () => Date | null;
  stop(): void;
}

/** The first instant strictly after `now` at `dailyAt` ('HH:MM', UTC). */
export function nextRunAt(now: Date, dailyAt: string): Date {
  const [h, m] = dailyAt.split(':').map(Number) as [number, number];
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m));
  if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

/** Runs `run` every day at `dailyAt` (UTC) by the injected clock; a failing run is logged and the schedule goes on. */
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
    due = nextRunAt(deps.clock.now(), deps.dailyAt);
    handle = timers.setTimeout(fire, Math.max(0, due.getTime() - deps.clock.now().getTime()));
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
