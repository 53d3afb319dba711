import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/load.ts';
import { AuthService } from '../../src/auth/service.ts';
import { createApp } from '../../src/server/app.ts';
import type { Config } from '../../src/config/schema.ts';
import type { Stores } from '../../src/store/stores.ts';
import { closeStores, openStores } from '../../src/server/stores.ts';
import { fixedClock, type AdjustableClock, type Clock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { TEST_PASSWORD_COST, TEST_PASSWORD_ENV } from './password-cost.ts';
import { migratedTemplate } from './pglite.ts';

/** A real app over real embedded stores in a temporary directory, for API tests. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly stores: Stores;
  readonly auth: AuthService;
  readonly clock: Clock;
  close(): Promise<void>;
}

/**
 * Builds the app on fresh embedded stores (PGlite + chDB in a temp dir), or PostgreSQL when `databaseUrl` is given;
 * the clock is fixed at `now` unless a clock is given (a test that moves time passes its own).
 */
export async function createTestApp(
  options: {
    databaseUrl?: string;
    now?: string;
    clock?: Clock;
    env?: Record<string, string>;
    /** A test clock (FLYWHEEL_TEST_CLOCK on): the app reads and moves it. */
    testClock?: AdjustableClock;
  } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-test-'));
  const parsed = loadConfig({
    FLYWHEEL_DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    FLYWHEEL_SEED_DEMO: 'never',
    ...TEST_PASSWORD_ENV,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const config = parsed.value;
  const clock =
    options.testClock?.clock ??
    options.clock ??
    fixedClock(options.now ?? '2026-11-23T10:00:00Z', config.timeZone);
  const stores = await openTestStores(config);
  const testClock = options.testClock ? { testClock: options.testClock } : {};
  const app = await createApp({ config, stores, clock, logger: createLogger('warn'), ...testClock });
  await app.ready();
  return {
    app,
    stores,
    clock,
    auth: new AuthService({
      db: stores.operational.db,
      clock,
      sessionTtlHours: 12,
      passwordCost: TEST_PASSWORD_COST,
    }),
    async close() {
      await app.close();
      await closeStores(stores);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The stores of a test configuration, as `flywheel start` opens them, except that an empty embedded store starts from
 * the migrated template: initdb and the migrations are the same for every test app (5–12 s each on this machine).
 */
export async function openTestStores(config: Config): Promise<Stores> {
  const template = config.databaseUrl ? undefined : await migratedTemplate();
  return openStores(config, template ? { pgliteTemplate: template } : {});
}
