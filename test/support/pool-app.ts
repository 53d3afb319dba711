import type { Clock } from '../../src/shared/clock.ts';
import { seedSyntheticBank } from './synthetic-bank.ts';
import { createTestApp, type TestApp } from './app.ts';
import { createTestDatabase, postgresAvailable } from './postgres.ts';

/** Who calls in the pool API tests. */
export type Caller = 'admin' | 'analyst' | 'am1' | 'am3' | 'bhA' | 'amNoStaff';

export const POOL_AS_OF = '2026-11-23';

/**
 * The pool test bank: branch A (sub-branches A1, A2) and branch B (B1). AM1 owns C1–C20 in A1, AM2 owns C21–C35 in
 * A2, AM3 owns C36–C45 in B1, C46–C50 in A1 have no owner. Every third customer has an open task for its owner.
 */
export const POOL_BANK = {
  staff: [
    { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 100 },
    { id: 'AM2', orgUnitId: 'SB-A2', role: 'account_manager', capacity: 100 },
    { id: 'AM3', orgUnitId: 'SB-B1', role: 'account_manager', capacity: 100 },
    { id: 'BH-A', orgUnitId: 'BR-A', role: 'branch_head' },
  ],
  pools: [
    { managerId: 'AM1', orgUnitId: 'SB-A1', customers: 20 },
    { managerId: 'AM2', orgUnitId: 'SB-A2', customers: 15 },
    { managerId: 'AM3', orgUnitId: 'SB-B1', customers: 10 },
    { managerId: null, orgUnitId: 'SB-A1', customers: 5 },
  ],
} as const;

/** A pool app on one engine, with a way to call it as each caller. */
export interface PoolApp {
  readonly t: TestApp;
  call(
    who: Caller,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
  ): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

/** The engines the pool API tests run on: embedded PGlite, and PostgreSQL when it answers. */
export async function poolAppEngines(
  options: { clock?: Clock } = {},
): Promise<{ name: string; open(): Promise<PoolApp> }[]> {
  const list = [{ name: 'PGlite', open: () => openPoolApp(undefined, options.clock) }];
  if (await postgresAvailable()) {
    list.push({
      name: 'PostgreSQL',
      async open() {
        const database = await createTestDatabase('flywheel_pool_api');
        const app = await openPoolApp(database.url, options.clock);
        return {
          ...app,
          async close() {
            await app.close();
            await database.drop();
          },
        };
      },
    });
  }
  return list;
}

async function openPoolApp(databaseUrl?: string, clock?: Clock): Promise<PoolApp> {
  const t = await createTestApp({
    now: `${POOL_AS_OF}T10:00:00Z`,
    ...(clock ? { clock } : {}),
    env: { FLYWHEEL_TAGS_DAILY_AT: 'off' },
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  await seedSyntheticBank(t.stores.operational.db, {
    staff: POOL_BANK.staff,
    pools: POOL_BANK.pools,
    asOf: POOL_AS_OF,
    taskEvery: 3,
  });
  const keys = {
    admin: (await t.auth.createApiKey({ name: 'admin', role: 'admin' }, 'test')).key,
    analyst: (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key,
    amNoStaff: (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key,
  };
  const sessions: Partial<Record<Caller, string>> = {};
  const users = [
    { caller: 'am1', username: 'am1', role: 'account_manager', staffId: 'AM1', orgUnitId: 'SB-A1' },
    { caller: 'am3', username: 'am3', role: 'account_manager', staffId: 'AM3', orgUnitId: 'SB-B1' },
    { caller: 'bhA', username: 'bh-a', role: 'branch_head', staffId: 'BH-A', orgUnitId: 'BR-A' },
  ] as const;
  for (const u of users) {
    await t.auth.createUser({ ...u, password: 'pool-test-pw' }, 'test');
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: u.username, password: 'pool-test-pw' },
    });
    sessions[u.caller] = login.cookies.find((c) => c.name === 'fw_session')?.value;
  }
  return {
    t,
    async call(who, method, url, body) {
      const key = (keys as Partial<Record<Caller, string>>)[who];
      const res = await t.app.inject({
        method,
        url,
        ...(key
          ? { headers: { authorization: `Bearer ${key}` } }
          : { cookies: { fw_session: sessions[who] ?? '' } }),
        ...(body === undefined ? {} : { payload: body as object }),
      });
      let parsed: unknown;
      try {
        parsed = res.json();
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, body: parsed, text: res.body };
    },
    close: () => t.close(),
  };
}
