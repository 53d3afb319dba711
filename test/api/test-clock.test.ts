import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createApp } from '../../src/server/app.ts';
import { adjustableClock, systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { storedClockOffset } from '../../src/store/operational/system-state.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

// The test clock of a trial installation: an admin moves "now" forward (never back), every move is audited and
// stored so a restart — or a worker process on the same store — keeps the moved time; other roles may only read it,
// and an installation with the test clock off refuses the move with a reason.

const WALL = Date.parse('2026-12-07T02:00:00Z'); // 10:00 in Shanghai
let t: TestApp;
let off: TestApp | undefined;
const keys: Record<string, string> = {};
const clock = adjustableClock('Asia/Shanghai', () => WALL);

const call = async (app: TestApp, key: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const res = await app.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() };
};

beforeAll(async () => {
  t = await createTestApp({ testClock: clock });
  for (const role of ['admin', 'analyst'] as const)
    keys[role] = (await t.auth.createApiKey({ name: role, role }, 'test')).key;
});
afterAll(async () => {
  await off?.app.close();
  await t?.close();
});

describe('test clock', () => {
  it('moves now and the business day forward for an admin, audited and stored', async () => {
    const before = await call(t, keys.admin!, 'GET', '/v1/test-clock');
    expect(before.body).toMatchObject({ enabled: true, today: '2026-12-07', offsetMs: 0 });

    const moved = await call(t, keys.admin!, 'POST', '/v1/test-clock/advance', { days: 2, hours: 15 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ today: '2026-12-10', now: '2026-12-09T17:00:00.000Z' });
    expect(clock.clock.today()).toBe('2026-12-10'); // the app's clock is the one every domain reads
    expect(await storedClockOffset(t.stores.operational.db)).toBe((2 * 24 + 15) * 3_600_000);

    const audit = await t.stores.operational.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'test_clock.advance')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ by: { days: 2, hours: 15 }, to: '2026-12-09T17:00:00.000Z' });

    // A restart (or a worker process) restores the stored offset; a smaller one never moves time back.
    const restarted = adjustableClock('Asia/Shanghai', () => WALL);
    restarted.setOffset(await storedClockOffset(t.stores.operational.db));
    expect(restarted.clock.today()).toBe('2026-12-10');
    restarted.setOffset(0);
    expect(restarted.clock.today()).toBe('2026-12-10');
  });

  it('refuses other roles, empty or oversized moves, and an installation whose test clock is off', async () => {
    expect((await call(t, keys.analyst!, 'GET', '/v1/test-clock')).status).toBe(200);
    const analyst = await call(t, keys.analyst!, 'POST', '/v1/test-clock/advance', { days: 1 });
    expect(analyst.status).toBe(403);
    const zero = await call(t, keys.admin!, 'POST', '/v1/test-clock/advance', { days: 0 });
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body)).toContain('more than zero');
    const back = await call(t, keys.admin!, 'POST', '/v1/test-clock/advance', { days: -1 });
    expect(back.status).toBe(400);
    expect(
      (await call(t, keys.admin!, 'POST', '/v1/test-clock/advance', { days: 300, hours: 2000 })).status,
    ).toBe(400);

    // The same stores served by an installation whose test clock is off (chDB binds one directory per process).
    const config = loadConfig({ LOG_LEVEL: 'warn', FLYWHEEL_SEED_DEMO: 'never', FLYWHEEL_TEST_CLOCK: 'off' });
    if (!config.ok) throw new Error(JSON.stringify(config.error));
    const app = await createApp({
      config: config.value,
      stores: t.stores,
      clock: systemClock('Asia/Shanghai'),
      logger: createLogger('warn'),
    });
    off = { ...t, app };
    const key = keys.admin!;
    expect((await call(off, key, 'GET', '/v1/test-clock')).body).toMatchObject({
      enabled: false,
      offsetMs: 0,
    });
    const refused = await call(off, key, 'POST', '/v1/test-clock/advance', { days: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('FLYWHEEL_TEST_CLOCK');
  });
});
