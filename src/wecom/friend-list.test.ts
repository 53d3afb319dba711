import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { seedSyntheticBank } from '../../test/support/synthetic-bank.ts';
import { clockOf } from '../shared/clock.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { applyFriendList, type ListedContact } from './friend-list.ts';
import { linkFriend } from './friendships.ts';
import { wecomCoverage } from './friends.ts';
import { mobileSha256 } from './matching.ts';

// The full-sync step on PGlite with literal batch/get_by_user answers: friends upserted and matched, friends no longer
// listed removed, manual links kept, the customers' WeCom flags and the coverage figures following.

let now = new Date('2026-11-23T02:00:00Z');
const clock = clockOf(() => now, 'Asia/Shanghai');
const MATCH = ['unionid', 'phone', 'remark'] as const;
const deps = { clock, match: MATCH, actor: 'system:wecom-sync' };

/** One entry of WeCom's answer, in its wire names. */
const listed = (
  externalUserid: string,
  follow: {
    remark?: string;
    mobiles?: string[];
    unionid?: string;
    userid?: string;
    createtime?: number;
  } = {},
): ListedContact => ({
  external_contact: {
    external_userid: externalUserid,
    name: `客户${externalUserid}`,
    type: 1,
    ...(follow.unionid ? { unionid: follow.unionid } : {}),
  },
  follow_info: {
    userid: follow.userid ?? 'AM1',
    remark: follow.remark ?? '',
    ...(follow.mobiles ? { remark_mobiles: follow.mobiles } : {}),
    tag_id: ['etTAG'],
    add_way: 1,
    createtime: follow.createtime ?? Date.parse('2026-11-20T01:00:00Z') / 1000,
  },
});

describe('applyFriendList', () => {
  let store: OperationalStore;
  const db = () => store.db;
  const friendships = () =>
    db()
      .selectFrom('wecom_friendships')
      .select(['external_userid', 'customer_id', 'matched_by', 'removed_at'])
      .where('staff_id', '=', 'AM1')
      .orderBy('external_userid')
      .execute();
  const friendFlags = async () =>
    (await db().selectFrom('customers').select(['id', 'wecom_friend']).orderBy('id').execute())
      .filter((c) => c.wecom_friend)
      .map((c) => c.id);

  beforeAll(async () => {
    store = await openMigratedMemoryStore();
    await seedSyntheticBank(db(), {
      staff: [
        { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager' },
        { id: 'AM2', orgUnitId: 'SB-A2', role: 'account_manager' },
      ],
      pools: [
        { managerId: 'AM1', orgUnitId: 'SB-A1', customers: 4 },
        { managerId: 'AM2', orgUnitId: 'SB-A2', customers: 2 },
      ],
      asOf: '2026-11-23',
    });
    await db().updateTable('customers').set({ wecom_friend: false }).execute();
    await db()
      .insertInto('customer_identities')
      .values({ kind: 'wechat_unionid', value: 'union-2', customer_id: 2 })
      .execute();
    await db()
      .updateTable('customers')
      .set({ phone_sha256: mobileSha256('13900000003') })
      .where('id', '=', 3)
      .execute();
  });
  afterAll(async () => store?.close());

  it('upserts and matches a staff member’s friends, keeping the unmatched for manual linking', async () => {
    const summary = await applyFriendList(
      db(),
      'AM1',
      [
        listed('wmA', { remark: '老客户 C000000001' }),
        listed('wmB', { unionid: 'union-2' }),
        listed('wmC', { mobiles: ['139 0000 0003'] }),
        listed('wmD', { remark: '朋友介绍' }),
        // Another staff member's entry in the same page is not AM1's friendship.
        listed('wmE', { userid: 'AM2', remark: 'C000000005' }),
      ],
      deps,
    );
    expect(summary).toEqual({ listed: 4, added: 4, removed: 0, matched: 3, unmatched: 1 });
    expect(await friendships()).toEqual([
      { external_userid: 'wmA', customer_id: 1, matched_by: 'remark', removed_at: null },
      { external_userid: 'wmB', customer_id: 2, matched_by: 'unionid', removed_at: null },
      { external_userid: 'wmC', customer_id: 3, matched_by: 'phone', removed_at: null },
      { external_userid: 'wmD', customer_id: null, matched_by: null, removed_at: null },
    ]);
    expect(await friendFlags()).toEqual([1, 2, 3]);
    const identities = await db()
      .selectFrom('customer_identities')
      .select(['value', 'customer_id'])
      .where('kind', '=', 'wecom')
      .orderBy('value')
      .execute();
    expect(identities).toEqual([
      { value: 'wmA', customer_id: 1 },
      { value: 'wmB', customer_id: 2 },
      { value: 'wmC', customer_id: 3 },
    ]);
    // Mobiles are kept as hashes only; WeCom's name is kept for manual linking.
    const row = await db()
      .selectFrom('wecom_friendships')
      .select(['remark_mobile_sha256', 'wecom_tag_ids'])
      .where('external_userid', '=', 'wmC')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ remark_mobile_sha256: [mobileSha256('13900000003')], wecom_tag_ids: ['etTAG'] });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['entity_id', 'details'])
      .where('action', '=', 'wecom.friends_synced')
      .execute();
    expect(audit).toMatchObject([{ entity_id: 'AM1', details: { listed: 4, newlyMatched: 3 } }]);
  });

  it('links an unmatched friend by hand within scope, and a later sync keeps the link', async () => {
    const outside = await linkFriend(
      { db: db(), clock },
      { kind: 'own', staffId: 'AM1' },
      { staffId: 'AM1', externalUserid: 'wmD', customerNo: 'C000000005' },
      'user:am1',
    );
    expect(outside).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const linked = await linkFriend(
      { db: db(), clock },
      { kind: 'own', staffId: 'AM1' },
      { staffId: 'AM1', externalUserid: 'wmD', customerNo: 'C000000004' },
      'user:am1',
    );
    expect(linked).toEqual({ ok: true, value: { customerNo: 'C000000004', previousCustomerId: null } });
    const audit = await db()
      .selectFrom('audit_log')
      .select(['actor', 'entity_id'])
      .where('action', '=', 'wecom.friend_linked')
      .execute();
    expect(audit).toEqual([{ actor: 'user:am1', entity_id: 'C000000004' }]);

    // Next day: wmA is gone (removed), wmD still listed with a remark that would point elsewhere; wmF is new.
    now = new Date('2026-11-24T02:00:00Z');
    const summary = await applyFriendList(
      db(),
      'AM1',
      [
        listed('wmB', { unionid: 'union-2' }),
        listed('wmC', { mobiles: ['13900000003'] }),
        listed('wmD', { remark: 'C000000001' }),
        listed('wmF', { createtime: Date.parse('2026-11-24T01:00:00Z') / 1000 }),
      ],
      deps,
    );
    expect(summary).toEqual({ listed: 4, added: 1, removed: 1, matched: 3, unmatched: 1 });
    const rows = await friendships();
    expect(rows.map((r) => [r.external_userid, r.customer_id, r.matched_by, r.removed_at !== null])).toEqual([
      ['wmA', 1, 'remark', true],
      ['wmB', 2, 'unionid', false],
      ['wmC', 3, 'phone', false],
      ['wmD', 4, 'manual', false],
      ['wmF', null, null, false],
    ]);
    expect(await friendFlags()).toEqual([2, 3, 4]);
    const changes = await db()
      .selectFrom('wecom_friendship_changes')
      .select(['external_userid', 'change'])
      .orderBy('id')
      .execute();
    expect(changes.map((c) => `${c.external_userid}:${c.change}`)).toEqual([
      'wmA:added',
      'wmB:added',
      'wmC:added',
      'wmD:added',
      'wmD:linked',
      'wmF:added',
      'wmA:removed',
    ]);
  });

  it('reports coverage per manager for the bank’s business week', async () => {
    const report = await wecomCoverage(db(), { kind: 'all' }, clock);
    expect(report.week).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(report.managers).toEqual([
      expect.objectContaining({
        staffId: 'AM1',
        friends: 4,
        matched: 3,
        unmatched: 1,
        addedThisWeek: 1,
        lostThisWeek: 1,
      }),
      expect.objectContaining({
        staffId: 'AM2',
        friends: 0,
        matched: 0,
        unmatched: 0,
        addedThisWeek: 0,
        lostThisWeek: 0,
      }),
    ]);
    const own = await wecomCoverage(db(), { kind: 'own', staffId: 'AM2' }, clock);
    expect(own.managers.map((m) => m.staffId)).toEqual(['AM2']);
  });
});
