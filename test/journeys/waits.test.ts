import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { completeFinishedRuns, deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordJourneyEvents } from '../../src/journeys/events.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import {
  awaitViewJourney,
  deliveryWorker,
  drain,
  liveJourney,
  OPEN_POLICY,
  postJourney,
  seedJourneyBank,
} from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// Waits on both engines with a moving test clock: a wait for an event leaves by 'event' when the event comes and by
// 'timeout' when it does not; a wait until a time of day ends at that time in the bank's zone (Asia/Shanghai); a send
// in quiet hours is queued for the end of quiet hours, in the run of the day it goes out on, and the campaign worker
// sends it then.

const START = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const H = 3_600_000;

for (const engine of await engines()) {
  describe(`journey waits on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = START;
    const clock = clockOf(() => now);
    let deps: EngineDeps;
    let contentId: number;
    const noRules: EngineDeps['ruleMembers'] = () =>
      Promise.resolve({ ok: false, error: { message: 'no rules in this test' } });

    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      ({ contentId } = await seedJourneyBank(db, clock, 40, '2026-12-20'));
      deps = { db, clock, policy: OPEN_POLICY, ruleMembers: noRules };
    });
    afterAll(() => dispose());

    const paths = async (journeyId: number) =>
      new Map(
        (
          await sql<{ customer_id: number; path: string }>`
            select m.customer_id, string_agg(s.node_id || ':' || coalesce(s.exit, '-'), ' ' order by s.step_no) as path
              from journey_memberships m join journey_steps s on s.membership_id = m.id
             where m.journey_id = ${journeyId} group by m.customer_id`.execute(db)
        ).rows.map((r) => [r.customer_id, r.path]),
      );

    it('a wait for an event: the event exit when it comes before the timeout, else the timeout exit', async () => {
      now = START;
      const { journeyId, versionId } = await liveJourney(db, clock, 'Await a click', awaitViewJourney());
      await enterCustomers(deps, versionId, [1, 2, 3, 4], now);
      await drain(deps, now);
      now = new Date(START.getTime() + 5 * H);
      const woken = await recordJourneyEvents({ db, clock }, [
        { customerId: 1, name: 'view_product', time: now },
        { customerId: 2, name: 'view_product', time: now },
        { customerId: 3, name: 'app_open', time: now },
      ]);
      expect(woken.woken).toBe(2);
      await drain(deps, now);
      // Before the timeout only the two who viewed have left.
      expect([...(await paths(journeyId)).entries()].sort()).toEqual([
        [1, 'await:event clicked:-'],
        [2, 'await:event clicked:-'],
      ]);
      now = new Date(START.getTime() + 48 * H);
      await drain(deps, now);
      const all = await paths(journeyId);
      expect(all.get(3)).toBe('await:timeout silent:-');
      expect(all.get(4)).toBe('await:timeout silent:-');
    });

    it('a wait until 09:00 ends at 09:00 in the bank zone, the next day when it is past 09:00', async () => {
      now = START; // 10:00 in Shanghai
      const { journeyId, versionId } = await liveJourney(db, clock, 'Morning', {
        entry: { kind: 'event', event: 'app_open' },
        start: 'morning',
        nodes: [
          { id: 'morning', kind: 'wait', until: '09:00' },
          { id: 'done', kind: 'exit' },
        ],
        edges: [{ from: 'morning', exit: 'next', to: 'done' }],
        reentry: { kind: 'once' },
        controlPercent: 0,
      });
      await enterCustomers(deps, versionId, [5], now);
      await drain(deps, now);
      const due = await db
        .selectFrom('journey_memberships')
        .select(['due_at', 'state'])
        .where('journey_id', '=', journeyId)
        .executeTakeFirstOrThrow();
      expect(due.state).toBe('waiting');
      expect(new Date(due.due_at!).toISOString()).toBe('2026-12-08T01:00:00.000Z');
    });

    it('a send in quiet hours waits for their end, in the run of the day it goes out on', async () => {
      now = new Date('2026-12-07T14:30:00Z'); // 22:30 in Shanghai
      const quiet: EngineDeps = {
        ...deps,
        policy: { ...DEFAULT_CONTACT_POLICY, caps: {}, globalHoldoutPercent: 0 },
      };
      const { journeyId, versionId } = await liveJourney(db, clock, 'Late post', postJourney(contentId));
      await enterCustomers(quiet, versionId, [11, 12], now);
      await drain(quiet, now);
      const rows = await sql<{ not_before: Date; as_of: string; cap_day: string; open_until: Date }>`
        select d.not_before, r.as_of::text as as_of, r.cap_day::text as cap_day, r.open_until
          from deliveries d join campaign_runs r on r.id = d.run_id
          join journey_sends s on s.campaign_id = r.campaign_id
          join journey_versions v on v.id = s.version_id
         where v.journey_id = ${journeyId}`.execute(db);
      expect(rows.rows).toHaveLength(2);
      for (const r of rows.rows) {
        expect(new Date(r.not_before).toISOString()).toBe('2026-12-08T00:00:00.000Z'); // 08:00 in Shanghai
        expect([r.as_of, r.cap_day]).toEqual(['2026-12-08', '2026-12-08']);
        expect(new Date(r.open_until).toISOString()).toBe('2026-12-08T17:00:00.000Z');
      }
      // The campaign worker sends them at 08:00 like any campaign's; the run stays open for the rest of its day.
      now = new Date('2026-12-08T00:00:00Z');
      const worker = deliveryWorker(db, clock);
      const report = await deliverBatch(worker, new AbortController().signal);
      expect([report.claimed, report.sent]).toEqual([2, 2]);
      const outbox = await db.selectFrom('outbox_messages').select(['idempotency_key', 'body']).execute();
      expect(outbox.map((o) => o.idempotency_key).sort()).toEqual(
        rows.rows.map(() => expect.stringMatching(/^j\d+-post$/)),
      );
      expect(await completeFinishedRuns(db, now)).toEqual([]);
      expect(await completeFinishedRuns(db, new Date('2026-12-08T17:00:00Z'))).toHaveLength(1);
    });
  });
}
