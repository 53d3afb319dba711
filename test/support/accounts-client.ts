import type { FastifyInstance, InjectOptions } from 'fastify';
import { seedSyntheticBank } from './synthetic-bank.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from './app.ts';
import { POOL_AS_OF, POOL_BANK } from './pool-app.ts';
import { createTestDatabase, postgresAvailable } from './postgres.ts';

/** What a call answered: status, parsed JSON (when it was JSON), raw text, headers and the session cookie set. */
export interface CallResult {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
  readonly body: any;
  readonly text: string;
  readonly headers: Record<string, string | string[] | number | undefined>;
  /** The fw_session cookie the response set, if any. */
  readonly cookie: string | undefined;
  readonly setCookie: string;
}

/** Who calls: a session cookie, an API key, or nobody. */
export type Caller = string | { key: string } | undefined;

/** Calls to the app by injection, as a client at a given address would make them. */
export interface AccountsClient {
  login(
    username: string,
    password: string,
    address: string,
    headers?: Record<string, string>,
  ): Promise<CallResult>;
  call(
    who: Caller,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<CallResult>;
}

/** A client of the account routes over `app.inject`. */
export function accountsClient(app: FastifyInstance): AccountsClient {
  const send = async (options: InjectOptions): Promise<CallResult> => {
    const res = await app.inject(options);
    let body: unknown;
    try {
      body = res.json();
    } catch {
      body = undefined;
    }
    const setCookie = res.headers['set-cookie'];
    return {
      status: res.statusCode,
      body,
      text: res.body,
      headers: res.headers,
      cookie: res.cookies.find((c) => c.name === 'fw_session')?.value,
      setCookie: Array.isArray(setCookie) ? setCookie.join('\n') : (setCookie ?? ''),
    };
  };
  return {
    login: (username, password, address, headers = {}) =>
      send({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { username, password },
        remoteAddress: address,
        headers,
      }),
    call: (who, method, url, body, headers = {}) =>
      send({
        method,
        url,
        headers: { ...(typeof who === 'object' ? { authorization: `Bearer ${who.key}` } : {}), ...headers },
        ...(typeof who === 'string' ? { cookies: { fw_session: who } } : {}),
        ...(body === undefined ? {} : { payload: body as object }),
      }),
  };
}

/** The engines the account tests run on: PGlite, and PostgreSQL when it answers. */
export async function accountEngines(): Promise<('PGlite' | 'PostgreSQL')[]> {
  return (await postgresAvailable()) ? ['PGlite', 'PostgreSQL'] : ['PGlite'];
}

/** The app on one engine with the pool test bank (org units, staff, customers), moved in time by `clock`. */
export async function openAccountsApp(
  engine: 'PGlite' | 'PostgreSQL',
  clock: Clock,
): Promise<{ t: TestApp; c: AccountsClient; close(): Promise<void> }> {
  const database = engine === 'PostgreSQL' ? await createTestDatabase('flywheel_accounts') : undefined;
  const t = await createTestApp({
    clock,
    env: { FLYWHEEL_TAGS_DAILY_AT: 'off' },
    ...(database ? { databaseUrl: database.url } : {}),
  });
  await seedSyntheticBank(t.stores.operational.db, {
    staff: POOL_BANK.staff,
    pools: POOL_BANK.pools,
    asOf: POOL_AS_OF,
  });
  return {
    t,
    c: accountsClient(t.app),
    async close() {
      await t.close();
      await database?.drop();
    },
  };
}
