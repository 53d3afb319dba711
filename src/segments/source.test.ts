import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { createTestDatabase, postgresAvailable } from '../../test/support/postgres.ts';
import { FIXTURE_AS_OF, saveTagValues, seedSegmentFixture } from '../../test/support/segments-fixture.ts';
import type { EventStore } from '../store/events/store.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { evaluate } from './evaluate.ts';
import { SegmentIndexCache } from './index-cache.ts';
import type { CustomerIndex } from './index.ts';
import type { Rule } from './rule.ts';
import { buildStoreIndex, type StoreIndex } from './source.ts';
import { tagSource } from '../tags/segment-source.ts';

let store: OperationalStore;
let events: EventStore;
let stores: MemoryStores | undefined;

beforeAll(async () => {
  stores = await openMemoryStores();
  ({ store, events } = stores);
  await seedSegmentFixture(store.db);
});
afterAll(async () => {
  await stores?.close();
});

const members = async (index: CustomerIndex, rule: Rule) => {
  const r = await evaluate(rule, index, { today: FIXTURE_AS_OF });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.bitmap.toArray();
};

/** What the index of the fixture (test/support/segments-fixture.ts) must hold, on any engine. */
async function expectFixtureIndex(built: StoreIndex): Promise<void> {
  const index = built.index;
  expect(index.size).toBe(10);
  expect(built.tagsAsOf).toBe('2026-11-22');
  const types = Object.fromEntries(index.describe().attributes);
  expect(types).toMatchObject({
    age: 'number',
    aum: 'number',
    tier: 'string',
    branch: 'string',
    customer_since: 'date',
    wecom_friend: 'boolean',
    account_manager_id: 'string',
    monthly_income: 'number',
    vip: 'boolean',
    joined: 'date',
    mixed: 'string',
  });
  expect(types).not.toHaveProperty('nested');
  expect(built.skippedAttributes.get('nested')).toMatch(/nested/);
  expect(Object.fromEntries(built.jsonAttributes)).not.toHaveProperty('age'); // fills the age column instead

  // age from birth_date on the day (a birthday not yet reached counts one year less); JSON age fills the gap
  expect(await members(index, { attr: 'age', op: '=', value: 36 })).toEqual([1]);
  expect(await members(index, { attr: 'age', op: '=', value: 35 })).toEqual([2]);
  expect(await members(index, { attr: 'age', op: '=', value: 40 })).toEqual([9]);
  expect(await members(index, { attr: 'age', op: 'empty', value: true })).toEqual([3, 4, 5, 6, 7, 8, 10]);
  // branch = the sub-branch's branch
  expect(await members(index, { attr: 'branch', op: '=', value: 'B1' })).toEqual([1, 2, 3, 4, 5]);
  expect(await members(index, { attr: 'branch', op: 'empty', value: true })).toEqual([9, 10]);
  expect(await members(index, { attr: 'aum', op: '>=', value: 80_000 })).toEqual([8, 9, 10]);
  expect(await members(index, { attr: 'customer_since', op: '<', value: '2020-01-01' })).toEqual([
    1, 2, 3, 4, 5,
  ]);
  expect(await members(index, { attr: 'payroll', op: '=', value: true })).toEqual([1]);
  expect(await members(index, { attr: 'risk_level', op: '=', value: 3 })).toEqual([1, 2, 3, 4, 5]);
  expect(await members(index, { attr: 'account_manager_id', op: 'in', value: ['AM1'] })).toEqual([1, 2, 3]);
  expect(await members(index, { attr: 'monthly_income', op: 'between', value: [2000, 4000] })).toEqual([
    2, 3, 4,
  ]);
  expect(await members(index, { attr: 'vip', op: '=', value: false })).toEqual([2]);
  expect(await members(index, { attr: 'joined', op: '>', value: '2020-01-01' })).toEqual([2, 3]);
  expect(await members(index, { attr: 'mixed', op: 'in', value: ['5', 'five'] })).toEqual([1, 2]);
  // holdings: active only, summed per category; a zero balance still holds
  expect(await members(index, { holds: 'fund' })).toEqual([1]);
  expect(await members(index, { holds: 'fund', balance: { eq: 1500 } })).toEqual([1]);
  expect(await members(index, { holds: 'loan' })).toEqual([2]);
  // tags from the snapshot; a defined tag without a snapshot exists with its declared values, empty
  expect(await members(index, { tag: 'aum_tier', in: ['mass'] })).toEqual([1, 2, 3, 4]);
  expect(await members(index, { tag: 'lifecycle', in: ['portrait'] })).toEqual([]);
  // names from the definition; values and labels as the tag module declares them for the kind
  expect(built.tagInfo.get('aum_tier')).toMatchObject({ name: { en: 'AUM tier', zh: '资产层级' } });
  expect(built.tagInfo.get('aum_tier')?.values.slice(0, 2)).toEqual([
    { value: 'mass', label: { en: 'Mass', zh: '大众客户' } },
    { value: 'gold', label: { en: 'Gold', zh: '金卡' } },
  ]);
  expect(await members(index, { tag: 'aum_tier', in: ['private'] })).toEqual([]); // declared, nobody holds it
  expect(built.tagInfo.get('lifecycle')?.values.map((v) => v.value)).toEqual(['portrait', 'reached']);
  expect(built.consents.sms.toArray()).toEqual([1, 2, 3, 5, 7]);
  expect(built.consents.appPush.toArray()).toEqual([2, 6]);
}

describe('buildStoreIndex', () => {
  it('reads customers, holdings, consents and tags of the fixture into the index, in chunks of 3', async () => {
    await expectFixtureIndex(
      await buildStoreIndex(store.db, { asOf: FIXTURE_AS_OF, chunk: 3, tags: tagSource }),
    );
  });

  it('uses the latest tag snapshot on or before the day', async () => {
    const earlier = await buildStoreIndex(store.db, { asOf: '2026-11-21', tags: tagSource });
    expect(earlier.tagsAsOf).toBeNull();
    expect(await members(earlier.index, { tag: 'aum_tier', in: ['mass', 'gold'] })).toEqual([]);
  });
});

describe('SegmentIndexCache', () => {
  it('rebuilds the base only when customers or tags change, and the overlay when lists change', async () => {
    const cache = new SegmentIndexCache(
      { db: store.db, events, tags: tagSource, timeZone: 'Asia/Shanghai' },
      { checkEveryMs: 60_000 },
    );
    const first = await cache.get(FIXTURE_AS_OF);
    expect(await cache.get(FIXTURE_AS_OF)).toBe(first); // within checkEveryMs: no query at all

    cache.invalidate();
    const same = await cache.get(FIXTURE_AS_OF);
    expect(same.base).toBe(first.base);

    await store.db
      .insertInto('customer_lists')
      .values({
        id: 'L1',
        name: 'List one',
        members: 2,
        bitmap: new RoaringBitmap32([2, 4]).serialize('portable'),
        created_by: 'test',
      })
      .execute();
    cache.invalidate();
    const withList = await cache.get(FIXTURE_AS_OF);
    expect(withList.base).toBe(first.base); // lists are an overlay: no rebuild of customers
    expect(await members(withList.index, { list: 'L1' })).toEqual([2, 4]);
    expect(withList.lists.get('L1')).toEqual({ id: 'L1', name: 'List one', members: 2 });

    await store.db
      .updateTable('customers')
      .set({ aum: 1, updated_at: new Date() })
      .where('id', '=', 10)
      .execute();
    await saveTagValues(store.db, FIXTURE_AS_OF, { aum_tier: { mass: [1] } });
    cache.invalidate();
    const rebuilt = await cache.get(FIXTURE_AS_OF);
    expect(rebuilt.base).not.toBe(first.base);
    expect(rebuilt.base.tagsAsOf).toBe(FIXTURE_AS_OF);
    expect(await members(rebuilt.index, { attr: 'aum', op: '<', value: 10 })).toEqual([10]);
    expect(await members(rebuilt.index, { list: 'L1' })).toEqual([2, 4]);

    // a base slower to build than waitForBuildsUnderMs keeps serving while its successor builds in the background
    const patient = new SegmentIndexCache(
      { db: store.db, events, tags: tagSource, timeZone: 'Asia/Shanghai' },
      { checkEveryMs: 0, waitForBuildsUnderMs: 0 },
    );
    const old = await patient.get(FIXTURE_AS_OF);
    await store.db
      .updateTable('customers')
      .set({ aum: 2, updated_at: new Date() })
      .where('id', '=', 10)
      .execute();
    expect((await patient.get(FIXTURE_AS_OF)).base).toBe(old.base); // stale, while the new one builds
    let fresh = await patient.get(FIXTURE_AS_OF);
    for (let i = 0; fresh.base === old.base && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      fresh = await patient.get(FIXTURE_AS_OF);
    }
    expect(await members(fresh.index, { attr: 'aum', op: '=', value: 2 })).toEqual([10]);

    const catalogue = await rebuilt.catalogue();
    expect([...catalogue.tags.keys()].sort()).toEqual(['aum_tier', 'lifecycle']);
    expect(catalogue.lists.has('L1')).toBe(true);
  });
});

describe.runIf(await postgresAvailable())('on PostgreSQL', () => {
  it('builds the same index of the fixture, and the cache sees a new list', async () => {
    const database = await createTestDatabase('flywheel_segments');
    const pgStore = await openOperationalStore({ kind: 'postgres', url: database.url });
    try {
      await migrate(pgStore);
      await seedSegmentFixture(pgStore.db);
      await expectFixtureIndex(
        await buildStoreIndex(pgStore.db, { asOf: FIXTURE_AS_OF, chunk: 4, tags: tagSource }),
      );
      const cache = new SegmentIndexCache(
        { db: pgStore.db, events, tags: tagSource, timeZone: 'Asia/Shanghai' },
        { checkEveryMs: 0 },
      );
      const first = await cache.get(FIXTURE_AS_OF);
      await pgStore.db
        .insertInto('customer_lists')
        .values({
          id: 'L',
          name: 'L',
          members: 1,
          bitmap: new RoaringBitmap32([3]).serialize('portable'),
          created_by: 't',
        })
        .execute();
      const next = await cache.get(FIXTURE_AS_OF);
      expect(next.base).toBe(first.base);
      expect(await members(next.index, { list: 'L' })).toEqual([3]);
    } finally {
      await pgStore.close();
      await database.drop();
    }
  });
});
