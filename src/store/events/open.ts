import { schemaStatements } from './sql.ts';
import type { EventStore } from './store.ts';

/** Where the event store lives: chDB in `<dataDir>/events` (a temporary directory when null), or a ClickHouse server. */
export type EventStoreTarget = { kind: 'chdb'; dataDir: string | null } | { kind: 'clickhouse'; url: string };

/** Opens the event store and applies schema.sql (idempotent: every statement is `IF NOT EXISTS`). */
export async function openEventStore(target: EventStoreTarget): Promise<EventStore> {
  // Each engine's driver is loaded only when used (the native chDB library alone takes a noticeable share of start-up).
  const store =
    target.kind === 'chdb'
      ? await (await import('./chdb-store.ts')).openChdbStore(target.dataDir)
      : await (await import('./clickhouse-store.ts')).openClickHouseStore(target.url);
  try {
    await applyEventSchema(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Applies schema.sql statement by statement; safe to run again on an existing store. */
export async function applyEventSchema(store: EventStore): Promise<void> {
  for (const statement of await schemaStatements()) await store.command(statement);
}
