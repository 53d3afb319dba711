import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWecomSimulator, type RunningSimulator } from '../../src/wecom/simulator/server.ts';
import { SimClock } from '../../src/wecom/simulator/world.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import { WECOM_TEST_ENV } from '../support/wecom-callbacks.ts';

// The simulator's pushed callbacks land in the real app's callback route and are applied: the two halves of issue #13
// (simulator, callbacks) agree on the envelope, the signature and the encryption under the same keys.

const NOW = '2026-11-23T10:00:00Z';

describe('simulator callbacks into the app', () => {
  let t: TestApp;
  let sim: RunningSimulator;

  beforeAll(async () => {
    t = await createTestApp({ now: NOW, env: { ...WECOM_TEST_ENV, FLYWHEEL_TAGS_DAILY_AT: 'off' } });
    await seedSyntheticBank(t.stores.operational.db, {
      staff: [{ id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager' }],
      pools: [{ managerId: 'AM1', orgUnitId: 'SB-A1', customers: 2 }],
      asOf: '2026-11-23',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    sim = await startWecomSimulator({
      corpId: WECOM_TEST_ENV.FLYWHEEL_WECOM_CORP_ID,
      secret: 'simulator-secret',
      // The app's clock is fixed at NOW; the simulator signs with the same time.
      clock: new SimClock(() => Date.parse(NOW)),
      callback: {
        url: `http://127.0.0.1:${port}/v1/wecom/callback`,
        token: WECOM_TEST_ENV.FLYWHEEL_WECOM_CALLBACK_TOKEN,
        encodingAESKey: WECOM_TEST_ENV.FLYWHEEL_WECOM_AES_KEY,
      },
      world: { staff: [{ userid: 'AM1', name: 'AM1' }], customers: [], friendships: [] },
    });
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    await t?.close();
  });

  const control = async (action: string, body: object) => {
    const res = await fetch(`${sim.url}/simulator/${action}`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const friendship = async () =>
    (
      await sql<{ removed_by: string | null }>`select removed_by from wecom_friendships
        where staff_id = 'AM1' and external_userid = 'wmSIM0001'`.execute(t.stores.operational.db)
    ).rows;

  it('applies a friendship made and then ended in WeCom', async () => {
    const added = await control('friendships/add', {
      userid: 'AM1',
      external_userid: 'wmSIM0001',
      name: '新客户',
    });
    expect(added).toMatchObject({ change_type: 'add_external_contact', callback: { status: 200 } });
    expect(await friendship()).toEqual([{ removed_by: null }]);
    const removed = await control('friendships/remove', {
      userid: 'AM1',
      external_userid: 'wmSIM0001',
      by: 'customer',
    });
    expect(removed).toMatchObject({ change_type: 'del_follow_user', callback: { status: 200 } });
    expect(await friendship()).toEqual([{ removed_by: 'customer' }]);
  });
});
