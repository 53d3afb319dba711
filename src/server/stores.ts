import type { Config } from '../config/schema.ts';
import { openEventStore } from '../store/events/open.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { Stores } from './deps.ts';

/** Opens the operational and event stores the configuration points at, and applies migrations. */
export async function openStores(config: Config): Promise<Stores> {
  const operational = await openOperationalStore(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : { kind: 'pglite', dataDir: config.dataDir },
  );
  try {
    await migrate(operational);
    const events = await openEventStore(
      config.clickhouseUrl
        ? { kind: 'clickhouse', url: config.clickhouseUrl }
        : { kind: 'chdb', dataDir: config.dataDir },
    );
    return { operational, events };
  } catch (error) {
    await operational.close();
    throw error;
  }
}

/** Closes both stores. */
export async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.events.close(), stores.operational.close()]);
}
