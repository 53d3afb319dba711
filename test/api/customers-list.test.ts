import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { saveTagSnapshot } from '../../src/tags/snapshot-store.ts';
import { sql } from 'kysely';
import { pageIds, type CustomerSort } from '../../src/pool/customer-order.ts';
import { buildStoreIndex } from '../../src/segments/source.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { poolAppEngines, type PoolApp } from '../support/pool-app.ts';

// The customers list (issue #12) over HTTP on real stores: filters (tier, branch, owner, tag, lifecycle stage,
// customer group, list), search by number, masked phone and masked name, sorts and pages with the exact total, scope
// and masking per role, bulk actions on a selection and on a filter (assign, task, list) with refusals and audit, and
// hostile parameters answered 4xx with the field located.
//
// The pool bank: AM1 owns C1–C20 (SB-A1), AM2 C21–C35 (SB-A2), AM3 C36–C45 (SB-B1); C46–C50 (SB-A1) have no owner.
// Tiers by AUM (synthetic-bank.ts); phones are '138' + the ordinal in 8 digits.

const no = (n: number) => `C${String(n).padStart(9, '0')}`;

for (const engine of await poolAppEngines()) {
  describe(`customers list on ${engine.name}`, () => {
    let app: PoolApp;
    let tiers: Map<number, string>;

    beforeAll(async () => {
      app = await engine.open();
      const db = app.t.stores.operational.db;
      const rows = await db.selectFrom('customers').select(['id', 'tier']).execute();
      tiers = new Map(rows.map((r) => [r.id, r.tier ?? '']));
      // A lifecycle snapshot of the day before: C1–C10 interested, C11–C50 portrait.
      const range = (a: number, b: number) =>
        new RoaringBitmap32(Array.from({ length: b - a + 1 }, (_, i) => a + i));
      await saveTagSnapshot(db, {
        asOf: '2026-11-22',
        universe: range(1, 50),
        tags: new Map([
          [
            'lifecycle_stage',
            {
              version: 1,
              values: new Map([
                ['interested', range(1, 10)],
                ['portrait', range(11, 50)],
              ]),
            },
          ],
        ]),
      });
    });
    afterAll(async () => app?.close());

    it('filters by tier, branch and owner with the exact total, sorted and paged, masked', async () => {
      const all = await app.call('admin', 'GET', '/v1/customers?limit=500');
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(50);
      const gold = await app.call('admin', 'GET', '/v1/customers?tier=gold&limit=500');
      const goldIds = [...tiers].filter(([, t]) => t === 'gold').map(([id]) => no(id));
      expect(gold.body.total).toBe(goldIds.length);
      expect(gold.body.items.map((c: { customerNo: string }) => c.customerNo).sort()).toEqual(goldIds.sort());
      const aums = gold.body.items.map((c: { aum: number }) => c.aum);
      expect(aums).toEqual([...aums].sort((a, b) => b - a));
      const branchB = await app.call('admin', 'GET', '/v1/customers?orgUnitId=BR-B&sort=customer_no&limit=3');
      expect(branchB.body.total).toBe(10);
      expect(branchB.body.items.map((c: { customerNo: string }) => c.customerNo)).toEqual([
        no(36),
        no(37),
        no(38),
      ]);
      const page2 = await app.call(
        'admin',
        'GET',
        '/v1/customers?managerId=AM2&sort=customer_no&limit=10&offset=10',
      );
      expect(page2.body.total).toBe(15);
      expect(page2.body.items.map((c: { customerNo: string }) => c.customerNo)).toEqual(
        [31, 32, 33, 34, 35].map(no),
      );
      const row = page2.body.items[0];
      expect(row.phone).toBe('138****0031');
      expect(row.name).toMatch(/^.\*+$/u);
      expect(row.managerName).toBe('员工AM2');
      expect(row.orgUnitName).toBe('甲二支行');
    });

    it('filters by lifecycle stage, tag, customer group and list', async () => {
      const stage = await app.call('admin', 'GET', '/v1/customers?stage=interested&managerId=AM1&limit=500');
      expect(stage.body.total).toBe(10);
      const tag = await app.call(
        'admin',
        'GET',
        '/v1/customers?tag=lifecycle_stage&tagValue=portrait&orgUnitId=BR-B',
      );
      expect(tag.body.total).toBe(10);
      const list = await app.call('analyst', 'POST', '/v1/lists', {
        name: 'VIP',
        customerNos: [no(2), no(3), no(40)],
      });
      expect(list.status).toBe(201);
      const byList = await app.call('admin', 'GET', `/v1/customers?listId=${list.body.id}`);
      expect(byList.body.total).toBe(3);
      const segment = await app.call('analyst', 'POST', '/v1/segments', {
        name: 'Interested in A',
        rule: { all: [{ tag: 'lifecycle_stage', in: ['interested'] }, { list: list.body.id }] },
      });
      expect(segment.status).toBe(201);
      const bySegment = await app.call('admin', 'GET', `/v1/customers?segmentId=${segment.body.id}`);
      expect(bySegment.body.total).toBe(2);
      // The branch head of A sees only their subtree of the same group.
      const bh = await app.call('bhA', 'GET', `/v1/customers?listId=${list.body.id}`);
      expect(bh.body.total).toBe(2);
    });

    it('pages a large set by walking the sort indexes in the same order the store sorts a small one', async () => {
      const db = app.t.stores.operational.db;
      // Contacts for some customers, so last-contact orders have values, ties and nulls.
      await db
        .insertInto('customer_contacts')
        .values(
          [3, 9, 14, 22, 27, 31, 40, 44].map((id) => ({
            customer_id: id,
            last_contact_at: new Date(Date.UTC(2026, 10, 1 + (id % 4))),
          })),
        )
        .execute();
      const sets = [
        new RoaringBitmap32(Array.from({ length: 50 }, (_, i) => i + 1)),
        new RoaringBitmap32([2, 3, 5, 9, 14, 20, 22, 31, 33, 40, 46, 47, 50]),
      ];
      // By customer number the index's ranks sort the page in memory: the same pages as the store's collation; a
      // customer the index does not hold (created since, the last set) leaves it to the store.
      const { customerNoOrder } = await buildStoreIndex(db, { asOf: '2026-11-23', tags: tagSource });
      await sql`insert into customers (id, customer_no, name, org_unit_id, aum, tier)
                values (52, 'C00000001a', '李五', 'SB-A1', 100, 'mass')`.execute(db);
      expect(customerNoOrder.rankOf[52] ?? 0).toBe(0);
      for (const members of [...sets, new RoaringBitmap32([...sets[1]!, 52])])
        for (const sort of ['aum', 'customer_no', 'last_contact', 'owner_since'] as CustomerSort[])
          for (const direction of ['asc', 'desc'] as const)
            for (const [offset, limit] of [
              [0, 7],
              [5, 20],
              [40, 50],
            ] as const) {
              const order = { sort, direction, offset, limit };
              const label = `${sort} ${direction} ${offset}+${limit} of ${members.size}`;
              const stored = await pageIds(db, members, order);
              const walked = await pageIds(db, members, order, { sortInStoreUpTo: 0, batchMin: 4 });
              expect(walked, label).toEqual(stored);
              expect(stored.length).toBe(Math.max(0, Math.min(limit, members.size - offset)));
              if (sort === 'customer_no')
                expect(await pageIds(db, members, order, { customerNo: customerNoOrder }), label).toEqual(
                  stored,
                );
            }
      await sql`delete from customers where id = 52`.execute(db);
    });

    it("walks an AUM band from the set's extreme, with the same pages as the store's ORDER BY, also after changes", async () => {
      const db = app.t.stores.operational.db;
      const built = await buildStoreIndex(db, { asOf: '2026-11-23', tags: tagSource });
      const column = built.index.attribute('aum');
      if (column?.type !== 'number') throw new Error('aum is a number attribute of the index');
      const aum = { values: column.column.values, changedSince: built.changedSince };
      const byTier = (tier: string) =>
        new RoaringBitmap32([...tiers].filter(([, t]) => t === tier).map(([id]) => id));
      // Gold: a band below platinum and above mass; a few of them with a number search's odd spread.
      const gold = byTier('gold');
      const sets = [gold, byTier('mass'), new RoaringBitmap32([...gold].filter((id) => id % 3 !== 0))];
      const pages = async (label: string) => {
        for (const members of sets)
          for (const direction of ['asc', 'desc'] as const)
            for (const [offset, limit] of [
              [0, 3],
              [2, 5],
              [members.size - 2, 10],
            ] as const) {
              const order = { sort: 'aum' as const, direction, offset, limit };
              const stored = await pageIds(db, members, order);
              const walked = await pageIds(db, members, order, { sortInStoreUpTo: 0, batchMin: 2, aum });
              expect(walked, `${label}: aum ${direction} ${offset}+${limit} of ${members.size}`).toEqual(
                stored,
              );
              expect(stored.length).toBe(Math.max(0, Math.min(limit, members.size - offset)));
            }
      };
      expect(gold.size).toBeGreaterThan(3);
      await pages('as indexed');
      // After the index was read: a gold customer becomes the richest of the bank, another the poorest, and two tie.
      const [first, second, third, fourth] = [...gold];
      const set = (id: number | undefined, value: number) =>
        sql`update customers set aum = ${value}, updated_at = now() where id = ${id!}`.execute(db);
      await set(first, 99_000_000);
      await set(second, 1);
      await set(third, 60_000);
      await set(fourth, 60_000);
      await pages('changed since');
      // A customer the index does not hold (stamped as if written before it was read) with the mass customers,
      // all of whom it is richer than.
      const late = Number(
        (
          await sql<{
            id: number;
          }>`insert into customers (id, customer_no, name, org_unit_id, aum, tier, updated_at)
            values (51, 'C000000051', '李四', 'SB-A1', 75000, 'gold', '2020-01-01') returning id`.execute(db)
        ).rows[0]!.id,
      );
      sets.push(new RoaringBitmap32([...byTier('mass'), late]));
      await pages('added since');
      // The bank as it was, for the tests that follow.
      await sql`delete from customers where id = ${late}`.execute(db);
      for (const id of [first, second, third, fourth])
        await sql`update customers set aum = ${column.column.values[id!]!} where id = ${id!}`.execute(db);
    });

    it('searches by customer number, masked phone and masked name, never by hidden characters', async () => {
      const q = (term: string, who: 'admin' | 'am1' = 'admin') =>
        app.call(who, 'GET', `/v1/customers?q=${encodeURIComponent(term)}&limit=500`);
      expect((await q(no(7))).body.total).toBe(1);
      expect((await q('C00000001')).body.total).toBe(10);
      expect((await q('138****0012')).body.items.map((c: { customerNo: string }) => c.customerNo)).toEqual([
        no(12),
      ]);
      expect((await q('0012')).body.total).toBe(1);
      // The hidden middle digits find nothing.
      expect((await q('00000012')).body.total).toBe(0);
      const zhang = await q('张');
      expect(zhang.body.total).toBeGreaterThan(0);
      expect(zhang.body.items.every((c: { name: string }) => c.name.startsWith('张'))).toBe(true);
      const zhang2 = await q('张*');
      expect(zhang2.body.items.every((c: { name: string }) => [...c.name].length === 2)).toBe(true);
      // Names are searched in the day's index; the totals are the table's, also for names written since it was read.
      const db = app.t.stores.operational.db;
      const sqlCount = async (first: string, length?: number) =>
        (
          await sql<{ n: number }>`select count(*)::int as n from customers where left(name, 1) = ${first}
            ${length === undefined ? sql`` : sql`and char_length(name) = ${length}`}`.execute(db)
        ).rows[0]!.n;
      expect(zhang.body.total).toBe(await sqlCount('张'));
      expect(zhang2.body.total).toBe(await sqlCount('张', 2));
      const zhangs = zhang.body.items as { customerNo: string }[];
      const [renamed] = zhangs;
      const { rows: before } = await sql<{ name: string }>`
        select name from customers where customer_no = ${renamed!.customerNo}`.execute(db);
      await sql`update customers set name = '张三丰', updated_at = now()
                 where customer_no = ${renamed!.customerNo}`.execute(db);
      const three = await q('张**');
      expect(three.body.total).toBe(await sqlCount('张', 3));
      expect(three.body.items.map((c: { customerNo: string }) => c.customerNo)).toContain(
        renamed!.customerNo,
      );
      await sql`update customers set name = '李四', updated_at = now()
                 where customer_no = ${renamed!.customerNo}`.execute(db);
      expect((await q('张')).body.total).toBe(await sqlCount('张'));
      expect((await q('李*')).body.items.map((c: { customerNo: string }) => c.customerNo)).toContain(
        renamed!.customerNo,
      );
      await sql`update customers set name = ${before[0]!.name} where customer_no = ${renamed!.customerNo}`.execute(
        db,
      );
      // An account manager's search stays in their pool.
      expect((await q('138****0030', 'am1')).body.total).toBe(0);
      expect((await q('138****0003', 'am1')).body.total).toBe(1);
    });

    it('keeps each role to its scope', async () => {
      expect((await app.call('am1', 'GET', '/v1/customers?limit=500')).body.total).toBe(20);
      expect((await app.call('am1', 'GET', '/v1/customers?managerId=AM2')).body.total).toBe(0);
      expect((await app.call('bhA', 'GET', '/v1/customers?limit=500')).body.total).toBe(40);
      expect((await app.call('bhA', 'GET', '/v1/customers?orgUnitId=BR-B')).body.total).toBe(0);
      expect((await app.call('amNoStaff', 'GET', '/v1/customers')).body.total).toBe(0);
      const analyst = await app.call('analyst', 'GET', '/v1/customers?limit=500');
      expect(analyst.text).not.toMatch(/138\d{8}/);
    });

    it('answers hostile parameters 4xx with the field located', async () => {
      const cases: [string, string][] = [
        ['/v1/customers?tier=gold,bronze', '/tier'],
        ['/v1/customers?tag=lifecycle_stage', '/tagValue'],
        ['/v1/customers?tagValue=x', '/tag'],
        ['/v1/customers?tag=no_such_tag&tagValue=x', '/tag'],
        ['/v1/customers?segmentId=no_such_group', '/segmentId'],
        ['/v1/customers?q=C', '/q'],
      ];
      for (const [url, pointer] of cases) {
        const res = await app.call('admin', 'GET', url);
        if (url.endsWith('q=C')) {
          // 50 customers are not too many to list: a broad prefix is fine on a small bank.
          expect(res.status, url).toBe(200);
          continue;
        }
        expect(res.status, url).toBe(400);
        expect(res.body.error.details?.[0]?.path ?? res.body.error.details?.issues, url).toBeDefined();
        if (Array.isArray(res.body.error.details)) expect(res.body.error.details[0].path, url).toBe(pointer);
      }
      for (const url of [
        '/v1/customers?limit=100000',
        '/v1/customers?offset=-1',
        '/v1/customers?sort=name',
        `/v1/customers?q=${'x'.repeat(100)}`,
        '/v1/customers?q=%00',
      ]) {
        const res = await app.call('admin', 'GET', url);
        expect(res.status, url).toBe(400);
      }
      const bad = await app.call('admin', 'POST', '/v1/customers/bulk', {
        target: { filter: { tier: 'tin' } },
        action: { kind: 'assign', managerId: 'AM1' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('/target/filter/tier');
      const far = await app.call('admin', 'GET', '/v1/customers?offset=999999');
      expect(far.body.items).toEqual([]);
    });

    it('bulk-assigns a filtered list, refusing past the manager’s capacity, audited', async () => {
      const db = app.t.stores.operational.db;
      await db.updateTable('staff').set({ pool_capacity: 23 }).where('id', '=', 'AM3').execute();
      // Everyone unowned in A1 (5) and C1–C3 of AM1 by selection: AM3 holds 10, so 13 fit.
      const filtered = await app.call('admin', 'POST', '/v1/customers/bulk', {
        target: { filter: { orgUnitId: 'SB-A1', q: 'C00000004' } },
        action: { kind: 'assign', managerId: 'AM3', reason: 'rebalance' },
      });
      expect(filtered.status).toBe(200);
      // C40–C49 under SB-A1 are C46–C49 (C40–C45 are in SB-B1).
      expect(filtered.body).toMatchObject({ action: 'assign', matched: 4, done: 4, refused: 0 });
      const picked = await app.call('admin', 'POST', '/v1/customers/bulk', {
        target: { customerNos: [no(50), no(1), no(2), no(36), 'C999999999'] },
        action: { kind: 'assign', managerId: 'AM3' },
      });
      expect(picked.body).toMatchObject({ matched: 5, done: 3, refused: 2 });
      expect(picked.body.reasons).toEqual({ not_found: 1, unchanged: 1 });
      const full = await app.call('admin', 'POST', '/v1/customers/bulk', {
        target: { filter: { managerId: 'AM1' } },
        action: { kind: 'assign', managerId: 'AM3' },
      });
      expect(full.body).toMatchObject({ matched: 18, done: 6, refused: 12 });
      expect(full.body.reasons).toEqual({ manager_at_limit: 12 });
      expect((await app.call('admin', 'GET', '/v1/customers?managerId=AM3')).body.total).toBe(23);
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('action', 'in', ['customers.bulk', 'pool.assign'])
        .execute();
      expect(audit.filter((a) => a.action === 'pool.assign')).toHaveLength(3);
      const bulk = audit
        .filter((a) => a.action === 'customers.bulk')
        .map((a) => a.details as { target: unknown });
      expect(bulk[0]!.target).toEqual({ filter: { orgUnitId: 'SB-A1', q: 'C00000004' } });
      // A branch head acts in their subtree only: B's customers are not found.
      const bh = await app.call('bhA', 'POST', '/v1/customers/bulk', {
        target: { customerNos: [no(37), no(21)] },
        action: { kind: 'assign', managerId: 'AM2' },
      });
      expect(bh.body).toMatchObject({ done: 0, refused: 2, reasons: { not_found: 1, unchanged: 1 } });
      // Roles without the permission are refused before anything is read.
      const am = await app.call('am1', 'POST', '/v1/customers/bulk', {
        target: { filter: {} },
        action: { kind: 'assign', managerId: 'AM1' },
      });
      expect(am.status).toBe(403);
    });

    it('creates tasks and lists in bulk, and exports the filtered list', async () => {
      const tasks = await app.call('bhA', 'POST', '/v1/customers/bulk', {
        target: { filter: { orgUnitId: 'SB-A2' } },
        action: { kind: 'task', title: 'Call about the new fund', dueOn: '2026-11-30' },
      });
      expect(tasks.status).toBe(200);
      expect(tasks.body).toMatchObject({ action: 'task', matched: 15, done: 15, refused: 0 });
      const own = await app.call('am1', 'POST', '/v1/customers/bulk', {
        // C3–C8 went to AM3 above; C10 and C11 are still AM1's.
        target: { customerNos: [no(10), no(11), no(21)] },
        action: { kind: 'task', title: 'Birthday card' },
      });
      expect(own.body).toMatchObject({ done: 2, refused: 1, reasons: { not_found: 1 } });
      const other = await app.call('am1', 'POST', '/v1/customers/bulk', {
        target: { customerNos: [no(10)] },
        action: { kind: 'task', title: 'x', assigneeId: 'AM2' },
      });
      expect(other.status).toBe(403);
      // As for one task: assigned to the caller (the branch head is staff BH-A), else to each owner.
      const open = await app.call('admin', 'GET', '/v1/tasks?assigneeId=BH-A&status=open&limit=500');
      // An admin has no staff id: each task goes to the customer's owner; a customer without one is refused.
      await app.call('admin', 'POST', '/v1/customers/bulk', {
        target: { customerNos: [no(50)] },
        action: { kind: 'assign', managerId: null },
      });
      const byOwner = await app.call('admin', 'POST', '/v1/customers/bulk', {
        target: { customerNos: [no(50), no(12)] },
        action: { kind: 'task', title: 'Review' },
      });
      expect(byOwner.body).toMatchObject({ done: 1, refused: 1, reasons: { no_owner: 1 } });
      expect(byOwner.body.refusedCustomers).toEqual([{ customerNo: no(50), reason: 'no_owner' }]);
      expect(
        open.body.items.filter((t: { title: string }) => t.title === 'Call about the new fund'),
      ).toHaveLength(15);

      const list = await app.call('analyst', 'POST', '/v1/customers/bulk', {
        target: { filter: { stage: 'interested' } },
        action: { kind: 'list', name: 'Interested, to invite' },
      });
      expect(list.body).toMatchObject({ action: 'list', matched: 10, done: 10 });
      expect((await app.call('admin', 'GET', `/v1/customers?listId=${list.body.listId}`)).body.total).toBe(
        10,
      );
      expect(
        (
          await app.call('bhA', 'POST', '/v1/customers/bulk', {
            target: { filter: {} },
            action: { kind: 'list', name: 'x' },
          })
        ).status,
      ).toBe(403);

      const csv = await app.call('bhA', 'GET', '/v1/customers/export?orgUnitId=SB-A2&sort=customer_no');
      expect(csv.status).toBe(200);
      const lines = csv.text.trim().split('\n');
      expect(lines).toHaveLength(16);
      expect(lines[1]).toMatch(/^C000000021,/);
      expect(csv.text).not.toMatch(/138\d{8}/);
      const exported = await app.t.stores.operational.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'customers.export')
        .executeTakeFirstOrThrow();
      expect(exported.details).toMatchObject({ rows: 15 });
    });
  });
}
