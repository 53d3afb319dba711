import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/support/stores.ts';
import { fixedClock, type Clock } from '../../shared/clock.ts';
import { createLogger } from '../../shared/logger.ts';
import type { OperationalStore } from '../../store/operational/store.ts';
import { assignCustomers } from '../ownership.ts';
import type { DataScope } from '../scope.ts';
import { seedSyntheticBank, type SyntheticStaff } from '../../../test/support/synthetic-bank.ts';
import { executeChunk } from './execute.ts';
import {
  cancelHandoverJob,
  createHandoverJob,
  getHandoverJob,
  handoverItems,
  previewHandover,
} from './jobs.ts';
import type { HandoverRequest } from './request.ts';
import { HandoverRunner } from './runner.ts';
import { recordWecomTransferResults, WECOM_TRANSFER_STATUS } from './wecom-status.ts';

const AS_OF = '2026-11-23';
const ALL: DataScope = { kind: 'all' };
const ADMIN = { actor: 'user:admin', scope: ALL };
const STAFF: SyntheticStaff[] = [
  { id: 'AM1', orgUnitId: 'SB-A1', role: 'account_manager' },
  { id: 'AM2', orgUnitId: 'SB-A1', role: 'account_manager' },
  { id: 'AM3', orgUnitId: 'SB-A2', role: 'account_manager' },
  { id: 'AM4', orgUnitId: 'SB-B1', role: 'account_manager' },
  { id: 'BH-A', orgUnitId: 'BR-A', role: 'branch_head' },
];
const logger = createLogger('silent');

for (const engine of await engines()) {
  describe(`handover on ${engine.name}`, () => {
    let store: OperationalStore;
    let dispose: () => Promise<void>;
    let clock: Clock;
    const deps = () => ({ db: store.db, clock });
    const run = async (jobId: number, chunk = 7) => {
      const runner = new HandoverRunner({ db: store.db, clock, logger }, { chunk, chunkDelayMs: 0 });
      await runner.run(jobId);
    };
    const count = async (query: string) =>
      Number((await sql<{ n: number }>`${sql.raw(query)}`.execute(store.db)).rows[0]?.n);

    beforeEach(async () => {
      ({ store, dispose } = await engine.open());
      clock = fixedClock(`${AS_OF}T10:00:00Z`);
      await seedSyntheticBank(store.db, {
        staff: STAFF,
        pools: [
          { managerId: 'AM1', orgUnitId: 'SB-A1', customers: 30 },
          { managerId: 'AM2', orgUnitId: 'SB-A1', customers: 5 },
        ],
        asOf: AS_OF,
        taskEvery: 3,
      });
    });
    afterEach(async () => dispose());

    const request = (over: Partial<HandoverRequest> = {}): HandoverRequest => ({
      fromManagerId: 'AM1',
      takerIds: ['AM2', 'AM3', 'AM4'],
      split: 'even',
      reason: 'rebalancing the sub-branch',
      ...over,
    });

    it('splits evenly, moves every customer once with history, tasks and a complete audit', async () => {
      const preview = await previewHandover(deps(), ALL, request());
      expect(preview.ok).toBe(true);
      if (!preview.ok) return;
      expect(preview.value.takers.map((t) => t.planned)).toEqual([10, 10, 10]);
      expect(preview.value.foreseen).toEqual({ moved: 30, refused: 0, skipped: 0, byReason: {} });

      const created = await createHandoverJob(deps(), ADMIN, request());
      if (!created.ok) throw new Error(created.error.message);
      const jobId = created.value.job.id;
      expect(created.value.job).toMatchObject({
        status: 'running',
        total: 30,
        pending: 30,
        kind: 'in_service',
      });
      await run(jobId);

      const job = await getHandoverJob(store.db, ALL, jobId);
      expect(job).toMatchObject({
        status: 'done',
        moved: 30,
        refused: 0,
        skipped: 0,
        pending: 0,
        tasksMoved: 10,
      });
      // Preview equals execution, taker by taker.
      expect(job?.takers.map((t) => [t.takerId, t.moved, t.movedAum])).toEqual(
        preview.value.takers.map((t) => [t.takerId, t.willMove, t.willMoveAum]),
      );
      expect(await count(`select count(*) as n from customer_owners where manager_id = 'AM1'`)).toBe(0);
      expect(await count(`select count(*) as n from customer_owners where customer_id <= 30`)).toBe(30);
      expect(
        await count(`select count(*) as n from ownership_history where job_id = ${jobId} and kind = 'in_service_transfer'
          and reason = 'rebalancing the sub-branch'`),
      ).toBe(30);
      // Tasks followed their customer to its new owner.
      expect(
        await count(`select count(*) as n from tasks t join customer_owners o on o.customer_id = t.customer_id
          where t.customer_id <= 30 and t.assignee_id <> o.manager_id`),
      ).toBe(0);
      // The chunks' audit records name every customer exactly once, and every moved task once.
      const audit = await store.db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('entity_type', '=', 'handover_job')
        .where('entity_id', '=', String(jobId))
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'handover.create',
        ...Array(5).fill('handover.chunk'),
        'handover.finish',
      ]);
      const chunks = audit.filter((a) => a.action === 'handover.chunk');
      const moved = chunks.flatMap((a) => a.details['moved'] as [number, string][]);
      expect(moved.map((m) => m[0]).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      const tasks = chunks.flatMap((a) => a.details['tasksMoved'] as number[]);
      expect(new Set(tasks).size).toBe(10);
      expect(tasks).toHaveLength(10);
      // Customers who are not WeCom friends are done at once; friends wait for WeCom.
      const statuses = await store.db
        .selectFrom('customer_owners as o')
        .innerJoin('customers as c', 'c.id', 'o.customer_id')
        .select(['o.handover_status', 'c.wecom_friend'])
        .where('o.handover_job_id', '=', jobId)
        .execute();
      expect(statuses).toHaveLength(30);
      for (const s of statuses) expect(s.handover_status).toBe(s.wecom_friend ? 'waiting' : 'done');
    });

    it('balances AUM between takers and follows an explicit mapping', async () => {
      const aum = await previewHandover(deps(), ALL, request({ split: 'aum' }));
      if (!aum.ok) throw new Error(aum.error.message);
      const sums = aum.value.takers.map((t) => t.plannedAum);
      const biggest = Number(
        (await sql<{ m: number }>`select max(aum) as m from customers where id <= 30`.execute(store.db))
          .rows[0]?.m,
      );
      expect(Math.max(...sums) - Math.min(...sums)).toBeLessThanOrEqual(biggest);

      const mapping = { C000000001: 'AM2', C000000002: 'AM4', C000000003: 'AM4' };
      const created = await createHandoverJob(
        deps(),
        ADMIN,
        request({ split: 'mapping', takerIds: undefined, mapping }),
      );
      if (!created.ok) throw new Error(created.error.message);
      expect(created.value.job.takerIds).toEqual(['AM2', 'AM4']);
      await run(created.value.job.id);
      const owners = await store.db
        .selectFrom('customer_owners')
        .select(['customer_id', 'manager_id'])
        .where('customer_id', '<=', 4)
        .orderBy('customer_id')
        .execute();
      expect(owners.map((o) => o.manager_id)).toEqual(['AM2', 'AM4', 'AM4', 'AM1']);
    });

    it("refuses customers beyond a taker's capacity, as the preview foresaw", async () => {
      await store.db.updateTable('staff').set({ pool_capacity: 8 }).where('id', '=', 'AM2').execute();
      await store.db
        .updateTable('staff')
        .set({ pool_capacity: 4 })
        .where('id', 'in', ['AM3', 'AM4'])
        .execute();
      // Mapping everything to AM2 (5 owned, room for 3) makes 27 refusals.
      const all = Object.fromEntries(
        Array.from({ length: 30 }, (_, i) => [`C${String(i + 1).padStart(9, '0')}`, 'AM2']),
      );
      const preview = await previewHandover(
        deps(),
        ALL,
        request({ split: 'mapping', takerIds: undefined, mapping: all }),
      );
      if (!preview.ok) throw new Error(preview.error.message);
      expect(preview.value.foreseen).toEqual({
        moved: 3,
        refused: 27,
        skipped: 0,
        byReason: { taker_at_limit: 27 },
      });
      // An even split is capacity-aware: 3 + 4 + 4 fit, the rest is refused.
      const even = await previewHandover(deps(), ALL, request());
      if (!even.ok) throw new Error(even.error.message);
      expect(even.value.takers.map((t) => t.willMove)).toEqual([3, 4, 4]);

      const created = await createHandoverJob(
        deps(),
        ADMIN,
        request({ split: 'mapping', takerIds: undefined, mapping: all }),
      );
      if (!created.ok) throw new Error(created.error.message);
      await run(created.value.job.id);
      const job = await getHandoverJob(store.db, ALL, created.value.job.id);
      expect(job).toMatchObject({ moved: 3, refused: 27, status: 'done' });
      expect(await count(`select count(*) as n from customer_owners where manager_id = 'AM2'`)).toBe(8);
      expect(
        await count(
          `select count(*) as n from customer_owners where manager_id = 'AM1' and handover_status = 'taker_at_limit'`,
        ),
      ).toBe(27);
      const refused = await handoverItems(store.db, created.value.job.id, { status: 'refused', limit: 5 });
      expect(refused.total).toBe(27);
      expect(refused.items[0]).toMatchObject({ reason: 'taker_at_limit', handoverStatus: 'taker_at_limit' });
      expect(refused.items[0]?.name).toMatch(/^.\*+$/u);
    });

    it('refuses a third in-service transfer of a customer within 90 days, not after', async () => {
      const one = { customerNos: ['C000000001'], split: 'even' as const };
      const hop = async (from: string, to: string) => {
        const created = await createHandoverJob(
          deps(),
          ADMIN,
          request({ ...one, fromManagerId: from, takerIds: [to] }),
        );
        if (!created.ok) throw new Error(created.error.message);
        await run(created.value.job.id);
        return getHandoverJob(store.db, ALL, created.value.job.id);
      };
      expect(await hop('AM1', 'AM2')).toMatchObject({ moved: 1 });
      clock = fixedClock('2026-12-20T10:00:00Z');
      expect(await hop('AM2', 'AM1')).toMatchObject({ moved: 1 });
      clock = fixedClock('2027-01-30T10:00:00Z');
      const preview = await previewHandover(deps(), ALL, request({ ...one, takerIds: ['AM3'] }));
      expect(preview.ok && preview.value.foreseen.byReason).toEqual({ moved_twice_in_90_days: 1 });
      const third = await hop('AM1', 'AM3');
      expect(third).toMatchObject({ moved: 0, refused: 1 });
      const items = await handoverItems(store.db, third!.id);
      expect(items.items[0]).toMatchObject({
        status: 'refused',
        reason: 'moved_twice_in_90_days',
        handoverStatus: 'refused',
      });
      // 90 days after the first transfer, one transfer is left in the window: the customer may move again.
      clock = fixedClock('2027-02-22T10:00:00Z');
      expect(await hop('AM1', 'AM3')).toMatchObject({ moved: 1 });
    });

    it('hands over a departed manager without a reason and without the 90-day rule', async () => {
      await store.db.updateTable('staff').set({ status: 'departed' }).where('id', '=', 'AM1').execute();
      const created = await createHandoverJob(deps(), ADMIN, request({ reason: null }));
      if (!created.ok) throw new Error(created.error.message);
      expect(created.value.job.kind).toBe('departed');
      await run(created.value.job.id);
      expect(
        await count(
          `select count(*) as n from ownership_history where job_id = ${created.value.job.id} and kind = 'handover'`,
        ),
      ).toBe(30);
    });

    it('refuses bad requests: no reason in service, unknown or departed takers, a second running job', async () => {
      const noReason = await createHandoverJob(deps(), ADMIN, request({ reason: ' ' }));
      expect(!noReason.ok && noReason.error.code).toBe('bad_request');
      const unknown = await previewHandover(deps(), ALL, request({ takerIds: ['NOPE'] }));
      expect(!unknown.ok && unknown.error.code).toBe('bad_request');
      const self = await previewHandover(deps(), ALL, request({ takerIds: ['AM1'] }));
      expect(!self.ok && self.error.message).toContain('own customers');
      const foreign = await previewHandover(deps(), ALL, request({ customerNos: ['C000000031'] }));
      expect(!foreign.ok && foreign.error.details).toEqual({ customerNos: ['C000000031'] });
      const outside = await previewHandover(
        deps(),
        { kind: 'subtree', orgUnitId: 'BR-B', unitIds: ['BR-B', 'SB-B1'] },
        request(),
      );
      expect(!outside.ok && outside.error.code).toBe('forbidden');
      const first = await createHandoverJob(deps(), ADMIN, request());
      expect(first.ok).toBe(true);
      const second = await createHandoverJob(deps(), ADMIN, request());
      expect(!second.ok && second.error.code).toBe('conflict');
    });

    it('is idempotent: rerunning, racing runners and stale items never move a customer twice', async () => {
      const created = await createHandoverJob(deps(), ADMIN, request());
      if (!created.ok) throw new Error(created.error.message);
      const jobId = created.value.job.id;
      // A customer reassigned by hand after planning is skipped, not taken from its new owner.
      await assignCustomers(deps(), ADMIN, [{ customerNo: 'C000000030', managerId: 'AM3' }]);
      await executeChunk({ db: store.db, now: () => clock.now() }, jobId, 4);
      const runners = [1, 2].map(
        () => new HandoverRunner({ db: store.db, clock, logger }, { chunk: 3, chunkDelayMs: 0 }),
      );
      await Promise.all(runners.map((r) => r.run(jobId)));
      await run(jobId);
      const job = await getHandoverJob(store.db, ALL, jobId);
      expect(job).toMatchObject({ status: 'done', moved: 29, skipped: 1, pending: 0 });
      expect(await count(`select count(*) as n from ownership_history where job_id = ${jobId}`)).toBe(29);
      const skipped = await handoverItems(store.db, jobId, { status: 'skipped' });
      expect(skipped.items.map((i) => [i.customerNo, i.reason])).toEqual([
        ['C000000030', 'not_owned_by_from_manager'],
      ]);
      expect(await executeChunk({ db: store.db, now: () => clock.now() }, jobId, 4)).toMatchObject({
        finished: true,
        moved: 0,
      });
    });

    it('lets the WeCom integration settle waiting customers, and only those of that job', async () => {
      const created = await createHandoverJob(deps(), ADMIN, request());
      if (!created.ok) throw new Error(created.error.message);
      const jobId = created.value.job.id;
      await run(jobId);
      // Customer 2 is a WeCom friend (waiting), customer 1 is not (done already).
      const changed = await recordWecomTransferResults(store.db, 'system:wecom', [
        { customerId: 2, jobId, status: WECOM_TRANSFER_STATUS[3] },
        { customerId: 1, jobId, status: 'refused' },
        { customerId: 4, jobId: jobId + 1, status: 'done' },
      ]);
      expect(changed).toBe(1);
      const rows = await store.db
        .selectFrom('customer_owners')
        .select(['customer_id', 'handover_status'])
        .where('customer_id', 'in', [1, 2, 4])
        .orderBy('customer_id')
        .execute();
      expect(rows.map((r) => r.handover_status)).toEqual(['done', 'refused', 'waiting']);
    });

    it('cancels a running job: what moved stays, the rest is skipped', async () => {
      const created = await createHandoverJob(deps(), ADMIN, request());
      if (!created.ok) throw new Error(created.error.message);
      await executeChunk({ db: store.db, now: () => clock.now() }, created.value.job.id, 10);
      const cancelled = await cancelHandoverJob(deps(), ADMIN, created.value.job.id);
      expect(cancelled.ok && cancelled.value).toMatchObject({
        status: 'cancelled',
        moved: 10,
        skipped: 20,
        pending: 0,
      });
      await run(created.value.job.id);
      expect(await count(`select count(*) as n from customer_owners where manager_id = 'AM1'`)).toBe(20);
    });
  });
}
