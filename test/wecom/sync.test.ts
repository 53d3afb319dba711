import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { mobileSha256 } from '../../src/wecom/matching.ts';
import type { RunningSimulator } from '../../src/wecom/simulator/server.ts';
import { syncFriends, type SyncDeps } from '../../src/wecom/sync.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import { CORP_ID, SECRET, smallWorld } from '../support/wecom-sim.ts';
import { HttpWecomClient } from '../../src/wecom/client.ts';
import { startWecomSimulator } from '../../src/wecom/simulator/server.ts';

// Issue #13, item 4: the full friend sync against the simulator. Every page of batch/get_by_user (by cursor, 100 a
// page) becomes a manager's friendships, matched to customers by the phone the manager noted (its hash against the
// customer's); a manager whose list cannot be read whole keeps the friendships they had.

const AS_OF = '2026-11-23';
const logger = createLogger('silent');

describe('WeCom friend sync against the simulator', () => {
  let store: OperationalStore;
  let sim: RunningSimulator;
  let deps: SyncDeps;

  beforeAll(async () => {
    store = await openMigratedMemoryStore();
    await seedSyntheticBank(store.db, {
      staff: [
        { id: 'AM001', orgUnitId: 'SB-A1', role: 'account_manager' },
        { id: 'AM002', orgUnitId: 'SB-A1', role: 'account_manager' },
      ],
      pools: [
        { managerId: 'AM001', orgUnitId: 'SB-A1', customers: 240 },
        { managerId: 'AM002', orgUnitId: 'SB-A1', customers: 60 },
      ],
      asOf: AS_OF,
    });
    // The bank knows the phones of the first 280 customers (their hashes are the identity the sync matches on).
    const world = smallWorld({ am001: 240, am002: 60, am003: 0 });
    for (const [i, c] of world.customers.slice(0, 280).entries())
      await sql`update customers set phone_sha256 = ${mobileSha256(c.mobile!)} where id = ${i + 1}`.execute(
        store.db,
      );
    // No remark convention here: the simulator lists each friend's mobile as remark_mobiles, matched by its hash.
    const ordered = { ...world, friendships: world.friendships.map((f) => ({ ...f, remark: '' })) };
    sim = await startWecomSimulator({ corpId: CORP_ID, secret: SECRET, world: ordered });
    deps = {
      db: store.db,
      api: new HttpWecomClient({
        corpId: CORP_ID,
        secret: SECRET,
        baseUrl: sim.url,
        logger,
        retry: { attempts: 2, baseMs: 1, maxMs: 5 },
      }),
      clock: fixedClock(`${AS_OF}T10:00:00Z`),
      logger,
      match: ['unionid', 'phone', 'remark'],
      actor: 'user:admin',
    };
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await store?.close();
  });

  const friendships = async (staffId: string) =>
    (
      await sql<{
        n: string;
        matched: string;
      }>`select count(*) n, count(customer_id) matched from wecom_friendships
        where staff_id = ${staffId} and removed_at is null`.execute(store.db)
    ).rows[0];

  it('reads every page of each manager and matches friends by phone hash', async () => {
    const result = await syncFriends(deps);
    expect(result).toEqual([
      expect.objectContaining({ staffId: 'AM001', ok: true, listed: 240, added: 240 }),
      expect.objectContaining({ staffId: 'AM002', ok: true, listed: 60, added: 60 }),
    ]);
    expect(await friendships('AM001')).toEqual({ n: 240, matched: 240 });
    // 20 of AM002's friends have a phone the bank does not know: kept unmatched for manual linking.
    expect(await friendships('AM002')).toEqual({ n: 60, matched: 40 });
    const flags = await sql<{ n: string }>`select count(*) n from customers where wecom_friend`.execute(
      store.db,
    );
    expect(Number(flags.rows[0]!.n)).toBeGreaterThanOrEqual(280);
  });

  it('keeps a manager’s friendships when WeCom fails part way through the list, and syncs them next time', async () => {
    const before = await friendships('AM001');
    await fetch(`${sim.url}/simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'externalcontact/batch/get_by_user', kind: 'http_500', count: 3 }),
    });
    const [am001] = await syncFriends(deps, ['AM001']);
    expect(am001).toMatchObject({ staffId: 'AM001', ok: false });
    expect(await friendships('AM001')).toEqual(before);
    // The customer removed AM001 in WeCom meanwhile: the next sync marks that friendship removed.
    await fetch(`${sim.url}/simulator/friendships/remove`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userid: 'AM001', external_userid: 'wm0001', by: 'customer' }),
    });
    const [again] = await syncFriends(deps, ['AM001']);
    expect(again).toMatchObject({ ok: true, listed: 239, removed: 1 });
  });
});
