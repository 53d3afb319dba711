import type { Config } from '../config/schema.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';

/** Both stores, opened once per process. */
export interface Stores {
  readonly operational: OperationalStore;
  readonly events: EventStore;
}

/** Everything the app is built from, passed explicitly (no module singletons). */
export interface AppDeps {
  readonly config: Config;
  readonly stores: Stores;
  readonly clock: Clock;
  readonly logger: Logger;
}
