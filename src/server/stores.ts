import type { Config } from '../config/schema.ts';
import { openEventStore } from '../store/events/open.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { Stores } from '../store/stores.ts';

/** Opens the operational and event stores the configuration points at, and applies migrations. */
export async function openStores(config: Config): Promise<Stores> {
  // The two stores are independent: opening them side by side saves the shorter of the two from every start.
  const [operational, events] = await Promise.allSettled([
    openOperationalStore(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, sandboxUrl: config.tags.sqlTagDatabaseUrl }
        : { kind: 'pglite', dataDir: config.dataDir },
    ).then(async (store) => {
      try {
        await migrate(store);
        return store;
      } catch (error) {
        await store.close();
        throw error;
      }
    }),
    openEventStore(
      config.clickhouseUrl
        ? { kind: 'clickhouse', url: config.clickhouseUrl }
        : { kind: 'chdb', dataDir: config.dataDir },
    ),
  ]);
  if (operational.status === 'fulfilled' && events.status === 'fulfilled') {
    return { operational: operational.value, events: events.value };
  }
  if (operational.status === 'fulfilled') await operational.value.close();
  if (events.status === 'fulfilled') await events.value.close();
  throw operational.status === 'rejected' ? operational.reason : (events as PromiseRejectedResult).reason;
}

/** Closes both stores. */
export async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.events.close(), stores.operational.close()]);
}
