import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../test/support/stores.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { seedDemoBank } from '../demo/seed.ts';
import { fixedClock } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';
import { migrate } from '../store/operational/migrate.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { adoptOwnersFromAttributes, assignCustomers } from './ownership.ts';
import { assignByRules, saveRule } from './rules.ts';
import type { DataScope } from './scope.ts';
import { seedSyntheticBank } from '../../test/support/synthetic-bank.ts';

const AS_OF = '2026-11-23';
const clock = fixedClock(`${AS_OF}T10:00:00Z`);
const ADMIN = { actor: 'user:admin', scope: { kind: 'all' } as DataScope };
const BRANCH_A: DataScope = { kind: 'subtree', orgUnitId: 'BR-A', unitIds: ['BR-A', 'SB-A1', 'SB-A2'] };

for (const engine of await engines()) {
  describe(`ownership on ${engine.name}`, () => {
    let store: OperationalStore;
    let dispose: () => Promise<void>;
    const deps = () => ({ db: store.db, clock });
    const ownerOf = async (id: number) =>
      (
        await store.db
          .selectFrom('customer_owners')
          .select('manager_id')
          .where('customer_id', '=', id)
          .executeTakeFirst()
      )?.manager_id ?? null;

    beforeEach(async () => {
      ({ store, dispose } = await engine.open());
      await seedSyntheticBank(store.db, {
        staff: [
          { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager', capacity: 11 },
          { id: 'AM2', orgUnitId: 'SB-A2', role: 'account_manager', capacity: 11 },
          { id: 'AM3', orgUnitId: 'SB-B1', role: 'account_manager' },
          { id: 'AM9', orgUnitId: 'SB-A1', role: 'account_manager', status: 'departed' },
        ],
        pools: [
          { managerId: 'AM1', orgUnitId: 'SB-A1', customers: 10 },
          { managerId: 'AM2', orgUnitId: 'SB-A2', customers: 10 },
          { managerId: null, orgUnitId: 'SB-A1', customers: 6 },
          { managerId: null, orgUnitId: 'SB-B1', customers: 4 },
        ],
        asOf: AS_OF,
        taskEvery: 2,
      });
    });
    afterEach(async () => dispose());

    it('allows at most one owner per customer', async () => {
      await expect(
        store.db
          .insertInto('customer_owners')
          .values({ customer_id: 1, manager_id: 'AM2', source: 'assign' })
          .execute(),
      ).rejects.toThrow();
      expect(await ownerOf(1)).toBe('AM1');
    });

    it('assigns by hand with a verdict per item, history, audit, and the open work following', async () => {
      const results = await assignCustomers(deps(), ADMIN, [
        { customerNo: 'C000000002', managerId: 'AM2' },
        { customerNo: 'C000000003', managerId: 'AM1' },
        { customerNo: 'C000000021', managerId: 'AM1' },
        { customerNo: 'C000000022', managerId: 'AM1' },
        { customerNo: 'C000000023', managerId: 'AM1' },
        { customerNo: 'C000000024', managerId: 'AM9' },
        { customerNo: 'C000000025', managerId: 'NOPE' },
        { customerNo: 'C999999999', managerId: 'AM1' },
        { customerNo: 'C000000021', managerId: 'AM2' },
        { customerNo: 'C000000004', managerId: null },
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'assigned',
        'unchanged',
        'assigned',
        'assigned',
        'manager_at_limit', // AM1: 10 owned − C2 + C21 + C22 = 11, its capacity
        'manager_departed',
        'manager_not_found',
        'not_found',
        'duplicate',
        'unassigned',
      ]);
      expect(await ownerOf(2)).toBe('AM2');
      expect(await ownerOf(4)).toBeNull();
      const history = await store.db
        .selectFrom('ownership_history')
        .select(['customer_id', 'from_manager', 'to_manager', 'kind'])
        .where('actor', '=', 'user:admin')
        .orderBy('customer_id')
        .execute();
      expect(history).toEqual([
        { customer_id: 2, from_manager: 'AM1', to_manager: 'AM2', kind: 'assign' },
        { customer_id: 4, from_manager: 'AM1', to_manager: null, kind: 'assign' },
        { customer_id: 21, from_manager: null, to_manager: 'AM1', kind: 'assign' },
        { customer_id: 22, from_manager: null, to_manager: 'AM1', kind: 'assign' },
      ]);
      // The open task of customer 2 went with it to AM2.
      const task = await store.db
        .selectFrom('tasks')
        .select('assignee_id')
        .where('customer_id', '=', 2)
        .executeTakeFirst();
      expect(task?.assignee_id).toBe('AM2');
      const audit = await store.db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('action', '=', 'pool.assign')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]?.details['changes']).toHaveLength(4);
    });

    it('keeps a branch head inside the subtree: other customers are not found, other managers unknown', async () => {
      const results = await assignCustomers(deps(), { actor: 'user:bh', scope: BRANCH_A }, [
        { customerNo: 'C000000027', managerId: 'AM1' },
        { customerNo: 'C000000021', managerId: 'AM3' },
        { customerNo: 'C000000022', managerId: 'AM2' },
      ]);
      expect(results.map((r) => r.status)).toEqual(['not_found', 'manager_not_found', 'assigned']);
    });

    it('assigns unassigned customers round-robin by the most specific rule, within capacity', async () => {
      expect(
        (await saveRule(deps(), ADMIN, { orgUnitId: 'BR-A', tier: null, managerIds: ['AM1', 'AM2'] })).ok,
      ).toBe(true);
      expect(
        (await saveRule(deps(), ADMIN, { orgUnitId: 'SB-B1', tier: null, managerIds: ['AM3'] })).ok,
      ).toBe(true);
      const outside = await saveRule(
        deps(),
        { actor: 'user:bh', scope: BRANCH_A },
        { orgUnitId: 'SB-B1', tier: null, managerIds: ['AM3'] },
      );
      expect(!outside.ok && outside.error.code).toBe('forbidden');
      const results = await assignByRules(deps(), ADMIN);
      // SB-A1's six: AM1 and AM2 have room for one each; the other four find no capacity. SB-B1's four go to AM3.
      const byStatus = (s: string) =>
        results.filter((r) => r.status === s).map((r) => [r.customerNo, r.managerId]);
      expect(byStatus('assigned')).toEqual([
        ['C000000021', 'AM1'],
        ['C000000022', 'AM2'],
        ['C000000027', 'AM3'],
        ['C000000028', 'AM3'],
        ['C000000029', 'AM3'],
        ['C000000030', 'AM3'],
      ]);
      expect(byStatus('no_capacity').map(([no]) => no)).toEqual([
        'C000000023',
        'C000000024',
        'C000000025',
        'C000000026',
      ]);
      // A rerun finds nothing new to place and changes nothing.
      const again = await assignByRules(deps(), ADMIN);
      expect(again.every((r) => r.status === 'no_capacity')).toBe(true);
    });

    it('adopts owners from customers.attributes.account_manager_id, once', async () => {
      await store.db.deleteFrom('tasks').execute();
      await store.db.deleteFrom('customer_owners').execute();
      expect(await adoptOwnersFromAttributes(store.db, { actor: 'test', at: clock.now() })).toBe(20);
      expect(await adoptOwnersFromAttributes(store.db, { actor: 'test', at: clock.now() })).toBe(0);
      expect(await ownerOf(11)).toBe('AM2');
      expect(await ownerOf(21)).toBeNull();
    });

    it('backfills owners in migration 0004 for a bank that predates it', async () => {
      await store.execScript(`drop table reminders, tasks, customer_contacts, interactions, handover_items, handover_jobs,
        pool_assignment_rules, ownership_history, customer_assistants, customer_owners cascade;
        delete from schema_migrations where name = '0004_pool.sql';`);
      expect((await migrate(store)).applied).toEqual(['0004_pool.sql']);
      const { rows } = await sql<{ n: number; history: number }>`select
        (select count(*) from customer_owners where source = 'backfill') as n,
        (select count(*) from ownership_history where actor = 'migration:0004_pool') as history`.execute(
        store.db,
      );
      expect(rows[0]).toEqual({ n: 20, history: 20 });
    });
  });
}

describe('demo bank', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it('seeds an owner for every customer with a manager', async () => {
    const store = await openMigratedMemoryStore();
    const events = await openEventStore({ kind: 'chdb', dataDir: null });
    opened.push(store, events);
    const seeded = await seedDemoBank({ store, events }, { customers: 400, days: 10, seed: 'pool' });
    expect(seeded.ok).toBe(true);
    const { rows } = await sql<{ attr: number; owners: number; matching: number }>`select
      (select count(*) from customers where attributes ->> 'account_manager_id' is not null) as attr,
      (select count(*) from customer_owners) as owners,
      (select count(*) from customer_owners o join customers c on c.id = o.customer_id
        where o.manager_id = c.attributes ->> 'account_manager_id') as matching`.execute(store.db);
    expect(rows[0]?.attr).toBeGreaterThan(100);
    expect(rows[0]).toEqual({ attr: rows[0]?.attr, owners: rows[0]?.attr, matching: rows[0]?.attr });
    expect(seeded.ok && seeded.value.counts['customer_owners']).toBe(rows[0]?.attr);
  });
});
