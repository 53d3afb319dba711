import { migrate } from '../../src/store/operational/migrate.ts';
import { openOperationalStore } from '../../src/store/operational/open.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { openMigratedMemoryStore } from './pglite.ts';
import { createTestDatabase, postgresAvailable } from './postgres.ts';

/** One engine a contract-style suite runs against: opens a fresh, migrated, empty operational store. */
export interface StoreEngine {
  readonly name: 'PGlite' | 'PostgreSQL';
  open(): Promise<{ store: OperationalStore; dispose(): Promise<void> }>;
}

/**
 * PGlite always, PostgreSQL when it answers (postgresAvailable prints a notice otherwise, and throws under
 * FLYWHEEL_REQUIRE_SERVERS=1), so a suite written once over `engines()` runs against both.
 */
export async function engines(): Promise<StoreEngine[]> {
  const list: StoreEngine[] = [
    {
      name: 'PGlite',
      async open() {
        const store = await openMigratedMemoryStore();
        return { store, dispose: () => store.close() };
      },
    },
  ];
  if (await postgresAvailable()) {
    list.push({
      name: 'PostgreSQL',
      async open() {
        const database = await createTestDatabase('flywheel_pool');
        const store = await openOperationalStore({ kind: 'postgres', url: database.url });
        await migrate(store);
        return {
          store,
          async dispose() {
            await store.close();
            await database.drop();
          },
        };
      },
    });
  }
  return list;
}
