import type { Config } from '../config/schema.ts';
import type { AdjustableClock, Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Stores } from '../store/stores.ts';

/** Everything the app is built from, passed explicitly (no module singletons); the server assembles it. */
export interface AppDeps {
  readonly config: Config;
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The test clock behind `clock` when FLYWHEEL_TEST_CLOCK is on (a trial installation); `clock` reads it. */
  readonly testClock?: AdjustableClock;
}
