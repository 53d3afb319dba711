import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterDueDates } from '../../src/journeys/dated.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordGoalEvents, recordJourneyEvents } from '../../src/journeys/events.ts';
import { processDue, type EngineDeps } from '../../src/journeys/engine.ts';
import { createJourney, setJourneyStatus } from '../../src/journeys/service.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { addDays, type Day } from '../../src/shared/day.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import {
  drain,
  engineDeps,
  liveJourney,
  maturityJourney,
  repeatedSteps,
  seedJourneyBank,
} from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// The journey engine on both stores with a test clock that moves a day per loop: the deposit-maturity journey over
// 30 days (T−7 notice, 3 days' wait, a branch on what the customer bought, a call task), an A/B split with fixed
// shares, re-entry once vs after N days, and a goal that ends every live journey for the customer.

const N = 300;
const START = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const FIRST_MATURITY = '2026-12-16';

let events: EventStore;
beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
});
afterAll(async () => {
  await events.close();
});

for (const engine of await engines()) {
  describe(`journeys on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = START;
    const clock = clockOf(() => now);
    let deps: EngineDeps;
    let contentId: number;
    let segments: SegmentService;

    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      ({ contentId } = await seedJourneyBank(db, clock, N, FIRST_MATURITY));
      segments = new SegmentService({ db, events, clock, tags: tagSource });
      deps = engineDeps(db, clock, segments);
    });
    afterAll(async () => {
      now = START;
      await dispose();
    });

    it('deposit maturity: T−7 notice, 3 days later a call task for those who bought nothing, over 30 days', async () => {
      const { journeyId, versionId } = await liveJourney(
        db,
        clock,
        'Deposit maturity',
        maturityJourney(contentId),
      );
      const today = clock.today();
      for (let d = 0; d < 30; d++) {
        now = new Date(START.getTime() + d * 86_400_000);
        const day = clock.dayOf(now) as Day;
        // Customers whose notice went out 2 days ago and whose id is a multiple of 3 buy a wealth product.
        await sql`
          insert into holdings (customer_id, account_no, product_id, balance, opened_on)
          select h.customer_id, 'WM' || h.customer_id, 'WM-90', 10000, ${day}::date
            from holdings h
           where h.product_id = 'TD-1Y' and h.customer_id % 3 = 0
             and h.maturity_date = ${addDays(day, 5)}::date
          on conflict do nothing`.execute(db);
        await enterDueDates(deps, day, now);
        await drain(deps, now);
      }
      // Every deposit matured within the window; everyone entered once, 7 days before.
      const members = await db
        .selectFrom('journey_memberships')
        .select(['id', 'customer_id', 'state', 'arm', 'exit_reason', 'entered_at', 'entry_no'])
        .where('journey_id', '=', journeyId)
        .execute();
      expect(members).toHaveLength(N);
      expect(new Set(members.map((m) => m.customer_id)).size).toBe(N);
      const control = members.filter((m) => m.arm === 'control');
      expect(control.length).toBeGreaterThan(N * 0.04);
      expect(control.length).toBeLessThan(N * 0.18);
      for (const m of members) {
        const maturity = addDays(FIRST_MATURITY as Day, m.customer_id % 10);
        expect(clock.dayOf(m.entered_at)).toBe(addDays(maturity, -7));
        expect(m.state).toBe('exited');
        expect(m.exit_reason).toBe(m.arm === 'control' ? 'control' : 'exit');
      }
      expect(today).toBe('2026-12-07');
      // The path each one took.
      const paths = new Map<number, string>();
      const { rows } = await sql<{ customer_id: number; path: string }>`
        select m.customer_id, string_agg(s.node_id || ':' || coalesce(s.exit, '-'), ' ' order by s.step_no) as path
          from journey_memberships m join journey_steps s on s.membership_id = m.id
         where m.journey_id = ${journeyId} group by m.customer_id`.execute(db);
      for (const r of rows) paths.set(r.customer_id, r.path);
      for (const m of members) {
        if (m.arm === 'control') expect(paths.has(m.customer_id)).toBe(false);
        else
          expect(paths.get(m.customer_id)).toBe(
            m.customer_id % 3 === 0
              ? 'notice:next wait3:next bought:yes done:-'
              : 'notice:next wait3:next bought:default call:next touch:next done:-',
          );
      }
      expect(await repeatedSteps(db)).toEqual([]);
      // Notices: one delivery per member with service consent, through the journey's campaign, one run per day.
      const inside = members.filter((m) => m.arm !== 'control');
      const deliveries = await sql<{ key: string; customer_id: number; campaign_id: number; as_of: string }>`
        select d.idempotency_key as key, d.customer_id, r.campaign_id, r.as_of::text as as_of
          from deliveries d join campaign_runs r on r.id = d.run_id`.execute(db);
      const consenting = inside.filter((m) => m.customer_id % 7 !== 0);
      expect(deliveries.rows).toHaveLength(consenting.length);
      expect(new Set(deliveries.rows.map((d) => d.key))).toEqual(
        new Set(consenting.map((m) => `j${m.id}-notice`)),
      );
      const send = await db
        .selectFrom('journey_sends')
        .select('campaign_id')
        .where('version_id', '=', versionId)
        .executeTakeFirstOrThrow();
      expect(new Set(deliveries.rows.map((d) => d.campaign_id))).toEqual(new Set([send.campaign_id]));
      expect(new Set(deliveries.rows.map((d) => d.as_of)).size).toBe(10);
      const suppressed = await sql<{ n: number }>`
        select count(*)::int as n from journey_steps where node_id = 'notice' and outcome = 'suppressed'`.execute(
        db,
      );
      expect(suppressed.rows[0]!.n).toBe(inside.length - consenting.length);
      // Call tasks for the owner, once per member who bought nothing; the manual tag set on them.
      const tasks = await db.selectFrom('tasks').select(['customer_id', 'source']).execute();
      const callers = inside.filter((m) => m.customer_id % 3 !== 0).map((m) => m.customer_id);
      expect(tasks.map((t) => t.customer_id).sort((a, b) => a - b)).toEqual(callers.sort((a, b) => a - b));
      expect(new Set(tasks.map((t) => t.source))).toEqual(new Set(['journey']));
      const tagged = await db.selectFrom('manual_tag_values').select('customer_id').execute();
      expect(tagged).toHaveLength(callers.length);
      await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
    });

    it('date entries: each day once, from the day of publication; days a stopped worker skipped are caught up', async () => {
      now = START;
      const { journeyId } = await liveJourney(db, clock, 'Catch-up', maturityJourney(contentId));
      const first = await enterDueDates(deps, '2026-12-07' as Day, now);
      expect(first.get(journeyId)).toMatchObject({ entered: 0, control: 0 }); // nothing matures on 12-14
      // The worker was down until the 12th: the 8th to the 12th are entered now (maturities 12-15 … 12-19).
      now = new Date(START.getTime() + 5 * 86_400_000);
      const caught = await enterDueDates(deps, '2026-12-12' as Day, now);
      const { rows } = await sql<{ n: number }>`
        select count(distinct customer_id)::int as n from holdings
         where product_id = 'TD-1Y' and maturity_date between '2026-12-15' and '2026-12-19'`.execute(db);
      const due = rows[0]!.n;
      expect(due).toBeGreaterThan(0);
      expect(caught.get(journeyId)!.entered + caught.get(journeyId)!.control).toBe(due);
      const runs = await db
        .selectFrom('journey_entry_runs')
        .select('run_key')
        .where('journey_id', '=', journeyId)
        .orderBy('run_key')
        .execute();
      expect(runs.map((r) => r.run_key)).toEqual(
        ['07', '08', '09', '10', '11', '12'].map((d) => `date:2026-12-${d}`),
      );
      // Again, or for an earlier day: every day is claimed, nobody enters twice.
      expect((await enterDueDates(deps, '2026-12-12' as Day, now)).get(journeyId)).toMatchObject({
        entered: 0,
      });
      expect((await enterDueDates(deps, '2026-12-09' as Day, now)).get(journeyId)).toMatchObject({
        entered: 0,
      });
      const members = await db
        .selectFrom('journey_memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('journey_id', '=', journeyId)
        .executeTakeFirstOrThrow();
      expect(Number(members.n)).toBe(due);
      await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
    });

    it('an A/B split with fixed shares: arms recorded, counts within tolerance, the same arm on re-entry', async () => {
      now = START;
      const { journeyId, versionId } = await liveJourney(db, clock, 'A/B', {
        entry: { kind: 'event', event: 'app_open' },
        start: 'ab',
        nodes: [
          {
            id: 'ab',
            kind: 'split',
            arms: [
              { key: 'a', share: 30 },
              { key: 'b', share: 70 },
            ],
          },
          { id: 'done', kind: 'exit' },
        ],
        edges: [
          { from: 'ab', exit: 'a', to: 'done' },
          { from: 'ab', exit: 'b', to: 'done' },
        ],
        reentry: { kind: 'always' },
        controlPercent: 0,
      });
      const ids = Array.from({ length: N }, (_, i) => i + 1);
      expect(await enterCustomers(deps, versionId, ids, now)).toEqual({ entered: N, control: 0, skipped: 0 });
      await drain(deps, now);
      const arms = async (entry: number) =>
        new Map(
          (
            await db
              .selectFrom('journey_memberships')
              .select(['customer_id', 'arm'])
              .where('journey_id', '=', journeyId)
              .where('entry_no', '=', entry)
              .execute()
          ).map((r) => [r.customer_id, r.arm]),
        );
      const first = await arms(1);
      const a = [...first.values()].filter((arm) => arm === 'a').length;
      // 30% of 300 with a binomial standard deviation of ~8: well within ±30.
      expect(Math.abs(a - 90)).toBeLessThan(30);
      expect([...first.values()].every((arm) => arm === 'a' || arm === 'b')).toBe(true);
      // Re-entry 'always' through the event path: the same customers keep their arm.
      now = new Date(START.getTime() + 3_600_000);
      const report = await recordJourneyEvents(
        { db, clock },
        ids.slice(0, 50).map((customerId) => ({ customerId, name: 'app_open', time: now })),
      );
      expect(report.entered).toBe(50);
      await drain(deps, now);
      const second = await arms(2);
      expect(second.size).toBe(50);
      for (const [id, arm] of second) expect(arm).toBe(first.get(id));
      await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
    });

    it('re-entry: once never again; after N days only once N days have passed and the last entry has ended', async () => {
      now = START;
      const simple = (reentry: Parameters<typeof maturityJourney>[1]) =>
        maturityJourney(contentId, {
          controlPercent: 0,
          entry: { kind: 'event', event: 'app_open' },
          ...reentry,
        });
      const once = await liveJourney(db, clock, 'Once', simple({ reentry: { kind: 'once' } }));
      const after = await liveJourney(
        db,
        clock,
        'After 10 days',
        simple({ reentry: { kind: 'afterDays', days: 10 } }),
      );
      const ids = [1, 2, 3];
      expect((await enterCustomers(deps, once.versionId, ids, now)).entered).toBe(3);
      expect((await enterCustomers(deps, after.versionId, ids, now)).entered).toBe(3);
      // Still inside: nobody enters twice at once.
      expect((await enterCustomers(deps, after.versionId, ids, now)).skipped).toBe(3);
      await drain(deps, now);
      now = new Date(START.getTime() + 5 * 86_400_000);
      await drain(deps, now); // past the 3 days' wait: everyone has left
      const day = (d: number) => new Date(START.getTime() + d * 86_400_000);
      expect((await enterCustomers(deps, once.versionId, ids, day(7))).skipped).toBe(3);
      expect((await enterCustomers(deps, after.versionId, ids, day(7))).skipped).toBe(3);
      expect((await enterCustomers(deps, after.versionId, ids, day(11))).entered).toBe(3);
      expect((await enterCustomers(deps, once.versionId, ids, day(40))).skipped).toBe(3);
      const entries = await db
        .selectFrom('journey_memberships')
        .select(['journey_id', 'entry_no'])
        .where('journey_id', 'in', [once.journeyId, after.journeyId])
        .execute();
      expect(entries.filter((e) => e.journey_id === once.journeyId).map((e) => e.entry_no)).toEqual([
        1, 1, 1,
      ]);
      expect(
        entries
          .filter((e) => e.journey_id === after.journeyId)
          .map((e) => e.entry_no)
          .sort(),
      ).toEqual([1, 1, 1, 2, 2, 2]);
      for (const j of [once, after]) await setJourneyStatus({ db, clock }, 'user:ops', j.journeyId, 'stop');
    });

    it('a goal event ends every live journey for the customer, and marks the control group converted', async () => {
      now = START;
      const goal = { event: 'purchase', where: { amount: { gte: 1000 } } };
      const body = maturityJourney(contentId, {
        entry: { kind: 'event', event: 'app_open' },
        controlPercent: 20,
        goal,
      });
      const one = await liveJourney(db, clock, 'Goal one', body);
      const two = await liveJourney(db, clock, 'Goal two', body);
      const ids = Array.from({ length: 40 }, (_, i) => i + 101);
      for (const j of [one, two]) await enterCustomers(deps, j.versionId, ids, now);
      await drain(deps, now); // everyone inside rests on the 3 days' wait
      now = new Date(START.getTime() + 86_400_000);
      const buyers = ids.slice(0, 20);
      const converted = await recordGoalEvents({ db }, [
        ...buyers.map((customerId) => ({
          customerId,
          name: 'purchase',
          time: now,
          properties: { amount: 5000 },
        })),
        // Too small to count, and not the goal's event.
        { customerId: ids[30]!, name: 'purchase', time: now, properties: { amount: 10 } },
        { customerId: ids[31]!, name: 'app_open', time: now },
      ]);
      const rows = await db
        .selectFrom('journey_memberships')
        .select(['journey_id', 'customer_id', 'state', 'arm', 'converted_at', 'exit_reason'])
        .where('journey_id', 'in', [one.journeyId, two.journeyId])
        .execute();
      const insideBuyers = rows.filter((r) => buyers.includes(r.customer_id) && r.arm !== 'control');
      expect(converted).toBe(insideBuyers.length);
      for (const r of rows) {
        const bought = buyers.includes(r.customer_id);
        expect(r.converted_at !== null).toBe(bought);
        if (bought && r.arm !== 'control') expect([r.state, r.exit_reason]).toEqual(['converted', 'goal']);
        if (!bought && r.arm !== 'control') expect(r.state).toBe('waiting');
      }
      // Both journeys hold back the same share but their own sample; converted entries go no further.
      now = new Date(START.getTime() + 4 * 86_400_000);
      await drain(deps, now);
      const after = await sql<{ n: number }>`
        select count(*)::int as n from journey_steps s join journey_memberships m on m.id = s.membership_id
         where m.state = 'converted' and s.node_id <> 'notice'`.execute(db);
      expect(after.rows[0]!.n).toBe(0);
      expect(await repeatedSteps(db)).toEqual([]);
    });

    it('refuses a branch whose rule names what the segment catalogue does not know, naming the node', async () => {
      const body = maturityJourney(contentId);
      const branch = body.nodes.find((n) => n.kind === 'branch')!;
      if (branch.kind === 'branch') branch.arms = [{ key: 'yes', rule: { tag: 'no_such_tag', in: ['x'] } }];
      const refused = await createJourney({ db, clock, segments }, 'user:ops', { name: 'Bad rule', body });
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error.code).toBe('validation_failed');
      expect(refused.error.details).toEqual([
        expect.objectContaining({ path: '/nodes/2/arms/0/rule', code: 'invalid_rule' }),
      ]);
      expect(JSON.stringify(refused.error.details)).toContain('branch bought');
    });

    it('a paused journey keeps its timers; resumed, what fell due goes on', async () => {
      now = START;
      const j = await liveJourney(
        db,
        clock,
        'Paused',
        maturityJourney(contentId, { entry: { kind: 'event', event: 'app_open' }, controlPercent: 0 }),
      );
      await enterCustomers(deps, j.versionId, [201, 202], now);
      await drain(deps, now);
      await setJourneyStatus({ db, clock }, 'user:ops', j.journeyId, 'pause');
      now = new Date(START.getTime() + 4 * 86_400_000);
      expect((await processDue(deps, { now, limit: 10 })).claimed).toBe(0);
      expect((await enterCustomers(deps, j.versionId, [203], now)).entered).toBe(0);
      await setJourneyStatus({ db, clock }, 'user:ops', j.journeyId, 'resume');
      expect(await drain(deps, now)).toBe(2);
      const states = await db
        .selectFrom('journey_memberships')
        .select('state')
        .where('journey_id', '=', j.journeyId)
        .execute();
      expect(states.map((s) => s.state)).toEqual(['exited', 'exited']);
    });
  });
}
