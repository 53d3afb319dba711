import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerTaskChannel, settleManagerTasks } from '../../src/campaigns/channels/manager-task.ts';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { completeFinishedRuns, deliverBatch, type WorkerDeps } from '../../src/campaigns/delivery/worker.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { listTasks, updateTask } from '../../src/pool/tasks.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { capLedgerOf, queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';
import { engines } from '../support/stores.ts';

// The manager_task channel on both engines: a message becomes a task in the owner's workbench with the rendered
// script; confirmed → sent, cancelled or expired → failed; a customer without an owner fails with the reason.

const N = 20;

for (const engine of await engines()) {
  describe(`manager tasks on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
    const clock = clockOf(() => new Date(now));
    let runId: number;
    let deps: WorkerDeps;
    const am1 = { actor: 'user:am1', scope: { kind: 'own' as const, staffId: 'AM1' }, staffId: 'AM1' };
    const statusOf = async (customerId: number) =>
      (
        await db
          .selectFrom('deliveries')
          .select(['status', 'last_error', 'provider_id'])
          .where('run_id', '=', String(runId))
          .where('customer_id', '=', customerId)
          .executeTakeFirstOrThrow()
      ).status;

    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      await seedCampaignBank(db, clock, N, []);
      await db
        .insertInto('staff')
        .values({ id: 'AM1', name: '李经理', org_unit_id: 'HO', role: 'account_manager' })
        .execute();
      // Customers 1–10 are AM1's; 11–20 have no owner.
      await db
        .insertInto('customer_owners')
        .values(
          Array.from({ length: 10 }, (_, i) => ({ customer_id: i + 1, manager_id: 'AM1', source: 'assign' })),
        )
        .execute();
      await db
        .insertInto('channels')
        .values({
          key: 'am_task',
          kind: 'manager_task',
          reaches: 'sms',
          variant: 'manager_script',
          config: '{}',
          updated_by: 'test',
          updated_at: now,
        })
        .execute();
      const created = await createContent({ db, clock }, 'user:author', {
        type: 'product',
        title: 'Maturity call',
        productId: 'WM-90',
        variants: {
          manager_script: {
            text: '{{ customer.surname }}{{ customer.salutation }}您好，{{ product.name }}到期。',
          },
        },
      });
      if (!created.ok) throw new Error(created.error.message);
      await reviewContent({ db, clock }, 'user:author', created.value.contentId, 1, { action: 'submit' });
      await reviewContent({ db, clock }, 'user:checker', created.value.contentId, 1, { action: 'approve' });
      const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0, caps: {} };
      ({ runId } = await queueCampaignRun(db, clock, created.value.contentId, 'am_task', { policy }));
      const channels = new Map([
        ['am_task', { key: 'am_task', reaches: 'sms' as const, variant: 'manager_script' as const }],
      ]);
      deps = {
        db,
        clock,
        workerId: 'w1',
        senders: new Map([['am_task', managerTaskChannel(db, clock)]]),
        composer: new Composer(db, channels, 'Demo Bank'),
      };
    });
    afterAll(() => dispose());

    it("puts each owned customer's message in the manager's workbench; no owner fails with the reason", async () => {
      const signal = new AbortController().signal;
      const report = await deliverBatch(deps, signal);
      // Consent: 7 and 14 never answered, 10 and 20 opted out; owned 1–9 (not 7) wait, unowned 11–19 (not 14) fail.
      expect(report).toMatchObject({ claimed: 16, retried: 8, failed: 8, sent: 0 });
      expect(await statusOf(12)).toBe('failed');
      const failed = await db
        .selectFrom('deliveries')
        .select('last_error')
        .where('customer_id', '=', 12)
        .executeTakeFirstOrThrow();
      expect(failed.last_error).toBe('the customer has no account manager');
      const tasks = await listTasks(db, am1.scope, { status: 'open' });
      expect(tasks.total).toBe(8);
      expect(tasks.items[0]).toMatchObject({
        assigneeId: 'AM1',
        source: 'campaign',
        dueOn: '2026-12-10',
        title: '活动「Morning post」：请向客户转发话术',
        notes: expect.stringMatching(/您好，稳健90天到期。$/),
      });
      // Waiting for the manager: nothing is due again before the task expires.
      expect((await deliverBatch(deps, signal)).claimed).toBe(0);
    });

    it('confirmed → sent, cancelled → failed, expired unconfirmed → failed; the run then completes', async () => {
      const tasks = (await listTasks(db, am1.scope, { status: 'open' })).items;
      const taskOf = (customerId: number) =>
        tasks.find((t) => t.customerNo === `K${String(customerId).padStart(7, '0')}`)!.id;
      await updateTask({ db, clock }, am1, taskOf(1), { status: 'done' });
      await updateTask({ db, clock }, am1, taskOf(2), { status: 'cancelled' });
      expect(await settleManagerTasks({ db, clock })).toEqual({ sent: 1, failed: 1 });
      expect(await settleManagerTasks({ db, clock })).toEqual({ sent: 0, failed: 0 });
      expect([await statusOf(1), await statusOf(2), await statusOf(3)]).toEqual(['sent', 'failed', 'queued']);

      // Customer 3's task is confirmed but not settled; at the expiry the worker takes both kinds again.
      await updateTask({ db, clock }, am1, taskOf(3), { status: 'done' });
      now = new Date('2026-12-10T16:00:01Z'); // 00:00:01 on the 11th in Shanghai: the 10th is over
      const report = await deliverBatch(deps, new AbortController().signal);
      expect(report).toMatchObject({ claimed: 6, sent: 1, failed: 5 });
      expect(await statusOf(3)).toBe('sent');
      expect(await statusOf(4)).toBe('failed');
      expect((await listTasks(db, am1.scope, { status: 'open' })).total).toBe(0);
      const expired = await db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'task.expire')
        .execute();
      expect(expired).toHaveLength(5);
      expect(await completeFinishedRuns(db, now)).toEqual([runId]);
      // Tasks cancelled or expired unconfirmed gave their cap reservations back.
      expect(await capLedgerOf(db, runId)).toEqual({ reserved: 2, live: 2 });
    });
  });
}
