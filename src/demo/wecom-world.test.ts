import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStores, type MemoryStores } from '../../test/support/memory-stores.ts';
import { seedDemoBank } from './seed.ts';
import { demoWecomWorld } from './wecom-world.ts';

// The simulator's world must line up with what the server seeded from the same settings: the same managers, the
// same WeCom friends under the same external_userid, each with the manager that owns the customer.

const OPTIONS = { customers: 400, days: 30, seed: 'flywheel', asOf: '2025-06-30' };
let stores: MemoryStores;

beforeAll(async () => {
  stores = await openMemoryStores();
  const seeded = await seedDemoBank({ store: stores.store, events: stores.events }, OPTIONS);
  if (!seeded.ok) throw new Error(seeded.error.message);
}, 120_000);

afterAll(async () => {
  await stores?.close();
});

describe('demoWecomWorld', () => {
  it('holds the seeded bank’s WeCom friends under their external_userid, with their owning manager', async () => {
    const rows = await stores.store.db
      .selectFrom('customers as c')
      .leftJoin('customer_owners as o', 'o.customer_id', 'c.id')
      .select(['c.wecom_external_userid', 'c.name', 'c.phone', 'o.manager_id'])
      .where('c.wecom_friend', '=', true)
      .orderBy('c.id')
      .execute();
    const world = demoWecomWorld(OPTIONS);
    expect(rows.length).toBeGreaterThan(50);
    expect(world.friendships.map((f) => [f.external_userid, f.userid])).toEqual(
      rows.map((r) => [r.wecom_external_userid, r.manager_id]),
    );
    expect(world.customers.map((c) => [c.external_userid, c.name, c.mobile])).toEqual(
      rows.map((r) => [r.wecom_external_userid, r.name, r.phone]),
    );
    const managers = await stores.store.db
      .selectFrom('staff')
      .select('id')
      .where('role', 'in', ['account_manager', 'branch_head'])
      .orderBy('id')
      .execute();
    expect(world.staff.map((s) => s.userid).sort()).toEqual(managers.map((m) => m.id));
  });

  it('is the same world every time for the same options', () => {
    expect(demoWecomWorld(OPTIONS)).toEqual(demoWecomWorld(OPTIONS));
  });
});
