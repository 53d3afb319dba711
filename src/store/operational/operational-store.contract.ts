import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import type { OperationalStore } from './store.ts';

/** `it` when the engine has the capability; otherwise the test is not registered (a skip must mean a missing server). */
function itWhen(capable: boolean): (name: string, fn: () => Promise<void>) => void {
  return capable ? (name, fn) => it(name, fn) : () => undefined;
}

// The behaviour every OperationalStore engine must share (PGlite in memory, PGlite on disk, PostgreSQL), run once
// per engine. Assertions use literal expected values, so "identical across engines" means identical to the same
// literals everywhere.

/** How the contract reaches one engine. */
export interface OperationalStoreHarness {
  /** Opens the store on an empty, never-migrated database the first time; later calls reopen the same database. */
  open(): Promise<OperationalStore>;
  /** Two stores on one new, empty database, and how to drop it: for the concurrent-migration check (servers only). */
  openFreshPair?(): Promise<{ stores: [OperationalStore, OperationalStore]; drop(): Promise<void> }>;
  /** Releases what the harness created (temporary directories, test databases). */
  dispose(): Promise<void>;
}

/** Which optional checks an engine supports. */
export interface OperationalStoreCapabilities {
  /** Data survives close() and a later open(). */
  readonly persistent: boolean;
  /** Several stores can migrate the same database at once (a server). */
  readonly concurrentMigrations: boolean;
}

const MIGRATION_FILES = async () =>
  (await readdir(fileURLToPath(new URL('./migrations/', import.meta.url))))
    .filter((f) => f.endsWith('.sql'))
    .sort();

/** What a failed statement reports: the SQLSTATE code is what callers branch on, on every engine. */
async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the statement to fail');
}

/** Registers the operational store contract suite for one engine. */
export function operationalStoreContract(
  name: string,
  capabilities: OperationalStoreCapabilities,
  makeHarness: () => OperationalStoreHarness | Promise<OperationalStoreHarness>,
): void {
  describe(`OperationalStore contract: ${name}`, () => {
    let harness: OperationalStoreHarness;
    let store: OperationalStore;

    beforeAll(async () => {
      harness = await makeHarness();
      store = await harness.open();
    });
    afterAll(async () => {
      await store?.close();
      await harness?.dispose();
    });

    it('applies every migration once on a fresh database, and a second run is a no-op', async () => {
      const files = await MIGRATION_FILES();
      // Concurrent starters are a server concern; on a server the first run may race them, so run it here first.
      const first = await migrate(store);
      expect(first).toEqual({ applied: files, alreadyApplied: 0 });
      expect(await migrate(store)).toEqual({ applied: [], alreadyApplied: files.length });
      const recorded = await store.db
        .selectFrom('schema_migrations')
        .select('name')
        .orderBy('name')
        .execute();
      expect(recorded.map((r) => r.name)).toEqual(files);
    });

    itWhen(capabilities.concurrentMigrations)(
      'lets two stores migrate one fresh database at the same time',
      async () => {
        const { stores, drop } = await harness.openFreshPair!();
        try {
          const files = await MIGRATION_FILES();
          const reports = await Promise.all(stores.map((s) => migrate(s)));
          // Each migration is applied by exactly one of them, whichever won the lock; the other skips it.
          expect(reports.flatMap((r) => r.applied).sort()).toEqual(files);
          const recorded = await stores[1].db
            .selectFrom('schema_migrations')
            .select('name')
            .orderBy('name')
            .execute();
          expect(recorded.map((r) => r.name)).toEqual(files);
          // Both stores still work on every pooled connection (none was left inside an aborted transaction).
          for (const s of stores) {
            const results = await Promise.all(
              Array.from({ length: 12 }, () => sql<{ one: number }>`select 1::int8 as one`.execute(s.db)),
            );
            expect(results.map((r) => r.rows)).toEqual(Array.from({ length: 12 }, () => [{ one: 1 }]));
          }
        } finally {
          await Promise.all(stores.map((s) => s.close()));
          await drop();
        }
      },
    );

    it('rejects rows that break constraints, with the same SQLSTATE on every engine', async () => {
      await store.db
        .insertInto('org_units')
        .values({ id: 'HO', parent_id: null, name: '总行', kind: 'head_office' })
        .execute();
      const staff = { id: 'S1', name: '王芳', role: 'account_manager' as const };
      expect(
        await sqlState(
          store.db
            .insertInto('staff')
            .values({ ...staff, org_unit_id: 'NOPE' })
            .execute(),
        ),
      ).toBe('23503');
      await store.db
        .insertInto('staff')
        .values({ ...staff, org_unit_id: 'HO' })
        .execute();
      const customer = { id: 1, customer_no: 'C0001', org_unit_id: 'HO' };
      expect(
        await sqlState(
          store.db
            .insertInto('customers')
            .values({ ...customer, tier: 'vip' as 'gold' })
            .execute(),
        ),
      ).toBe('23514');
      expect(
        await sqlState(
          store.db
            .insertInto('customers')
            .values({ ...customer, org_unit_id: 'NOPE' })
            .execute(),
        ),
      ).toBe('23503');
      await store.db
        .insertInto('customers')
        .values({ ...customer, tier: 'gold' })
        .execute();
      expect(
        await sqlState(
          store.db
            .insertInto('customers')
            .values({ ...customer, id: 2 })
            .execute(),
        ),
      ).toBe('23505');
      expect(
        await sqlState(store.db.insertInto('customers').values({ id: 0, customer_no: 'C0000' }).execute()),
      ).toBe('23514');
      const count = await store.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(count.n).toBe(1);
    });

    it('rolls a transaction back when a statement fails or the callback throws', async () => {
      const failing = store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('org_units')
          .values({ id: 'BR-TX', parent_id: 'HO', name: '分行', kind: 'branch' })
          .execute();
        await trx
          .insertInto('org_units')
          .values({ id: 'BR-TX2', parent_id: 'MISSING', name: 'x', kind: 'branch' })
          .execute();
      });
      expect(await sqlState(failing)).toBe('23503');
      await expect(
        store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('org_units')
            .values({ id: 'BR-TX3', parent_id: 'HO', name: '分行', kind: 'branch' })
            .execute();
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');
      const left = await store.db
        .selectFrom('org_units')
        .select('id')
        .where('id', 'like', 'BR-TX%')
        .execute();
      expect(left).toEqual([]);
      // The store is usable after the rollbacks.
      await store.db
        .insertInto('org_units')
        .values({ id: 'BR-OK', parent_id: 'HO', name: '分行', kind: 'branch' })
        .execute();
    });

    it('parses int8 and numeric as numbers, date as YYYY-MM-DD, timestamptz as Date, jsonb as objects', async () => {
      await store.db
        .insertInto('customers')
        .values({
          id: 3,
          customer_no: 'C0003',
          birth_date: '1988-02-29',
          aum: '6000000.10',
          attributes: JSON.stringify({ 渠道: 'app', n: 1 }),
        })
        .execute();
      await store.db
        .insertInto('products')
        .values({ id: 'P1', name: '稳健理财', category: 'wealth', annual_rate: 0.0325, term_days: 90 })
        .execute();
      const row = await store.db
        .selectFrom('customers')
        .select(['id', 'birth_date', 'aum', 'payroll', 'attributes', 'created_at'])
        .where('id', '=', 3)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        id: 3,
        birth_date: '1988-02-29',
        aum: 6000000.1,
        payroll: false,
        attributes: { 渠道: 'app', n: 1 },
        created_at: expect.any(Date),
      });
      const agg = await sql<{ n: number; total: number; big: number; day: string; rate: number }>`
        select count(*) as n, sum(aum) as total, 9007199254740991::int8 as big, date '2024-02-29' as day,
               (select annual_rate from products where id = 'P1') as rate
        from customers`.execute(store.db);
      expect(agg.rows).toEqual([
        { n: 2, total: 6000000.1, big: 9007199254740991, day: '2024-02-29', rate: 0.0325 },
      ]);
      const audit = await store.db
        .insertInto('audit_log')
        .values({ actor: 't', action: 'a', entity_type: 'e' })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(typeof audit.id).toBe('number');
    });

    itWhen(capabilities.persistent)('keeps data across close and reopen', async () => {
      await store.db
        .insertInto('system_state')
        .values({ key: 'contract.persist', value: JSON.stringify({ ok: true }) })
        .execute();
      await store.close();
      store = await harness.open();
      const row = await store.db
        .selectFrom('system_state')
        .select('value')
        .where('key', '=', 'contract.persist')
        .executeTakeFirst();
      expect(row?.value).toEqual({ ok: true });
      expect(await migrate(store)).toEqual({ applied: [], alreadyApplied: (await MIGRATION_FILES()).length });
    });
  });
}
