import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { OperationalStore } from '../../src/store/operational/store.ts';
import { ensureCatalogue, loadDefinitions, writeDefinition } from '../../src/tags/definitions.ts';
import { saveTagSnapshot } from '../../src/tags/snapshot-store.ts';
import { mobileSha256 } from '../../src/wecom/matching.ts';
import type { RunningSimulator } from '../../src/wecom/simulator/server.ts';
import { syncFriends } from '../../src/wecom/sync.ts';
import { wecomTagKey } from '../../src/wecom/tag-import.ts';
import { publishTags, type TagPublishDeps } from '../../src/wecom/tag-publish.ts';
import { beginTagSync, runTagSync, syncWecomTags } from '../../src/wecom/tag-sync.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';
import { seedSyntheticBank } from '../support/synthetic-bank.ts';
import { rawCall, simulatorAndClient, smallWorld } from '../support/wecom-sim.ts';

// Issue #13, item 5: WeCom tags both ways, against the simulator. Chosen tags become corp-tag groups (mapped, never a
// second time), friends are marked where the bank's values differ from WeCom's, and a manager's own WeCom tags come
// back as manual tags.

const AS_OF = '2026-11-23';
const logger = createLogger('silent');
const clock = fixedClock(`${AS_OF}T10:00:00Z`);
const actor = 'user:admin';

describe('WeCom tags both ways against the simulator', () => {
  let store: OperationalStore;
  let sim: RunningSimulator;
  let deps: TagPublishDeps;

  const snapshot = (gender: Record<string, number[]>, fund: Record<string, number[]>) =>
    saveTagSnapshot(store.db, {
      asOf: AS_OF,
      universe: new RoaringBitmap32(Array.from({ length: 10 }, (_, i) => i + 1)),
      tags: new Map(
        Object.entries({ gender, holds_fund: fund }).map(([key, values]) => [
          key,
          {
            version: 1,
            values: new Map(Object.entries(values).map(([v, ids]) => [v, new RoaringBitmap32(ids)])),
          },
        ]),
      ),
    });
  const group = (name: string) => [...sim.world.tagGroups.values()].find((g) => g.group_name === name);
  const follow = (userid: string, external: string) => [
    ...(sim.world.follow(userid, external)?.tagIds ?? []),
  ];
  const tagId = async (key: string, value: string) =>
    (
      await store.db
        .selectFrom('wecom_corp_tags')
        .select('wecom_tag_id')
        .where('tag_key', '=', key)
        .where('value', '=', value)
        .executeTakeFirstOrThrow()
    ).wecom_tag_id;

  beforeAll(async () => {
    store = await openMigratedMemoryStore();
    await seedSyntheticBank(store.db, {
      staff: [
        { id: 'AM001', orgUnitId: 'SB-A1', role: 'account_manager' },
        { id: 'AM002', orgUnitId: 'SB-A1', role: 'account_manager' },
      ],
      pools: [
        { managerId: 'AM001', orgUnitId: 'SB-A1', customers: 6 },
        { managerId: 'AM002', orgUnitId: 'SB-A1', customers: 4 },
      ],
      asOf: AS_OF,
    });
    await ensureCatalogue(store.db, 'system');
    const world = smallWorld({ am001: 6, am002: 4, am003: 0 });
    for (const [i, c] of world.customers.entries())
      await sql`update customers set phone_sha256 = ${mobileSha256(c.mobile!)} where id = ${i + 1}`.execute(
        store.db,
      );
    const started = await simulatorAndClient({
      ...world,
      friendships: world.friendships.map((f) => ({ ...f, remark: '' })),
    });
    sim = started.sim;
    deps = { db: store.db, api: started.client, clock, actor };
    await syncFriends({ ...deps, logger, match: ['unionid', 'phone', 'remark'] });
    await snapshot(
      { male: [1, 2, 3], female: [4, 5], unknown: [6, 7, 8, 9, 10] },
      { yes: [1, 4], no: [2, 3, 5, 6, 7, 8, 9, 10] },
    );
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
    await store?.close();
  });

  it('publishes two tags as corp-tag groups, maps them, and creates nothing when published again', async () => {
    const published = await publishTags(deps, ['gender', 'holds_fund']);
    expect(published).toMatchObject({
      ok: true,
      value: [
        { tagKey: 'gender', groupName: '性别', created: 3 },
        { tagKey: 'holds_fund', groupName: '持有基金', created: 2 },
      ],
    });
    expect([...group('性别')!.tags.values()].map((t) => t.name).sort()).toEqual(['女', '未知', '男'].sort());
    expect(group('持有基金')!.tags.size).toBe(2);
    const mapping = await store.db.selectFrom('wecom_corp_tags').selectAll().execute();
    expect(mapping).toHaveLength(5);
    expect(new Set(mapping.filter((m) => m.tag_key === 'gender').map((m) => m.wecom_group_id))).toEqual(
      new Set([group('性别')!.group_id]),
    );
    const count = sim.world.tagCount();
    const again = await publishTags(deps, ['gender', 'holds_fund']);
    expect(again).toMatchObject({
      ok: true,
      value: [
        { created: 0, renamed: 0 },
        { created: 0, renamed: 0 },
      ],
    });
    expect(sim.world.tagCount()).toBe(count);
    const audited = await store.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'wecom.tags_published')
      .orderBy('entity_id')
      .execute();
    expect(audited.map((a) => a.entity_id)).toEqual(['gender', 'holds_fund']);
  });

  it('renames a corp tag in place when a value’s label changes', async () => {
    const [gender] = await loadDefinitions(store.db, { keys: ['gender'] });
    const maleId = await tagId('gender', 'male');
    const spec = gender!.spec as { values: { label: { zh: string } }[] };
    spec.values[0]!.label.zh = '男性';
    await store.db
      .transaction()
      .execute((tx) => writeDefinition(tx, gender!, { actor, action: 'tags.update' }));
    const published = await publishTags(deps, ['gender']);
    expect(published).toMatchObject({ ok: true, value: [{ created: 0, renamed: 1 }] });
    expect(sim.world.findTag(maleId)?.tag.name).toBe('男性');
  });

  it('refuses to publish past 3,000 corp tags, saying how many exist, and changes nothing', async () => {
    const crowded = await simulatorAndClient({
      ...smallWorld({ am001: 1, am002: 0, am003: 0 }),
      manualTags: Array.from({ length: 30 }, (_, g) => ({
        group_name: `组${g}`,
        tags: Array.from({ length: g === 0 ? 97 : 100 }, (_, t) => `标签${g}-${t}`),
      })),
    });
    try {
      const before = crowded.sim.world.tagCount();
      expect(before).toBe(2997);
      // A bank of its own: the simulators number their ids alike, so the first one's mapping would look live here.
      const empty = await openMigratedMemoryStore();
      await ensureCatalogue(empty.db, 'system');
      const refused = await publishTags({ ...deps, db: empty.db, api: crowded.client }, [
        'gender',
        'holds_fund',
      ]);
      expect(await empty.db.selectFrom('wecom_corp_tags').select('tag_key').execute()).toHaveLength(0);
      await empty.close();
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'conflict', details: { reason: 'tag_limit', existing: 2997, adding: 5, limit: 3000 } },
      });
      expect(crowded.sim.world.tagCount()).toBe(before);
    } finally {
      await crowded.sim.close();
    }
  });

  it('marks exactly the differences on each friend, and a rerun calls nothing', async () => {
    const [male, female, unknown, fundYes, fundNo] = await Promise.all([
      tagId('gender', 'male'),
      tagId('gender', 'female'),
      tagId('gender', 'unknown'),
      tagId('holds_fund', 'yes'),
      tagId('holds_fund', 'no'),
    ]);
    const first = await syncWecomTags(deps);
    expect(first).toMatchObject({ compared: 10, marked: 10, failed: 0 });
    expect(follow('AM001', 'wm0001').sort()).toEqual([male, fundYes].sort());
    expect(follow('AM002', 'wm0010').sort()).toEqual([unknown, fundNo].sort());
    expect(await syncWecomTags(deps)).toMatchObject({ compared: 10, marked: 0, failed: 0 });
    // One pass at a time: while one is begun and unfinished, another start answers it.
    const begun = await beginTagSync(deps);
    expect('started' in begun).toBe(true);
    const again = await beginTagSync(deps);
    expect(again).toMatchObject({ running: { finishedAt: null } });
    await expect(syncWecomTags(deps)).rejects.toThrow(/a WeCom tag sync is running/);
    if ('started' in begun) await runTagSync(deps, begun.started);
    // Customer 1 is female now; a manager's own tag on them in WeCom stays untouched.
    const own = [...group('客户等级')!.tags.values()][0]!.id;
    expect(
      (
        await rawCall(sim, 'externalcontact/mark_tag', {
          userid: 'AM001',
          external_userid: 'wm0001',
          add_tag: [own],
        })
      ).errcode,
    ).toBe(0);
    await snapshot(
      { male: [2, 3], female: [1, 4, 5], unknown: [6, 7, 8, 9, 10] },
      { yes: [1, 4], no: [2, 3, 5, 6, 7, 8, 9, 10] },
    );
    expect(await syncWecomTags(deps)).toMatchObject({ marked: 1, failed: 0 });
    expect(follow('AM001', 'wm0001').sort()).toEqual([female, fundYes, own].sort());
    expect(await syncWecomTags(deps)).toMatchObject({ marked: 0 });
  });

  it('counts WeCom’s per-friend refusals by errcode without throwing', async () => {
    sim.world.unfriend('AM002', 'wm0009');
    await snapshot(
      { male: [2, 3], female: [1, 4, 5, 9], unknown: [6, 7, 8, 10] },
      { yes: [1, 4], no: [2, 3, 5, 6, 7, 8, 9, 10] },
    );
    const outcome = await syncWecomTags(deps);
    expect(outcome).toMatchObject({ marked: 1, failed: 1, errcodes: { '84061': 1 } });
    expect(outcome.failures).toEqual([
      expect.objectContaining({ staffId: 'AM002', externalUserid: 'wm0009', errcode: 84061 }),
    ]);
  });

  it('brings a manager’s own WeCom tag back as a manual tag value of the customer, once', async () => {
    const levels = group('客户等级')!;
    const important = [...levels.tags.values()].find((t) => t.name === '重要客户')!;
    await rawCall(sim, 'externalcontact/mark_tag', {
      userid: 'AM002',
      external_userid: 'wm0008',
      add_tag: [important.id],
    });
    await syncFriends({ ...deps, logger, match: ['unionid', 'phone', 'remark'] });
    const outcome = await syncWecomTags(deps);
    // The group became a manual tag (without values) at the first pass; now customers 1 and 8 carry it.
    expect(outcome).toMatchObject({ importedTags: 0, importedValues: 2 });
    const key = wecomTagKey(levels.group_id);
    const [def] = await loadDefinitions(store.db, { keys: [key] });
    expect(def).toMatchObject({ kind: 'manual', name_zh: '企业微信：客户等级', category: 'custom' });
    const values = await store.db
      .selectFrom('manual_tag_values')
      .select(['customer_id', 'value'])
      .where('tag_key', '=', key)
      .orderBy('customer_id')
      .execute();
    expect(values).toEqual([
      { customer_id: 1, value: important.id },
      { customer_id: 8, value: important.id },
    ]);
    expect(await syncWecomTags(deps)).toMatchObject({
      importedTags: 0,
      importedValues: 0,
      marked: expect.any(Number),
    });
    const audits = await store.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', key)
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['tags.create', 'tags.import_values']);
  });
});
