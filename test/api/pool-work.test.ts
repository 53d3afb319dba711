import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.ts';
import { TagService } from '../../src/tags/service.ts';
import { POOL_AS_OF, poolAppEngines, type PoolApp } from '../support/pool-app.ts';

// The pool's work over the HTTP API: interactions (single and batch), coverage, tasks, reminders (idempotent),
// the workbench, the 360 timeline with paging, staff administration and a handover job end to end.

for (const engine of await poolAppEngines()) {
  describe(`pool work on ${engine.name}`, () => {
    let app: PoolApp;
    const db = () => app.t.stores.operational.db;

    beforeAll(async () => {
      app = await engine.open();
    });
    afterAll(async () => app?.close());

    it('logs interactions one by one and in batches, with a verdict per row and idempotent external ids', async () => {
      const one = await app.call('am1', 'POST', '/v1/interactions', {
        customerNo: 'C000000001',
        channel: 'call',
        direction: 'out',
        outcome: 'positive',
        summary: 'discussed the maturing deposit',
        nextStep: 'send the new rate sheet',
        followUpOn: '2026-11-25',
        at: '2026-11-20T09:00:00Z',
      });
      expect(one.status).toBe(201);
      expect(one.body).toMatchObject({ status: 'created', index: 0 });
      expect(one.body.taskId).toEqual(expect.any(Number));
      const rows = [
        {
          customerNo: 'C000000002',
          channel: 'wecom_chat',
          direction: 'out',
          outcome: 'no_response',
          externalId: 'w-1',
          at: '2026-11-21T09:00:00Z',
        },
        {
          customerNo: 'C000000002',
          channel: 'wecom_chat',
          direction: 'in',
          externalId: 'w-2',
          at: '2026-11-21T10:00:00Z',
        },
        { customerNo: 'C000000002', channel: 'wecom_chat', direction: 'in', externalId: 'w-2' },
        { customerNo: 'C000000021', channel: 'visit', direction: 'out' },
        { customerNo: 'C000000003', channel: 'sms', direction: 'out', staffId: 'AM2' },
        { customerNo: 'C000000003', channel: 'email', direction: 'out', at: '2030-01-01T00:00:00Z' },
        {
          customerNo: 'C000000004',
          channel: 'visit',
          direction: 'out',
          outcome: 'negative',
          at: '2026-10-01T09:00:00Z',
        },
      ];
      const batch = await app.call('am1', 'POST', '/v1/interactions', { items: rows });
      expect(batch.status).toBe(200);
      expect(
        batch.body.results.map(
          (r: { status: string; error?: { field: string } }) => r.error?.field ?? r.status,
        ),
      ).toEqual(['created', 'created', 'duplicate', 'customerNo', 'staffId', 'at', 'created']);
      const again = await app.call('am1', 'POST', '/v1/interactions', { items: rows.slice(0, 2) });
      expect(again.body.counts).toEqual({ duplicate: 2 });
      const profile = await app.call('am1', 'GET', '/v1/customers/C000000002');
      expect(profile.body.lastContactAt).toBe('2026-11-21T10:00:00.000Z');
    });

    it('reports contact coverage and response per manager and branch', async () => {
      const report = await app.call('bhA', 'GET', `/v1/pool/coverage?asOf=${POOL_AS_OF}`);
      expect(report.status).toBe(200);
      const am1 = report.body.managers.find((m: { managerId: string }) => m.managerId === 'AM1');
      // C1 and C2 contacted within 30 days (C4's visit was 53 days before); outbound: C1 positive, C2 no response.
      expect(am1).toMatchObject({
        poolSize: 20,
        contacted: 2,
        coverage: 0.1,
        outbound: 2,
        outboundPositive: 1,
        responseRate: 0.5,
      });
      expect(report.body.branches).toEqual([
        expect.objectContaining({ branchId: 'BR-A', poolSize: 35, contacted: 2, outbound: 2 }),
      ]);
      const mine = await app.call('am1', 'GET', '/v1/pool/coverage');
      expect(mine.body.managers.map((m: { managerId: string }) => m.managerId)).toEqual(['AM1']);
    });

    it('creates, lists, completes and cancels tasks in scope', async () => {
      const created = await app.call('am1', 'POST', '/v1/tasks', {
        customerNo: 'C000000005',
        title: '生日问候',
        dueOn: POOL_AS_OF,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        assigneeId: 'AM1',
        status: 'open',
        customerName: expect.stringMatching(/\*/),
      });
      const done = await app.call('am1', 'PATCH', `/v1/tasks/${created.body.id}`, { status: 'done' });
      expect(done.body).toMatchObject({ status: 'done', completedAt: expect.any(String) });
      const cancelled = await app.call('am1', 'DELETE', `/v1/tasks/${created.body.id}`);
      expect(cancelled.body.status).toBe('cancelled');
      expect((await app.call('am3', 'GET', `/v1/tasks/${created.body.id}`)).status).toBe(404);
      expect(
        (await app.call('am3', 'PATCH', `/v1/tasks/${created.body.id}`, { status: 'open' })).status,
      ).toBe(404);
      const open = await app.call('am1', 'GET', '/v1/tasks?status=open&limit=500');
      expect(open.body.total).toBeGreaterThan(5);
      const audit = await db()
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', String(created.body.id))
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['task.create', 'task.update', 'task.update']);
    });

    it('generates reminders idempotently and shows them with due tasks in my day', async () => {
      await sql`update customers set birth_date = '1988-02-29' where customer_no = 'C000000007'`.execute(
        db(),
      );
      await sql`update customers set aum = 9000000 where customer_no in ('C000000008', 'C000000009')`.execute(
        db(),
      );
      await app.t.stores.events.insert('events', [
        {
          event_id: 'e-9',
          customer_id: 9,
          distinct_id: 'd9',
          event: 'app_open',
          time: Date.parse('2026-11-20T08:00:00Z'),
          properties: {},
        },
      ]);
      const body = { asOf: POOL_AS_OF, dormantAum: 5_000_000 };
      const first = await app.call('admin', 'POST', '/v1/reminders/generate', body);
      expect(first.status).toBe(200);
      const created = Object.fromEntries(
        first.body.results.map((r: { kind: string; created: number }) => [r.kind, r.created]),
      );
      expect(first.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
      expect(created['deposit_maturity']).toBeGreaterThan(0);
      expect(created['fund_auto_investment']).toBeGreaterThan(0);
      // C8 has had no event since it became a customer; C9 was active in November.
      expect(created['dormant_high_value']).toBe(1);
      const dormant = await db()
        .selectFrom('reminders')
        .select(['customer_id', 'assignee_id'])
        .where('kind', '=', 'dormant_high_value')
        .execute();
      expect(dormant).toEqual([{ customer_id: 8, assignee_id: 'AM1' }]);
      const second = await app.call('admin', 'POST', '/v1/reminders/generate', body);
      expect(second.body.results.map((r: { created: number }) => r.created)).toEqual([0, 0, 0, 0, 0, 0]);
      expect(second.body.results.map((r: { candidates: number }) => r.candidates)).toEqual(
        first.body.results.map((r: { candidates: number }) => r.candidates),
      );
      // A birthday on 29 February falls on the 28th in a common year.
      const leap = await app.call('admin', 'POST', '/v1/reminders/generate', {
        asOf: '2027-02-25',
        kinds: ['birthday'],
      });
      expect(leap.body.results[0]).toMatchObject({ kind: 'birthday', ok: true });
      const due = await db()
        .selectFrom('reminders')
        .select(['due_on'])
        .where('kind', '=', 'birthday')
        .where('customer_id', '=', 7)
        .execute();
      expect(due).toEqual([{ due_on: '2027-02-28' }]);

      const day = await app.call('am1', 'GET', `/v1/workbench/my-day?asOf=${POOL_AS_OF}`);
      expect(day.status).toBe(200);
      expect(day.body.reminders.length).toBeGreaterThan(0);
      expect(day.body.reminders.every((r: { customerNo: string }) => r.customerNo <= 'C000000020')).toBe(
        true,
      );
      expect(day.body.tasks.every((t: { dueOn: string }) => t.dueOn <= POOL_AS_OF)).toBe(true);
      const closed = await app.call('am1', 'PATCH', `/v1/reminders/${day.body.reminders[0].id}`, {
        status: 'done',
      });
      expect(closed.body).toEqual({ id: day.body.reminders[0].id, status: 'done' });
    });

    it('answers my pool with filters, sorting and paging, and pool KPIs', async () => {
      const page = await app.call('am1', 'GET', '/v1/workbench/my-pool?sort=last_contact&limit=3');
      expect(page.body).toMatchObject({ total: 20, limit: 3, offset: 0 });
      expect(page.body.items.map((c: { customerNo: string }) => c.customerNo)).toEqual([
        'C000000002',
        'C000000001',
        'C000000004',
      ]);
      const gold = await app.call(
        'am1',
        'GET',
        '/v1/workbench/my-pool?tier=gold&sort=aum&order=asc&limit=500',
      );
      const aums = gold.body.items.map((c: { aum: number; tier: string }) => c.aum);
      expect(gold.body.items.every((c: { tier: string }) => c.tier === 'gold')).toBe(true);
      expect(aums).toEqual([...aums].sort((a, b) => a - b));
      const surname = gold.body.items[0]?.name?.slice(0, 1) ?? '张';
      const byName = await app.call('am1', 'GET', `/v1/workbench/my-pool?q=${encodeURIComponent(surname)}`);
      expect(byName.body.items.every((c: { name: string }) => c.name.startsWith(surname))).toBe(true);
      // Each row carries the customer's tags: the same values as the customer's portrait.
      const { stores, clock } = app.t;
      await new TagService({
        db: stores.operational.db,
        events: stores.events,
        sandbox: () => stores.operational.sandbox(),
        clock,
        logger: createLogger('silent'),
      }).ensureCatalogue('test');
      const computed = await app.call('admin', 'POST', '/v1/tags/compute', {});
      expect(computed.status).toBe(200);
      const tagged = await app.call('am1', 'GET', '/v1/workbench/my-pool?limit=5');
      expect(tagged.body.items.some((c: { tags: unknown[] }) => c.tags.length > 0)).toBe(true);
      for (const row of tagged.body.items as {
        customerNo: string;
        tags: { key: string; value: string }[];
      }[]) {
        const portrait = await app.call('admin', 'GET', `/v1/customers/${row.customerNo}/portrait`);
        expect(row.tags.map((t) => `${t.key}=${t.value}`)).toEqual(
          portrait.body.tags.map((t: { key: string; value: string }) => `${t.key}=${t.value}`),
        );
      }
      const kpis = await app.call('am1', 'GET', `/v1/workbench/kpis?asOf=${POOL_AS_OF}`);
      expect(kpis.body).toMatchObject({
        managerId: 'AM1',
        customers: 20,
        contacted30d: 2,
        contactedRate: 0.1,
      });
      expect(kpis.body.tiers.reduce((s: number, t: { customers: number }) => s + t.customers, 0)).toBe(20);
      const bank = await app.call('admin', 'GET', `/v1/workbench/kpis?asOf=${POOL_AS_OF}`);
      expect(bank.body).toMatchObject({ managerId: null, customers: 50 });
    });

    it("pages a customer's timeline newest first without repeats or gaps", async () => {
      await app.t.stores.events.insert(
        'events',
        Array.from({ length: 7 }, (_, i) => ({
          event_id: `t-${i}`,
          customer_id: 1,
          distinct_id: 'd1',
          event: i % 2 ? 'app_open' : 'page_view',
          time: Date.parse('2026-11-19T08:00:00Z') + (i % 3) * 60_000,
          properties: { page: `p${i}` },
        })),
      );
      const all = await app.call('am1', 'GET', '/v1/customers/C000000001/timeline?limit=200');
      expect(all.body.sources.every((s: { available: boolean }) => s.available)).toBe(true);
      const kinds = new Set(all.body.items.map((i: { source: string }) => i.source));
      expect([...kinds].sort()).toEqual(['event', 'holding', 'interaction', 'task']);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/customers/C000000001/timeline?limit=3${cursor ? `&before=${cursor}` : ''}`;
        const page = await app.call('am1', 'GET', url);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((i: object) => JSON.stringify(i)));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.body.items.map((i: object) => JSON.stringify(i)));
      const times = all.body.items.map((i: { at: string }) => i.at);
      expect(times).toEqual([...times].sort().reverse());
      expect((await app.call('am1', 'GET', '/v1/customers/C000000001/timeline?before=nonsense')).status).toBe(
        400,
      );
    });

    it('administers staff: create, depart, delete only the unused', async () => {
      const created = await app.call('admin', 'POST', '/v1/staff', {
        id: 'AM7',
        name: '周敏',
        orgUnitId: 'SB-A2',
        role: 'account_manager',
        poolCapacity: 300,
        phone: '13912345678',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: 'AM7', poolSize: 0, phone: '13912345678' });
      expect((await app.call('bhA', 'GET', '/v1/staff/AM7')).body.phone).toBe('139****5678');
      expect(
        (await app.call('admin', 'POST', '/v1/staff', { ...created.body, poolSize: undefined })).status,
      ).toBe(409);
      expect(
        (
          await app.call('admin', 'POST', '/v1/staff', {
            id: 'AM8',
            name: 'x',
            orgUnitId: 'NOPE',
            role: 'admin',
          })
        ).status,
      ).toBe(400);
      const departed = await app.call('admin', 'PATCH', '/v1/staff/AM7', { status: 'departed' });
      expect(departed.body).toMatchObject({ status: 'departed', departedOn: POOL_AS_OF });
      expect((await app.call('admin', 'DELETE', '/v1/staff/AM7')).status).toBe(204);
      expect((await app.call('admin', 'DELETE', '/v1/staff/AM1')).status).toBe(409);
      expect((await app.call('admin', 'GET', '/v1/staff/AM7')).status).toBe(404);
    });

    it('runs a handover through the API: preview, job, progress with per-customer results', async () => {
      await app.call('admin', 'PATCH', '/v1/staff/AM2', { status: 'departed' });
      const request = { fromManagerId: 'AM2', takerIds: ['AM1', 'AM3'], split: 'even' };
      const preview = await app.call('admin', 'POST', '/v1/handovers/preview', request);
      expect(preview.body).toMatchObject({ kind: 'departed', total: 15, foreseen: { moved: 15 } });
      const created = await app.call('admin', 'POST', '/v1/handovers', request);
      expect(created.status).toBe(201);
      const id = created.body.job.id;
      let job = created.body.job;
      for (let i = 0; i < 100 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await app.call('admin', 'GET', `/v1/handovers/${id}`)).body.job;
      }
      const detail = await app.call('admin', 'GET', `/v1/handovers/${id}?status=moved&limit=5`);
      expect(detail.body.job).toMatchObject({ status: 'done', moved: 15, pending: 0 });
      expect(detail.body.job.takers.map((t: { moved: number }) => t.moved)).toEqual(
        preview.body.takers.map((t: { willMove: number }) => t.willMove),
      );
      expect(detail.body.items).toMatchObject({ total: 15, limit: 5 });
      expect(detail.body.items.items).toHaveLength(5);
      const list = await app.call('bhA', 'GET', '/v1/handovers');
      expect(list.body.jobs.map((j: { id: number }) => j.id)).toContain(id);
      expect((await app.call('am1', 'GET', `/v1/handovers/${id}`)).status).toBe(403);
      const unassigned = await app.call('admin', 'GET', '/v1/pool/unassigned');
      // C46–C50 never had an owner; none of the departed AM2's customers is left behind.
      expect(unassigned.body.items.map((c: { customerNo: string; reason: string }) => c.reason)).toEqual(
        Array(5).fill('no_owner'),
      );
    });
  });
}
