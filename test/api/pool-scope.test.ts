import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolAppEngines, type Caller, type PoolApp } from '../support/pool-app.ts';

// Data scope and masking over the HTTP API, per role: an account manager sees their own pool only (lists, counts,
// search, single customers), a branch head their subtree, an analyst everything masked, an admin everything; out of
// scope answers 404, forbidden writes 403, and no response carries a personal field unmasked unless revealed.

for (const engine of await poolAppEngines()) {
  describe(`pool scope and masking on ${engine.name}`, () => {
    let app: PoolApp;
    const texts: string[] = [];
    const call = async (
      who: Caller,
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      body?: unknown,
    ) => {
      const res = await app.call(who, method, url, body);
      if (!url.includes('reveal=')) texts.push(res.text);
      return res;
    };

    beforeAll(async () => {
      app = await engine.open();
    });
    afterAll(async () => app?.close());

    it('shows an account manager their own pool only: lists, counts, search, single customers', async () => {
      const list = await call('am1', 'GET', '/v1/customers?limit=500');
      expect(list.status).toBe(200);
      expect(list.body.total).toBe(20);
      expect(list.body.items.every((c: { managerId: string }) => c.managerId === 'AM1')).toBe(true);
      expect((await call('am1', 'GET', '/v1/customers?q=C000000021')).body.total).toBe(0);
      expect((await call('am1', 'GET', '/v1/customers?q=C000000002')).body.total).toBe(1);
      expect((await call('am1', 'GET', '/v1/customers?q=C00000001')).body.total).toBe(10);
      expect((await call('am1', 'GET', '/v1/workbench/my-pool')).body.total).toBe(20);
      expect((await call('am1', 'GET', '/v1/workbench/my-pool?staffId=AM2')).status).toBe(404);
      expect((await call('am1', 'GET', '/v1/customers/C000000002')).status).toBe(200);
      for (const url of [
        '/v1/customers/C000000021',
        '/v1/customers/C000000046',
        '/v1/customers/C000000021/timeline',
      ]) {
        const res = await call('am1', 'GET', url);
        expect(res.status, url).toBe(404);
      }
      // The same answer for an unknown customer: existence does not leak.
      expect((await call('am1', 'GET', '/v1/customers/C999999999')).body.error.code).toBe('not_found');
      const kpis = await call('am1', 'GET', '/v1/workbench/kpis');
      expect(kpis.body.customers).toBe(20);
      const tasks = await call('am1', 'GET', '/v1/tasks?limit=500');
      expect(tasks.body.items.every((t: { customerNo: string }) => t.customerNo <= 'C000000020')).toBe(true);
    });

    it('refuses an account manager writes outside their pool and pool administration', async () => {
      const other = await call('am1', 'POST', '/v1/interactions', {
        customerNo: 'C000000021',
        channel: 'call',
        direction: 'out',
      });
      expect(other.status).toBe(404);
      const task = await call('am1', 'POST', '/v1/tasks', { customerNo: 'C000000021', title: 'x' });
      expect(task.status).toBe(404);
      const forOther = await call('am1', 'POST', '/v1/tasks', {
        customerNo: 'C000000001',
        title: 'x',
        assigneeId: 'AM2',
      });
      expect(forOther.status).toBe(403);
      for (const [method, url, body] of [
        ['POST', '/v1/customers/assign', { items: [{ customerNo: 'C000000001', managerId: 'AM2' }] }],
        [
          'POST',
          '/v1/handovers/preview',
          { fromManagerId: 'AM1', takerIds: ['AM2'], split: 'even', reason: 'x' },
        ],
        ['POST', '/v1/handovers', { fromManagerId: 'AM1', takerIds: ['AM2'], split: 'even', reason: 'x' }],
        ['GET', '/v1/pool/unassigned', undefined],
        ['POST', '/v1/staff', { id: 'X1', name: 'x', orgUnitId: 'SB-A1', role: 'account_manager' }],
        ['PATCH', '/v1/staff/AM1', { poolCapacity: 1 }],
        ['POST', '/v1/reminders/generate', {}],
      ] as const) {
        const res = await call('am1', method, url, body);
        expect(res.status, `${method} ${url}`).toBe(403);
      }
    });

    it('sees nothing through an account-manager key without a staff id', async () => {
      expect((await call('amNoStaff', 'GET', '/v1/customers')).body.total).toBe(0);
      expect((await call('amNoStaff', 'GET', '/v1/customers/C000000001')).status).toBe(404);
    });

    it("limits a branch head to the branch's subtree, for reads and writes", async () => {
      expect((await call('bhA', 'GET', '/v1/customers?limit=1')).body.total).toBe(40);
      expect((await call('bhA', 'GET', '/v1/customers?orgUnitId=SB-A2')).body.total).toBe(15);
      expect((await call('bhA', 'GET', '/v1/customers/C000000036')).status).toBe(404);
      expect((await call('bhA', 'GET', '/v1/pool/unassigned')).body.total).toBe(5);
      const units = await call('bhA', 'GET', '/v1/org/units');
      expect(units.body.units.map((u: { id: string }) => u.id)).toEqual(['BR-A']);
      const staff = await call('bhA', 'GET', '/v1/staff');
      expect(staff.body.staff.map((s: { id: string }) => s.id)).toEqual(['AM1', 'AM2', 'BH-A']);
      const outside = await call('bhA', 'POST', '/v1/handovers/preview', {
        fromManagerId: 'AM3',
        takerIds: ['AM1'],
        split: 'even',
        reason: 'x',
      });
      expect(outside.status).toBe(403);
      const inside = await call('bhA', 'POST', '/v1/handovers/preview', {
        fromManagerId: 'AM2',
        takerIds: ['AM1'],
        split: 'even',
        reason: 'rebalance',
      });
      expect(inside.status).toBe(200);
      expect(inside.body.total).toBe(15);
      const assign = await call('bhA', 'POST', '/v1/customers/assign', {
        items: [
          { customerNo: 'C000000046', managerId: 'AM1' },
          { customerNo: 'C000000036', managerId: 'AM1' },
        ],
      });
      expect(assign.body.results.map((r: { status: string }) => r.status)).toEqual(['assigned', 'not_found']);
    });

    it('shows an analyst every customer, masked, and never reveals or writes', async () => {
      expect((await call('analyst', 'GET', '/v1/customers?limit=1')).body.total).toBe(50);
      const profile = await call('analyst', 'GET', '/v1/customers/C000000001');
      expect(profile.body.pii.phone).toMatch(/^138\*{4}\d{4}$/);
      expect(profile.body.pii.id_number).toMatch(/^3301\*{10}\d{4}$/);
      expect(profile.body.pii.birth_date).toMatch(/^\d{4}-\*\*-\*\*$/);
      expect(profile.body.revealed).toEqual([]);
      expect((await app.call('analyst', 'GET', '/v1/customers/C000000001?reveal=phone')).status).toBe(403);
      const write = await call('analyst', 'POST', '/v1/interactions', {
        customerNo: 'C000000001',
        channel: 'call',
        direction: 'out',
      });
      expect(write.status).toBe(403);
    });

    it('reveals a field only on request, with the permission, and audits each reveal', async () => {
      const { rows } = await app.t.stores.operational.db
        .selectFrom('customers')
        .select(['phone', 'id_number'])
        .where('customer_no', '=', 'C000000003')
        .execute()
        .then((r) => ({ rows: r }));
      const revealed = await app.call('am1', 'GET', '/v1/customers/C000000003?reveal=phone&reason=callback');
      expect(revealed.status).toBe(200);
      expect(revealed.body.pii.phone).toBe(rows[0]?.phone);
      expect(revealed.body.pii.id_number).not.toBe(rows[0]?.id_number);
      expect(revealed.body.revealed).toEqual(['phone']);
      // Out of scope stays not found, reveal or not.
      expect(
        (await app.call('am1', 'GET', '/v1/customers/C000000021?reveal=phone&reason=callback')).status,
      ).toBe(404);
      expect(
        (await app.call('admin', 'GET', '/v1/customers/C000000021?reveal=phone,id_number&reason=callback'))
          .status,
      ).toBe(200);
      expect((await app.call('admin', 'GET', '/v1/customers/C000000021?reveal=salary')).status).toBe(400);
      const audit = await app.t.stores.operational.db
        .selectFrom('audit_log')
        .select(['actor', 'entity_id', 'details'])
        .where('action', '=', 'customer.reveal_pii')
        .orderBy('id')
        .execute();
      expect(audit).toEqual([
        { actor: 'user:am1', entity_id: 'C000000003', details: { fields: ['phone'], reason: 'callback' } },
        {
          actor: expect.stringMatching(/^apikey:\d+:admin$/),
          entity_id: 'C000000021',
          details: { fields: ['id_number', 'phone'], reason: 'callback' },
        },
      ]);
    });

    it('exports the scoped, masked list as CSV, audited, for those allowed to export', async () => {
      const csv = await call(
        'bhA',
        'GET',
        '/v1/customers/export?tier=mass,gold,platinum,diamond,private&sort=customer_no',
      );
      expect(csv.status).toBe(200);
      const lines = csv.text.trim().split('\n');
      expect(lines[0]).toBe(
        'customer_no,name,tier,aum,org_unit_id,manager_id,owner_since,last_contact_at,wecom_friend',
      );
      expect(lines).toHaveLength(41);
      expect(lines[1]).toMatch(/^C000000001,.\*+,/u);
      expect((await call('am1', 'GET', '/v1/customers/export')).status).toBe(403);
      const audit = await app.t.stores.operational.db
        .selectFrom('audit_log')
        .select(['actor', 'details'])
        .where('action', '=', 'customers.export')
        .execute();
      expect(audit).toEqual([{ actor: 'user:bh-a', details: expect.objectContaining({ rows: 40 }) }]);
      // For people, the header row by display name in the asked language (attributes from the data dictionary).
      const zh = await call('bhA', 'GET', '/v1/customers/export?sort=customer_no&lang=zh');
      expect(zh.text.split('\n')[0]).toBe(
        '客户号,姓名,客户等级,资产规模 (AUM),所属网点,客户经理,归属起始时间,最近联系时间,企微好友',
      );
      const en = await call(
        'bhA',
        'GET',
        '/v1/customers/export?tier=mass,gold,platinum,diamond,private&sort=customer_no&lang=en',
      );
      expect(en.text.split('\n')[0]).toBe(
        'Customer no.,Name,Tier,AUM,Sub-branch,Account manager,Owner since,Last contact,WeCom friend',
      );
      expect(en.text.split('\n').slice(1)).toEqual(csv.text.split('\n').slice(1));
      expect((await call('bhA', 'GET', '/v1/customers/export?lang=fr')).status).toBe(400);
    });

    it('shows an admin everything', async () => {
      expect((await call('admin', 'GET', '/v1/customers?limit=1')).body.total).toBe(50);
      expect(
        (await call('admin', 'GET', '/v1/customers?tier=gold,platinum&sort=customer_no&limit=500')).status,
      ).toBe(200);
      expect((await call('admin', 'GET', '/v1/staff')).body.staff).toHaveLength(4);
      expect((await call('admin', 'GET', '/v1/customers?q=%E5%BC%A0')).status).toBe(200);
    });

    it('never answers a personal field unmasked without an explicit, permitted reveal', async () => {
      // More responses that carry customers: timelines, tasks, my day, handover items.
      await call('admin', 'GET', '/v1/customers/C000000001/timeline');
      await call('am1', 'GET', '/v1/workbench/my-day');
      await call('am1', 'GET', '/v1/tasks');
      await call('bhA', 'GET', '/v1/customers?sort=last_contact');
      const customers = await app.t.stores.operational.db
        .selectFrom('customers')
        .select(['name', 'phone', 'id_number', 'email', 'birth_date'])
        .execute();
      const secrets = customers
        .flatMap((c) => [c.name, c.phone, c.id_number, c.email, c.birth_date])
        .filter((v): v is string => !!v);
      expect(secrets.length).toBeGreaterThan(200);
      expect(texts.length).toBeGreaterThan(30);
      for (const text of texts)
        for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
    });
  });
}
