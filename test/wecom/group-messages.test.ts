import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { completeFinishedRuns, deliverBatch, type WorkerDeps } from '../../src/campaigns/delivery/worker.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { ensureWecomChannel } from '../../src/wecom/channel-setup.ts';
import { settleWecomGroupMessages } from '../../src/wecom/group-message-results.ts';
import { wecomGroupChannel } from '../../src/wecom/group-messages.ts';
import type { WecomApi } from '../../src/wecom/port.ts';
import type { RunningSimulator } from '../../src/wecom/simulator/server.ts';
import { SimClock, type WorldSeed } from '../../src/wecom/simulator/world.ts';
import { addChannel, capLedgerOf, queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';
import { openMigratedMemoryStore } from '../support/pglite.ts';
import { engines } from '../support/stores.ts';
import { simControl, simulatorAndClient } from '../support/wecom-sim.ts';

// WeCom group messages as a campaign channel (issue #13, item 7), against the simulator on both engines: one
// add_msg_template per sending manager; deliveries wait for the manager's confirmation, then end sent, failed or
// expired; WeCom's one message per customer a day holds across campaigns; consent is checked before WeCom is asked;
// a call whose answer was lost is never repeated.

const N = 12;
const ext = (id: number) => `wm${String(id).padStart(4, '0')}`;
// Customers 1–6 and 11 are AM001's WeCom friends, 7–10 AM002's; 12 is nobody's. 1–6 are owned by AM001, 7–10 by
// AM002, 11 and 12 by nobody. Customer 5 withdrew WeCom marketing consent.
const friendOf = (id: number) => (id <= 6 || id === 11 ? 'AM001' : id <= 10 ? 'AM002' : null);
const world: WorldSeed = {
  staff: [
    { userid: 'AM001', name: '王芳' },
    { userid: 'AM002', name: '李强' },
  ],
  customers: Array.from({ length: 11 }, (_, i) => ({ external_userid: ext(i + 1), name: `客户${i + 1}` })),
  friendships: Array.from({ length: 11 }, (_, i) => ({
    userid: friendOf(i + 1)!,
    external_userid: ext(i + 1),
    createtime: 1_690_000_000 + i,
  })),
};

for (const engine of await engines()) {
  describe(`WeCom group messages on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let sim: RunningSimulator;
    let api: WecomApi;
    let now = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
    const clock = clockOf(() => new Date(now));
    let contentId: number;
    let deps: WorkerDeps;
    const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0, caps: {}, quietHours: null };
    const deliveries = async (runId: number) =>
      Object.fromEntries(
        (
          await db
            .selectFrom('deliveries')
            .select(['customer_id', 'status', 'last_error', 'provider_id'])
            .where('run_id', '=', String(runId))
            .orderBy('customer_id')
            .execute()
        ).map((d) => [d.customer_id, d]),
      );
    /** Group messages the simulator holds, whatever their state. */
    const simTotal = async () =>
      Object.values(
        ((await simControl(sim, 'state')) as { messages: Record<string, number> }).messages,
      ).reduce((a, b) => a + b, 0);
    const messages = () => db.selectFrom('wecom_group_messages').selectAll().orderBy('id').execute();

    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      ({ sim, client: api } = await simulatorAndClient(world, {
        simulator: { clock: new SimClock(() => now.getTime()) },
      }));
      await seedCampaignBank(db, clock, N, []);
      await db
        .insertInto('staff')
        .values([
          { id: 'AM001', name: '王芳', org_unit_id: 'HO', role: 'account_manager' },
          { id: 'AM002', name: '李强', org_unit_id: 'HO', role: 'account_manager' },
        ])
        .execute();
      await db
        .insertInto('customer_owners')
        .values(
          Array.from({ length: 10 }, (_, i) => ({
            customer_id: i + 1,
            manager_id: i < 6 ? 'AM001' : 'AM002',
            source: 'assign',
          })),
        )
        .execute();
      await db
        .insertInto('wecom_friendships')
        .values(
          Array.from({ length: 11 }, (_, i) => ({
            staff_id: friendOf(i + 1)!,
            external_userid: ext(i + 1),
            customer_id: i + 1,
            matched_by: 'manual' as const,
            added_at: new Date('2026-01-01T00:00:00Z'),
          })),
        )
        .execute();
      await sql`insert into consents (customer_id, channel, status, source, updated_at)
                select id, 'wecom', case when id = 5 then 'revoked' else 'granted' end, 'import', ${now}::timestamptz
                  from generate_series(1, ${N}::int) as id`.execute(db);
      await addChannel(db, clock, { key: 'wecom', kind: 'wecom_group', reaches: 'wecom', variant: 'wecom' });
      const created = await createContent({ db, clock }, 'user:author', {
        type: 'product',
        title: 'WeCom post',
        productId: 'WM-90',
        variants: { wecom: { text: '您好，{{ product.name }}今日开售。' } },
      });
      if (!created.ok) throw new Error(created.error.message);
      contentId = created.value.contentId;
      await reviewContent({ db, clock }, 'user:author', contentId, 1, { action: 'submit' });
      await reviewContent({ db, clock }, 'user:checker', contentId, 1, { action: 'approve' });
      deps = {
        db,
        clock,
        workerId: 'w1',
        senders: new Map([['wecom', wecomGroupChannel({ db, clock, api, channel: 'wecom' })]]),
        composer: new Composer(
          db,
          new Map([['wecom', { key: 'wecom', reaches: 'wecom' as const, variant: 'wecom' as const }]]),
          'Demo Bank',
        ),
      };
    });
    afterAll(async () => {
      await sim.close();
      await dispose();
    });

    let first: number;
    it('asks WeCom once per sending manager; customers wait for the confirmation; no friend fails at once', async () => {
      ({ runId: first } = await queueCampaignRun(db, clock, contentId, 'wecom', {
        policy,
        reaches: 'wecom',
      }));
      const report = await deliverBatch(deps, new AbortController().signal);
      // Customer 5 withdrew consent: never queued, WeCom never asked. 12 is nobody's friend.
      expect(report).toMatchObject({ claimed: 11, retried: 10, failed: 1, sent: 0 });
      const rows = await deliveries(first);
      expect(rows[5]).toBeUndefined();
      expect(rows[12]).toMatchObject({
        status: 'failed',
        last_error: 'the customer is not a WeCom friend of any staff member',
      });
      expect(rows[1]!.status).toBe('queued');
      const sent = await messages();
      expect(sent.map((m) => [m.sender, m.state])).toEqual([
        ['AM001', 'awaiting_confirmation'],
        ['AM002', 'awaiting_confirmation'],
      ]);
      expect(sent[0]!.content).toBe('您好，稳健90天今日开售。');
      const state = (await simControl(sim, 'state')) as { messages: { awaiting: number } };
      expect(state.messages.awaiting).toBe(2);
      // Waiting for the managers: nothing is due again before the confirmation window ends.
      expect((await deliverBatch(deps, new AbortController().signal)).claimed).toBe(0);
      expect(await settleWecomGroupMessages({ db, clock, api }, { olderThanMs: 0 })).toMatchObject({
        polled: 2,
        sent: 0,
        failed: 0,
      });
    });

    it("AM001 confirms: their customers are sent with WeCom's msgid; AM002's still wait", async () => {
      const [am001] = await messages();
      await simControl(sim, 'messages/confirm', { msgid: am001!.msgid });
      now = new Date(now.getTime() + 60_000);
      expect(await settleWecomGroupMessages({ db, clock, api }, { olderThanMs: 0 })).toMatchObject({
        sent: 6,
        failed: 0,
      });
      const rows = await deliveries(first);
      for (const id of [1, 2, 3, 4, 6, 11])
        expect(rows[id]).toMatchObject({ status: 'sent', provider_id: `wecom:${am001!.msgid}` });
      expect(rows[7]!.status).toBe('queued');
      expect((await messages())[0]!.state).toBe('confirmed');
    });

    let second: number;
    it('one message per customer a day: a second campaign today waits for tomorrow', async () => {
      ({ runId: second } = await queueCampaignRun(db, clock, contentId, 'wecom', {
        policy,
        reaches: 'wecom',
        name: 'Second post',
      }));
      const report = await deliverBatch(deps, new AbortController().signal);
      expect(report).toMatchObject({ claimed: 11, retried: 10, failed: 1 });
      const waiting = await db
        .selectFrom('deliveries')
        .select(['not_before', 'last_error'])
        .where('run_id', '=', String(second))
        .where('customer_id', '=', 1)
        .executeTakeFirstOrThrow();
      expect(new Date(waiting.not_before).toISOString()).toBe('2026-12-07T16:00:00.000Z');
      expect(waiting.last_error).toMatch(/one group message per customer a day/);
      expect(await messages()).toHaveLength(2);
    });

    it("the window ends: AM002's customers expire, the second campaign's go out as new messages", async () => {
      now = new Date('2026-12-08T16:00:02Z'); // 00:00:02 on the 9th in Shanghai: confirmDays 1 has passed
      const report = await deliverBatch(deps, new AbortController().signal);
      // AM002's four expire; the second run's ten are asked for again (two new messages).
      expect(report).toMatchObject({ claimed: 14, failed: 4, retried: 10 });
      const rows = await deliveries(first);
      for (const id of [7, 8, 9, 10])
        expect(rows[id]).toMatchObject({
          status: 'failed',
          last_error: expect.stringMatching(/^not confirmed by AM002 before/),
        });
      const all = await messages();
      expect(all.map((m) => m.state)).toEqual([
        'confirmed',
        'expired',
        'awaiting_confirmation',
        'awaiting_confirmation',
      ]);
      expect(await completeFinishedRuns(db, now)).toEqual([first]);
      // The ledger of the day holds the first run's 6 sent and the second run's 10 still live: the 4 expired and the
      // one nobody's friend gave their reservations back (else 21).
      expect(await capLedgerOf(db, first)).toEqual({ reserved: 16, live: 6 });
    });

    it('a call whose answer was lost is not repeated: its customers fail as outcome unknown', async () => {
      const { runId } = await queueCampaignRun(db, clock, contentId, 'wecom', {
        policy,
        reaches: 'wecom',
        name: 'Third post',
      });
      now = new Date('2026-12-09T16:00:02Z'); // the 10th: nobody was messaged today
      // A process stopped between writing the request and WeCom's answer: the rows it left, no msgid.
      const [run] = await db
        .selectFrom('deliveries')
        .select(['idempotency_key', 'customer_id'])
        .where('run_id', '=', String(runId))
        .where('customer_id', '=', 1)
        .execute();
      const left = await db
        .insertInto('wecom_group_messages')
        .values({
          channel: 'wecom',
          run_id: String(runId),
          sender: 'AM001',
          content: 'x',
          created_at: now,
          expires_at: new Date(now.getTime() + 86_400_000),
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('wecom_group_message_recipients')
        .values({
          delivery_key: run!.idempotency_key,
          message_id: left.id,
          customer_id: 1,
          external_userid: ext(1),
          day: '2026-12-10',
          updated_at: now,
        })
        .execute();
      const simMessages = async () =>
        Object.values(
          ((await simControl(sim, 'state')) as { messages: Record<string, number> }).messages,
        ).reduce((a, b) => a + b, 0);
      const before = await simMessages();
      // Within the grace period it waits (the call may still be answered); after it, it fails for good.
      await deliverBatch(deps, new AbortController().signal);
      expect((await deliveries(runId))[1]!.status).toBe('queued');
      now = new Date(now.getTime() + 3 * 60_000);
      await db
        .updateTable('deliveries')
        .set({ not_before: now })
        .where('run_id', '=', String(runId))
        .execute();
      await deliverBatch(deps, new AbortController().signal);
      expect((await deliveries(runId))[1]).toMatchObject({
        status: 'failed',
        last_error: expect.stringMatching(/process stopped while WeCom was asked/),
      });
      const after = await simTotal();
      // Only the run's other customers' messages were asked for (AM001 without customer 1, AM002): two, no more.
      expect(after - before).toBe(2);
    });

    it('WeCom answering garbage: the messages end as outcome unknown, nothing is asked twice; a failed read-back waits', async () => {
      now = new Date('2026-12-10T16:00:02Z'); // the 11th
      const { runId } = await queueCampaignRun(db, clock, contentId, 'wecom', {
        policy,
        reaches: 'wecom',
        name: 'Fourth post',
      });
      const before = await simTotal();
      await simControl(sim, 'faults', {
        api: 'externalcontact/add_msg_template',
        kind: 'garbage',
        count: 20,
      });
      // The second run's ten expire now too (their window ended with the 10th); the fourth run's eleven are asked for.
      const report = await deliverBatch(deps, new AbortController().signal);
      expect(report).toMatchObject({ claimed: 21, failed: 21 });
      const rows = await deliveries(runId);
      for (const id of [1, 2, 3, 4, 6, 7, 8, 9, 10, 11])
        expect(rows[id]!.last_error).toMatch(/^WeCom did not answer .*not requested again$/);
      expect(await simTotal()).toBe(before);
      const states = await db
        .selectFrom('wecom_group_messages')
        .select('state')
        .where('run_id', '=', String(runId))
        .execute();
      expect(states.map((m) => m.state)).toEqual(['unknown', 'unknown']);
      // Nothing left to send for the run: its deliveries ended.
      expect((await deliverBatch(deps, new AbortController().signal)).claimed).toBe(0);

      // A read-back WeCom cannot answer is reported and tried again at the next poll.
      await db
        .updateTable('wecom_group_messages')
        .set({ polled_at: null })
        .where('state', '=', 'awaiting_confirmation')
        .execute();
      const waiting = await db
        .selectFrom('wecom_group_messages')
        .select('id')
        .where('state', '=', 'awaiting_confirmation')
        .execute();
      await simControl(sim, 'faults', {
        api: 'externalcontact/get_groupmsg_send_result',
        kind: 'garbage',
        count: 3 * waiting.length,
      });
      const failedPoll = await settleWecomGroupMessages({ db, clock, api }, { olderThanMs: 0 });
      expect(failedPoll).toMatchObject({ polled: waiting.length, errors: waiting.length, sent: 0 });
      const again = await settleWecomGroupMessages({ db, clock, api }, { olderThanMs: 0 });
      expect(again.errors).toBe(0);
    });
  });
}

describe('the WeCom channel when WeCom is connected', () => {
  it('is added once, audited', async () => {
    const store = await openMigratedMemoryStore();
    try {
      const clock = clockOf(() => new Date('2026-12-07T02:00:00Z'));
      expect(await ensureWecomChannel(store.db, clock, 'system')).toBe(true);
      expect(await ensureWecomChannel(store.db, clock, 'system')).toBe(false);
      const channels = await store.db.selectFrom('channels').select(['key', 'kind', 'reaches']).execute();
      expect(channels).toEqual([{ key: 'wecom', kind: 'wecom_group', reaches: 'wecom' }]);
      const audit = await store.db
        .selectFrom('audit_log')
        .select(['action', 'entity_id'])
        .where('action', '=', 'channel.create')
        .execute();
      expect(audit).toEqual([{ action: 'channel.create', entity_id: 'wecom' }]);
    } finally {
      await store.close();
    }
  });
});
