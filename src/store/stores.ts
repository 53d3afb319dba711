import type { EventStore } from './events/store.ts';
import type { OperationalStore } from './operational/store.ts';

/** Both stores, opened once per process. */
export interface Stores {
  readonly operational: OperationalStore;
  readonly events: EventStore;
}
