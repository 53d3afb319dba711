import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockOf } from '../../src/shared/clock.ts';
import { POOL_AS_OF, poolAppEngines, type PoolApp } from '../support/pool-app.ts';

// Issue #12 items 4–6 over the HTTP API: reminders and tasks paged and filtered with their amounts, the consent
// warning a contact must acknowledge, reveals with a reason, reminder dismissal with a reason and its undo within the
// bank's business day, staff by name in handover records and the sign-off export (audited, scoped).

// The bank's day is Asia/Shanghai's: 10:00Z is 18:00 there, 16:00Z is the next day's midnight.
let now = new Date(`${POOL_AS_OF}T10:00:00Z`);
const clock = clockOf(() => now, 'Asia/Shanghai');

for (const engine of await poolAppEngines({ clock })) {
  describe(`pool care on ${engine.name}`, () => {
    let app: PoolApp;
    const db = () => app.t.stores.operational.db;
    const audits = async (action: string) =>
      db()
        .selectFrom('audit_log')
        .select(['actor', 'entity_id', 'details'])
        .where('action', '=', action)
        .orderBy('id')
        .execute();

    beforeAll(async () => {
      now = new Date(`${POOL_AS_OF}T10:00:00Z`);
      app = await engine.open();
      const generated = await app.call('admin', 'POST', '/v1/reminders/generate', { asOf: POOL_AS_OF });
      expect(generated.status).toBe(200);
    });
    afterAll(async () => app?.close());

    it('leaves the planner statistics of the reminders it wrote (the embedded store has no autovacuum)', async () => {
      const db = app.t.stores.operational.db;
      const { rows } = await sql<{ reltuples: number; count: number }>`
        select (select reltuples from pg_class where oid = 'reminders'::regclass) as reltuples,
          (select count(*)::int from reminders) as count`.execute(db);
      expect(rows[0]!.count).toBeGreaterThan(0);
      expect(Number(rows[0]!.reltuples)).toBe(rows[0]!.count);
    });

    it('pages and filters reminders by kind and due date, each with the amount that matters', async () => {
      const all = await app.call('am1', 'GET', '/v1/reminders?limit=500');
      expect(all.status).toBe(200);
      const byKind = all.body.byKind as Record<string, number>;
      expect(byKind['deposit_maturity']).toBeGreaterThan(2);
      expect(all.body.total).toBe(Object.values(byKind).reduce((a, b) => a + b, 0));
      const url = `/v1/reminders?kind=deposit_maturity&dueFrom=${POOL_AS_OF}&dueTo=2026-12-10&limit=2`;
      const first = await app.call('am1', 'GET', url);
      const second = await app.call('am1', 'GET', `${url}&offset=2`);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.total).toBeGreaterThan(2);
      const ids = [...first.body.items, ...second.body.items].map((r: { id: number }) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const r of [...first.body.items, ...second.body.items]) {
        expect(r.kind).toBe('deposit_maturity');
        expect(r.dueOn >= POOL_AS_OF && r.dueOn <= '2026-12-10').toBe(true);
        // Every synthetic holding holds 1,000 CNY: the deposit that matures.
        expect(r.amount).toEqual({ kind: 'maturing', value: 1000 });
        expect(r.customerNo <= 'C000000020').toBe(true);
      }
      // My day pages each list and counts reminders per kind whatever kind is shown.
      const day = await app.call('am1', 'GET', `/v1/workbench/my-day?kind=fund_auto_investment&limit=1`);
      expect(day.status).toBe(200);
      expect(day.body.reminders).toHaveLength(1);
      expect(day.body.reminders[0].kind).toBe('fund_auto_investment');
      expect(day.body.reminders[0].amount).toEqual({ kind: 'fund_holding', value: 1000 });
      expect(day.body.remindersByKind['deposit_maturity']).toBeGreaterThan(0);
      const next = await app.call(
        'am1',
        'GET',
        `/v1/workbench/my-day?kind=fund_auto_investment&limit=1&remindersOffset=1`,
      );
      expect(next.body.reminders[0]?.id).not.toBe(day.body.reminders[0].id);
      // Tasks: due window and source.
      const tasks = await app.call(
        'am1',
        'GET',
        `/v1/tasks?status=open&dueFrom=2026-11-25&dueBy=2026-11-28&limit=2`,
      );
      expect(tasks.body.items.length).toBeGreaterThan(0);
      expect(
        tasks.body.items.every((t: { dueOn: string }) => t.dueOn >= '2026-11-25' && t.dueOn <= '2026-11-28'),
      ).toBe(true);
      expect((await app.call('am1', 'GET', '/v1/tasks?source=campaign')).body.total).toBe(0);
      expect((await app.call('am1', 'GET', '/v1/reminders?kind=nonsense')).status).toBe(400);
    });

    it('labels workbench figures with the population they count', async () => {
      expect((await app.call('analyst', 'GET', '/v1/workbench/kpis')).body).toMatchObject({
        scope: 'all',
        managerId: null,
        customers: 50,
      });
      expect((await app.call('bhA', 'GET', '/v1/workbench/kpis')).body).toMatchObject({
        scope: 'subtree',
        customers: 40,
      });
      expect((await app.call('am1', 'GET', '/v1/workbench/kpis')).body).toMatchObject({
        scope: 'own',
        managerId: 'AM1',
        customers: 20,
      });
    });

    it('refuses an outbound contact on a withdrawn channel until the warning is acknowledged, then keeps it', async () => {
      await sql`insert into consents (customer_id, channel, purpose, status, updated_at)
        values (1, 'phone', 'marketing', 'revoked', now()), (1, 'sms', 'service', 'granted', now())`.execute(
        db(),
      );
      await sql`insert into do_not_contact (customer_id, reason, added_by, added_at)
        values (2, 'complaint', 'test', now())`.execute(db());
      const call = { customerNo: 'C000000001', channel: 'call', direction: 'out', summary: 'rate sheet' };
      const refused = await app.call('am1', 'POST', '/v1/interactions', call);
      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toEqual({
        field: 'acknowledgedConsentWarning',
        reason: 'consent_withdrawn',
        warning: { touchpoint: 'phone', revokedPurposes: ['marketing'], doNotContact: false },
      });
      // Nothing was saved.
      const before = await db()
        .selectFrom('interactions')
        .select('id')
        .where('customer_id', '=', 1)
        .execute();
      expect(before).toHaveLength(0);
      // Other touchpoints, and the customer calling in, need no acknowledgement.
      expect((await app.call('am1', 'POST', '/v1/interactions', { ...call, channel: 'sms' })).status).toBe(
        201,
      );
      expect((await app.call('am1', 'POST', '/v1/interactions', { ...call, direction: 'in' })).status).toBe(
        201,
      );
      const saved = await app.call('am1', 'POST', '/v1/interactions', {
        ...call,
        acknowledgedConsentWarning: true,
      });
      expect(saved.status).toBe(201);
      const row = await db()
        .selectFrom('interactions')
        .select('consent_warning')
        .where('customer_id', '=', 1)
        .where('id', '=', saved.body.id)
        .executeTakeFirstOrThrow();
      expect(row.consent_warning).toEqual({
        touchpoint: 'phone',
        revokedPurposes: ['marketing'],
        doNotContact: false,
        acknowledgedBy: expect.stringContaining('am1'),
      });
      const audited = await audits('interaction.consent_warning_acknowledged');
      expect(audited.map((a) => a.entity_id)).toEqual([String(saved.body.id)]);
      expect(audited[0]?.details).toMatchObject({
        customerNo: 'C000000001',
        channel: 'call',
        touchpoint: 'phone',
      });
      // Do-not-contact holds on every channel, visits included; a batch rejects the row and saves the others.
      const batch = await app.call('am1', 'POST', '/v1/interactions', {
        items: [
          { customerNo: 'C000000002', channel: 'visit', direction: 'out' },
          { customerNo: 'C000000003', channel: 'visit', direction: 'out' },
        ],
      });
      expect(batch.body.results[0]).toMatchObject({
        status: 'rejected',
        error: {
          code: 'conflict',
          field: 'acknowledgedConsentWarning',
          warning: { touchpoint: null, revokedPurposes: [], doNotContact: true },
        },
      });
      expect(batch.body.results[1].status).toBe('created');
    });

    it('reveals only the chosen field, with a reason, and audits both', async () => {
      const bare = await app.call('am1', 'GET', '/v1/customers/C000000003?reveal=phone');
      expect(bare.status).toBe(400);
      expect(bare.body.error.details).toEqual([{ path: '/reason', message: expect.any(String) }]);
      const revealed = await app.call(
        'am1',
        'GET',
        `/v1/customers/C000000003?reveal=phone&reason=${encodeURIComponent('回电确认到期转存')}`,
      );
      expect(revealed.status).toBe(200);
      expect(revealed.body.revealed).toEqual(['phone']);
      expect(revealed.body.pii.phone).toBe('13800000003');
      expect(revealed.body.pii.name).toContain('*');
      expect(revealed.body.pii.id_number).toContain('*');
      const audited = await audits('customer.reveal_pii');
      expect(audited.at(-1)).toMatchObject({
        entity_id: 'C000000003',
        details: { fields: ['phone'], reason: '回电确认到期转存' },
      });
      // The permission still comes first: an analyst is refused whatever the reason.
      expect(
        (await app.call('analyst', 'GET', '/v1/customers/C000000003?reveal=phone&reason=xx')).status,
      ).toBe(403);
    });

    it("dismisses a reminder with a reason and undoes it on the bank's business day only", async () => {
      const open = await app.call('am1', 'GET', '/v1/reminders?limit=1');
      const id = open.body.items[0].id as number;
      const noReason = await app.call('am1', 'PATCH', `/v1/reminders/${id}`, { status: 'dismissed' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.details).toEqual([{ path: '/reason', message: expect.any(String) }]);
      const dismiss = () =>
        app.call('am1', 'PATCH', `/v1/reminders/${id}`, {
          status: 'dismissed',
          reason: 'customer renewed at the counter',
        });
      expect((await dismiss()).status).toBe(200);
      const today = await app.call('am1', 'GET', `/v1/reminders?status=dismissed&closedOn=${POOL_AS_OF}`);
      expect(today.body.items).toEqual([
        expect.objectContaining({
          id,
          status: 'dismissed',
          dismissReason: 'customer renewed at the counter',
          // The end of 23 November in Shanghai.
          undoableUntil: '2026-11-23T16:00:00.000Z',
        }),
      ]);
      expect((await audits('reminder.dismissed')).at(-1)?.details).toEqual({
        reason: 'customer renewed at the counter',
      });
      // 23:59 in Shanghai: still the day of the dismissal.
      now = new Date('2026-11-23T15:59:00Z');
      const undone = await app.call('am1', 'POST', `/v1/reminders/${id}/undo`);
      expect(undone.body).toEqual({ id, status: 'open' });
      expect(
        (await app.call('am1', 'GET', '/v1/reminders?limit=500')).body.items.map((r: { id: number }) => r.id),
      ).toContain(id);
      expect((await app.call('am1', 'POST', `/v1/reminders/${id}/undo`)).body.error.details.reason).toBe(
        'not_dismissed',
      );
      expect((await dismiss()).status).toBe(200);
      // 00:01 in Shanghai the next day, though still 23 November in UTC: the dismissal stands.
      now = new Date('2026-11-23T16:01:00Z');
      const late = await app.call('am1', 'POST', `/v1/reminders/${id}/undo`);
      expect(late.status).toBe(409);
      expect(late.body.error.details).toEqual({ reason: 'undo_expired', field: 'id' });
      const listed = await app.call('am1', 'GET', '/v1/reminders?status=dismissed&closedOn=2026-11-23');
      expect(listed.body.items[0]).toMatchObject({ id, undoableUntil: null });
      expect((await audits('reminder.undo_dismiss')).map((a) => a.entity_id)).toEqual([String(id)]);
      // Out of scope: not found.
      expect((await app.call('am3', 'POST', `/v1/reminders/${id}/undo`)).status).toBe(404);
      now = new Date(`${POOL_AS_OF}T10:00:00Z`);
    });

    it('names staff in handover records and exports the sign-off list (scoped, audited)', async () => {
      await app.call('admin', 'PATCH', '/v1/staff/AM2', { status: 'departed' });
      const created = await app.call('bhA', 'POST', '/v1/handovers', {
        fromManagerId: 'AM2',
        takerIds: ['AM1'],
        split: 'even',
      });
      expect(created.status).toBe(201);
      const id = created.body.job.id;
      expect(created.body.job).toMatchObject({
        fromManagerName: '员工AM2',
        takerStaff: [{ id: 'AM1', name: '员工AM1' }],
      });
      let job = created.body.job;
      for (let i = 0; i < 100 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await app.call('bhA', 'GET', `/v1/handovers/${id}`)).body.job;
      }
      const detail = await app.call('bhA', 'GET', `/v1/handovers/${id}?limit=3`);
      expect(detail.body.job.takers[0]).toMatchObject({ takerId: 'AM1', name: '员工AM1', moved: 15 });
      expect(detail.body.items.items[0]).toMatchObject({ takerId: 'AM1', takerName: '员工AM1' });
      const list = await app.call('bhA', 'GET', '/v1/handovers');
      expect(list.body.jobs[0]).toMatchObject({ id, fromManagerName: '员工AM2' });
      const profile = await app.call('bhA', 'GET', '/v1/customers/C000000021');
      expect(profile.body.ownershipHistory[0]).toMatchObject({
        from: 'AM2',
        fromName: '员工AM2',
        to: 'AM1',
        toName: '员工AM1',
      });

      const sheet = await app.call('bhA', 'GET', `/v1/handovers/${id}/export?lang=zh-CN`);
      expect(sheet.status).toBe(200);
      const lines = sheet.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      expect(lines[0]).toBe(
        '序号,客户号,姓名（脱敏）,资产（元）,移出客户经理,接收客户经理,状态,原因,企业微信交接,处理时间',
      );
      expect(lines).toHaveLength(16);
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(
        Array.from({ length: 15 }, (_, k) => String(k + 1)),
      );
      expect(lines[1]).toContain('员工AM2 (AM2),员工AM1 (AM1),已移交');
      // Names stay masked in the export.
      const names = await db()
        .selectFrom('customers')
        .select('name')
        .where('id', '>=', 21)
        .where('id', '<=', 35)
        .execute();
      for (const n of names) expect(sheet.text).not.toContain(`,${n.name},`);
      const english = await app.call('bhA', 'GET', `/v1/handovers/${id}/export`);
      expect(english.text).toContain('No.,Customer number');
      expect((await audits('handover.export')).map((a) => [a.entity_id, a.details])).toEqual([
        [String(id), { rows: 15, lang: 'zh-CN' }],
        [String(id), { rows: 15, lang: 'en-US' }],
      ]);
      expect((await app.call('am1', 'GET', `/v1/handovers/${id}/export`)).status).toBe(403);
      expect((await app.call('bhA', 'GET', '/v1/handovers/999999/export')).status).toBe(404);
      expect((await app.call('bhA', 'GET', `/v1/handovers/${id}/export?lang=fr`)).status).toBe(400);
    });
  });
}
