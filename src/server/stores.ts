import type { Config } from '../config/schema.ts';
import { AppError } from '../shared/errors.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { Stores } from '../store/stores.ts';

/**
 * Opens the operational and event stores the configuration points at, and applies migrations. `pgliteTemplate`: a
 * PGlite data-dir dump an empty embedded store starts from (test apps start from a migrated one).
 */
export async function openStores(config: Config, options: { pgliteTemplate?: Blob } = {}): Promise<Stores> {
  // The two stores are independent: opening them side by side saves the shorter of the two from every start.
  const [operational, events] = await Promise.allSettled([
    openOperationalStore(
      config.databaseUrl
        ? { kind: 'postgres', url: config.databaseUrl, sandboxUrl: config.tags.sqlTagDatabaseUrl }
        : {
            kind: 'pglite',
            dataDir: config.dataDir,
            ...(options.pgliteTemplate ? { template: options.pgliteTemplate } : {}),
          },
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
    const stores = { operational: operational.value, events: events.value };
    const known = await knowsTimeZone(events.value, config.timeZone).catch(async (error: unknown) => {
      await closeStores(stores);
      throw error;
    });
    if (!known) {
      await closeStores(stores);
      throw timeZoneUnknown(config.timeZone);
    }
    return stores;
  }
  if (operational.status === 'fulfilled') await operational.value.close();
  if (events.status === 'fulfilled') await events.value.close();
  throw operational.status === 'rejected' ? operational.reason : (events as PromiseRejectedResult).reason;
}

/** Closes both stores. */
export async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.events.close(), stores.operational.close()]);
}

/** Whether the event store can cut days in `zone` (its own tz database may lag or differ from Node's). */
async function knowsTimeZone(events: EventStore, zone: string): Promise<boolean> {
  const rows = await events.query<{ n: number }>(
    'SELECT count() AS n FROM system.time_zones WHERE time_zone = {zone:String}',
    { zone },
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/** The configuration problem of a zone Node knows and the event store does not (printed like loadConfig's). */
function timeZoneUnknown(zone: string): AppError {
  const problem = {
    variable: 'FLYWHEEL_TIMEZONE',
    message: `the event store does not know the time zone ${JSON.stringify(zone)}`,
  };
  return new AppError('config_invalid', `${problem.variable}: ${problem.message}`, { problems: [problem] });
}
