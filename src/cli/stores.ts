import type { Config } from '../config/schema.ts';
import type { Stores } from '../store/stores.ts';
import { failInterruptedImports } from '../ingest/recovery.ts';
import { closeStores, openStores } from '../server/stores.ts';
import { adjustableClock, systemClock, type Clock } from '../shared/clock.ts';
import { storedClockOffset } from '../store/operational/system-state.ts';

/**
 * The command line's clock: the wall clock in the bank's zone (FLYWHEEL_TIMEZONE). Every command takes its clock,
 * and so its "today", from here (directly or through withStores), never from `new Date()`.
 */
export function cliClock(config: Config): Clock {
  return systemClock(config.timeZone);
}

/**
 * Opens the stores for one CLI command, runs it with them and the command line's clock, closes them, and sets the
 * exit code it returns.
 */
export async function withStores(
  config: Config,
  run: (stores: Stores, clock: Clock) => Promise<number>,
): Promise<void> {
  const adjustable = config.testClock ? adjustableClock(config.timeZone) : undefined;
  const clock = adjustable?.clock ?? cliClock(config);
  const stores = await openStores(config);
  try {
    // On a trial installation whose test clock was moved, a command's "today" is the moved one.
    adjustable?.setOffset(await storedClockOffset(stores.operational.db));
    // Imports a killed process left 'running' are closed as failed by whichever process starts next.
    await failInterruptedImports(stores.operational, clock);
    process.exitCode = await run(stores, clock);
  } finally {
    await closeStores(stores);
  }
}
