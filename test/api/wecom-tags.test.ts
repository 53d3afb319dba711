import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCatalogue } from '../../src/tags/definitions.ts';
import type { RunningSimulator } from '../../src/wecom/simulator/server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import { CORP_ID, SECRET, simulatorAndClient, smallWorld } from '../support/wecom-sim.ts';

// Issue #13 item 5 over the real app, connected to the simulator: publishing through the route creates the corp-tag
// group once, the state route shows it with its WeCom ids, and a sync pass is recorded as the last outcome. The
// marking and importing themselves are tested in test/wecom/tags.test.ts.

const PASSWORD = 'wecom-tags-pw';

describe('WeCom tag routes against the simulator', () => {
  let t: TestApp;
  let sim: RunningSimulator;
  let cookie: string;

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, cookies: { fw_session: cookie }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    sim = (await simulatorAndClient(smallWorld({ am001: 2, am002: 0, am003: 0 }))).sim;
    t = await createTestApp({
      env: {
        FLYWHEEL_WECOM_CORP_ID: CORP_ID,
        FLYWHEEL_WECOM_SECRET: SECRET,
        FLYWHEEL_WECOM_BASE_URL: sim.url,
        FLYWHEEL_TAGS_DAILY_AT: 'off',
      },
    });
    const db = t.stores.operational.db;
    await seedSyntheticBank(db, {
      staff: [{ id: 'AM001', orgUnitId: 'SB-A1', role: 'account_manager' }],
      pools: [{ managerId: 'AM001', orgUnitId: 'SB-A1', customers: 2 }],
      asOf: '2026-11-23',
    });
    await ensureCatalogue(db, 'system');
    await t.auth.createUser({ username: 'admin', role: 'admin', password: PASSWORD }, 'test');
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    cookie = login.cookies.find((c) => c.name === 'fw_session')!.value;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('publishes a tag once, shows it with its WeCom ids, and records a sync pass', async () => {
    const first = await call('POST', '/v1/wecom/tags/publish', { tagKeys: ['gender'] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ tags: [{ tagKey: 'gender', groupName: '性别', created: 3 }] });
    const again = await call('POST', '/v1/wecom/tags/publish', { tagKeys: ['gender'] });
    expect(again.json()).toMatchObject({ tags: [{ created: 0, renamed: 0, deleted: 0 }] });
    const unknown = await call('POST', '/v1/wecom/tags/publish', { tagKeys: ['no_such_tag'] });
    expect(unknown.statusCode).toBe(404);

    // The pass runs in the background: started (202), then it finishes.
    const sync = await call('POST', '/v1/wecom/tags/sync', {});
    expect(sync.statusCode).toBe(202);
    expect(sync.json()).toMatchObject({ finishedAt: null });
    let state = await call('GET', '/v1/wecom/tags');
    for (
      let i = 0;
      i < 100 && (state.json() as { lastSync: { finishedAt: string | null } }).lastSync.finishedAt === null;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = await call('GET', '/v1/wecom/tags');
    }
    const body = state.json() as {
      connected: boolean;
      published: { tagKey: string; groupId: string; values: { wecomTagId: string }[] }[];
      lastSync: { id: number; finishedAt: string | null } | null;
    };
    const group = [...sim.world.tagGroups.values()].find((g) => g.group_name === '性别')!;
    expect(body.connected).toBe(true);
    expect(body.published).toEqual([expect.objectContaining({ tagKey: 'gender', groupId: group.group_id })]);
    expect(body.published[0]!.values.map((v) => v.wecomTagId).sort()).toEqual([...group.tags.keys()].sort());
    expect(body.lastSync).toMatchObject({
      id: (sync.json() as { id: number }).id,
      finishedAt: expect.any(String),
    });
  });
});
