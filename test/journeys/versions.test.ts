import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyCounts } from '../../src/journeys/counts.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordGoalEvents } from '../../src/journeys/events.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import type { JourneyBody } from '../../src/journeys/model.ts';
import { journeyResults } from '../../src/journeys/results.ts';
import { setJourneyStatus } from '../../src/journeys/service.ts';
import { previewMigration, publishVersion, reviseJourney } from '../../src/journeys/versions.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { expectNullsExplained } from '../support/nulls.ts';
import {
  drain,
  engineDeps,
  liveJourney,
  maturityJourney,
  repeatedSteps,
  seedJourneyBank,
} from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// Journeys edited while live (a new version; customers inside finish on theirs, or move by a previewed mapping that
// is refused when it orphans anyone), counts per node, and results against the control group, on both engines.

const N = 120;
const START = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const DAY = 86_400_000;
const ops = 'user:ops';

let events: EventStore;
beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
});
afterAll(async () => {
  await events.close();
});

/** v2 of the event-entered maturity journey: the 3 days' wait replaced by a 1 day's wait `pause1`. */
function shorterWait(body: JourneyBody): JourneyBody {
  return {
    ...body,
    nodes: body.nodes.map((n) =>
      n.id === 'wait3' ? { id: 'pause1', kind: 'wait', duration: { days: 1 } } : n,
    ),
    edges: body.edges.map((e) => ({
      ...e,
      from: e.from === 'wait3' ? 'pause1' : e.from,
      to: e.to === 'wait3' ? 'pause1' : e.to,
    })),
  };
}

for (const engine of await engines()) {
  describe(`journey versions, counts and results on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = START;
    const clock = clockOf(() => now);
    let deps: EngineDeps;
    let contentId: number;
    const at = (days: number) => new Date(START.getTime() + days * DAY);
    const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const memberships = (journeyId: number) =>
      db
        .selectFrom('journey_memberships')
        .select(['customer_id', 'version_id', 'current_node', 'state', 'due_at', 'arm'])
        .where('journey_id', '=', journeyId)
        .execute();
    const paths = async (journeyId: number) => {
      const { rows } = await sql<{ customer_id: number; path: string }>`
        select m.customer_id, string_agg(s.node_id || ':' || coalesce(s.exit, '-'), ' ' order by s.step_no) as path
          from journey_memberships m join journey_steps s on s.membership_id = m.id
         where m.journey_id = ${journeyId} group by m.customer_id`.execute(db);
      return new Map(rows.map((r) => [r.customer_id, r.path]));
    };

    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      ({ contentId } = await seedJourneyBank(db, clock, N, '2027-03-01'));
      const segments = new SegmentService({ db, events, clock, tags: tagSource });
      deps = engineDeps(db, clock, segments);
    });
    afterAll(async () => {
      now = START;
      await dispose();
    });

    const body = () =>
      maturityJourney(contentId, {
        entry: { kind: 'event', event: 'app_open' },
        controlPercent: 0,
        goal: { event: 'purchase' },
      });

    it('without a migration, customers inside finish on their version while new entries take the new one', async () => {
      now = START;
      const v1 = body();
      const j = await liveJourney(db, clock, 'Finish on yours', v1);
      await enterCustomers(deps, j.versionId, ids(1, 20), now);
      await drain(deps, now); // all rest on wait3 until day 3
      const revised = await reviseJourney({ db, clock }, ops, j.journeyId, {
        name: 'Finish on yours (shorter)',
        body: shorterWait(v1),
      });
      expect(revised).toEqual({ ok: true, value: { versionId: expect.any(Number), version: 2 } });
      if (!revised.ok) return;
      const v2 = revised.value.versionId;
      // Saved, not published: new customers still enter v1.
      const journey = await db
        .selectFrom('journeys')
        .selectAll()
        .where('id', '=', j.journeyId)
        .executeTakeFirstOrThrow();
      expect([journey.current_version, journey.name]).toEqual([j.versionId, 'Finish on yours (shorter)']);
      expect(await publishVersion({ db, clock }, ops, j.journeyId)).toEqual({
        ok: true,
        value: { versionId: v2 },
      });
      expect((await enterCustomers(deps, j.versionId, [21], now)).entered).toBe(0); // the old version takes nobody
      expect((await enterCustomers(deps, v2, ids(21, 40), now)).entered).toBe(20);
      await drain(deps, now);

      // Counts in the middle: everyone passed the notice; v1's rest on wait3, v2's on pause1.
      const mid = await journeyCounts(db, j.journeyId);
      if (!mid.ok) throw new Error(mid.error.message);
      const node = (name: string) => mid.value.nodes.find((n) => n.node === name)!;
      expect(mid.value.nodes.map((n) => n.node)).toEqual([
        'notice',
        'pause1',
        'bought',
        'call',
        'touch',
        'done',
        'wait3',
      ]);
      expect(node('notice')).toEqual({
        node: 'notice',
        entered: 40,
        waiting: 0,
        exits: { next: 40 },
        converted: 0,
      });
      expect(node('wait3')).toMatchObject({ entered: 20, waiting: 20, exits: {} });
      expect(node('pause1')).toMatchObject({ entered: 20, waiting: 20, exits: {} });
      expect(mid.value.totals).toEqual({
        entered: 40,
        inside: 40,
        exited: {},
        converted: 0,
        control: 0,
        controlConverted: 0,
      });
      const onlyV1 = await journeyCounts(db, j.journeyId, j.versionId);
      if (!onlyV1.ok) throw new Error(onlyV1.error.message);
      expect(onlyV1.value.nodes.map((n) => n.node)).not.toContain('pause1');
      expect(onlyV1.value.totals.entered).toBe(20);
      expect((await journeyCounts(db, j.journeyId, 2_000_000)).ok).toBe(false);

      // Customers 1–5 and 21–25 buy: the goal ends their entries where they rest.
      now = at(0.5);
      await recordGoalEvents(
        { db },
        [...ids(1, 5), ...ids(21, 25)].map((customerId) => ({ customerId, name: 'purchase', time: now })),
      );
      now = at(1.5);
      await drain(deps, now); // v2's wait is over: they go on to the end; v1's still wait
      let rows = await memberships(j.journeyId);
      for (const m of rows.filter((r) => r.customer_id > 25 && r.customer_id <= 40))
        expect([m.version_id, m.state]).toEqual([v2, 'exited']);
      for (const m of rows.filter((r) => r.customer_id > 5 && r.customer_id <= 20))
        expect([m.version_id, m.state, m.current_node]).toEqual([j.versionId, 'waiting', 'wait3']);
      now = at(3.5);
      await drain(deps, now);
      rows = await memberships(j.journeyId);
      expect(rows.filter((r) => r.state === 'waiting' || r.state === 'active')).toEqual([]);
      const walked = await paths(j.journeyId);
      const tail = 'bought:default call:next touch:next done:-';
      expect(walked.get(6)).toBe(`notice:next wait3:next ${tail}`);
      expect(walked.get(26)).toBe(`notice:next pause1:next ${tail}`);
      expect(walked.get(1)).toBe('notice:next'); // converted on the wait
      expect(await repeatedSteps(db)).toEqual([]);

      const end = await journeyCounts(db, j.journeyId);
      if (!end.ok) throw new Error(end.error.message);
      const last = (name: string) => end.value.nodes.find((n) => n.node === name)!;
      expect(last('wait3')).toEqual({
        node: 'wait3',
        entered: 20,
        waiting: 0,
        exits: { next: 15 },
        converted: 5,
      });
      expect(last('bought')).toEqual({
        node: 'bought',
        entered: 30,
        waiting: 0,
        exits: { default: 30 },
        converted: 0,
      });
      expect(last('done')).toMatchObject({ entered: 30, exits: {} });
      expect(last('notice').converted).toBe(10);
      expect(end.value.totals).toEqual({
        entered: 40,
        inside: 0,
        exited: { exit: 30, goal: 10 },
        converted: 10,
        control: 0,
        controlConverted: 0,
      });

      // Results: no control group, so no lift (with its reason); the branch arms described with Wilson intervals.
      const results = await journeyResults(db, j.journeyId);
      if (!results.ok) throw new Error(results.error.message);
      expect(results.value.treated).toMatchObject({ entries: 40, converted: 10, rate: 0.25 });
      expect(results.value.control).toMatchObject({ entries: 0, rate: null, interval: null });
      expect(results.value.lift).toBeNull();
      expect(results.value.liftReason).toBe('control has no entries');
      expect(results.value.branches).toEqual([
        {
          node: 'bought',
          arms: [
            expect.objectContaining({ arm: 'yes', entries: 0, interval: null }),
            expect.objectContaining({ arm: 'default', entries: 30, converted: 0, rate: 0 }),
          ],
        },
      ]);
      expectNullsExplained(results.value);
      await setJourneyStatus({ db, clock }, ops, j.journeyId, 'stop');
      const stopped = await reviseJourney({ db, clock }, ops, j.journeyId, { body: v1 });
      expect(stopped).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('a migration is previewed, refused naming the orphaned nodes, and otherwise moves everyone keeping their timers', async () => {
      now = START;
      const v1 = body();
      const j = await liveJourney(db, clock, 'Migrate', v1);
      await enterCustomers(deps, j.versionId, ids(41, 70), now);
      await drain(deps, now); // 30 rest on wait3 until day 3
      const before = await memberships(j.journeyId);
      const revised = await reviseJourney({ db, clock }, ops, j.journeyId, { body: shorterWait(v1) });
      if (!revised.ok) throw new Error(revised.error.message);
      const v2 = revised.value.versionId;
      const preview = (mapping: Record<string, string>) =>
        previewMigration({ db }, j.journeyId, { fromVersionId: j.versionId, mapping });
      expect(await preview({})).toEqual({
        ok: true,
        value: {
          toVersionId: v2,
          moves: [],
          orphans: [{ node: 'wait3', customers: 30, reason: 'unmapped' }],
          staying: 0,
        },
      });
      expect(await preview({ wait3: 'gone' })).toMatchObject({
        ok: true,
        value: { orphans: [{ node: 'wait3', reason: 'unknown_node' }] },
      });
      expect(await preview({ wait3: 'call' })).toMatchObject({
        ok: true,
        value: { orphans: [{ node: 'wait3', customers: 30, reason: 'not_a_wait' }] },
      });
      expect(await preview({ nowhere: 'pause1' })).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', details: [{ path: '/mapping/nowhere' }] },
      });
      expect(await previewMigration({ db }, j.journeyId, { fromVersionId: v2, mapping: {} })).toMatchObject({
        ok: false,
        error: { details: [{ path: '/fromVersionId' }] },
      });
      const good = { notice: 'notice', wait3: 'pause1' };
      expect(await preview(good)).toEqual({
        ok: true,
        value: {
          toVersionId: v2,
          moves: [{ from: 'wait3', to: 'pause1', customers: 30 }],
          orphans: [],
          staying: 0,
        },
      });

      // Refused: nothing published, nobody moved, no campaign made for v2's send node.
      const refused = await publishVersion({ db, clock }, ops, j.journeyId, {
        fromVersionId: j.versionId,
        mapping: { wait3: 'call' },
      });
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'validation_failed',
          message: expect.stringContaining('wait3'),
          details: [
            {
              path: '/migrate/mapping/wait3',
              code: 'not_a_wait',
              message: expect.stringContaining('30 customer(s) on node wait3'),
            },
          ],
        },
      });
      const journey = () =>
        db
          .selectFrom('journeys')
          .select(['current_version', 'status'])
          .where('id', '=', j.journeyId)
          .executeTakeFirstOrThrow();
      expect(await journey()).toEqual({ current_version: j.versionId, status: 'live' });
      expect(await memberships(j.journeyId)).toEqual(before);
      expect(
        await db.selectFrom('journey_sends').select('node_id').where('version_id', '=', v2).execute(),
      ).toEqual([]);

      const published = await publishVersion({ db, clock }, ops, j.journeyId, {
        fromVersionId: j.versionId,
        mapping: good,
      });
      expect(published).toEqual({ ok: true, value: { versionId: v2 } });
      expect(await journey()).toEqual({ current_version: v2, status: 'live' });
      const moved = await memberships(j.journeyId);
      for (const m of moved) {
        const was = before.find((b) => b.customer_id === m.customer_id)!;
        // The wait keeps its due time (day 3), though pause1 alone would have ended on day 1.
        expect(m).toEqual({ ...was, version_id: v2, current_node: 'pause1' });
      }
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('entity_type', '=', 'journey')
        .where('entity_id', '=', String(j.journeyId))
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'journey.create',
        'journey.publish',
        'journey.revise',
        'journey.migrate',
        'journey.publish',
      ]);
      expect(audit[3]!.details).toMatchObject({ fromVersionId: j.versionId, toVersionId: v2, customers: 30 });

      now = at(1.5);
      await drain(deps, now);
      expect((await memberships(j.journeyId)).every((m) => m.state === 'waiting')).toBe(true);
      now = at(3.5);
      await drain(deps, now);
      const walked = await paths(j.journeyId);
      expect(walked.get(41)).toBe('notice:next pause1:next bought:default call:next touch:next done:-');
      expect(await repeatedSteps(db)).toEqual([]);

      // Per version: the notice was passed on v1 before the move, the rest on v2 — each step where it was taken.
      const counted = async (versionId: number) => {
        const c = await journeyCounts(db, j.journeyId, versionId);
        if (!c.ok) throw new Error(c.error.message);
        return new Map(c.value.nodes.map((n) => [n.node, n.entered]));
      };
      const onV1 = await counted(j.versionId);
      const onV2 = await counted(v2);
      expect([onV1.get('notice'), onV1.get('bought') ?? 0]).toEqual([30, 0]);
      expect([onV2.get('notice'), onV2.get('pause1'), onV2.get('bought')]).toEqual([0, 30, 30]);
    });

    it('results: treated against control, each split arm against control and the first arm', async () => {
      now = START;
      const split: JourneyBody = {
        entry: { kind: 'event', event: 'app_open' },
        start: 'ab',
        nodes: [
          {
            id: 'ab',
            kind: 'split',
            arms: [
              { key: 'a', share: 50 },
              { key: 'b', share: 50 },
            ],
          },
          { id: 'hold', kind: 'wait', duration: { days: 5 } },
          { id: 'done', kind: 'exit' },
        ],
        edges: [
          { from: 'ab', exit: 'a', to: 'hold' },
          { from: 'ab', exit: 'b', to: 'hold' },
          { from: 'hold', exit: 'next', to: 'done' },
        ],
        reentry: { kind: 'once' },
        controlPercent: 25,
        goal: { event: 'purchase', where: { amount: { gte: 100 } } },
      };
      const j = await liveJourney(db, clock, 'Split results', split);
      expect((await enterCustomers(deps, j.versionId, ids(1, N), now)).entered).toBeGreaterThan(0);
      await drain(deps, now);
      const rows = await memberships(j.journeyId);
      const armOf = new Map(rows.map((r) => [r.customer_id, r.arm!]));
      // Arm a converts at 1/2, arm b at 1/4, the control group at 1/5 (by customer id).
      const buys = (id: number) => {
        const arm = armOf.get(id);
        return arm === 'a' ? id % 2 === 0 : arm === 'b' ? id % 4 === 0 : id % 5 === 0;
      };
      now = at(1);
      await recordGoalEvents(
        { db },
        ids(1, N)
          .filter(buys)
          .map((customerId) => ({ customerId, name: 'purchase', time: now, properties: { amount: 500 } })),
      );
      const results = await journeyResults(db, j.journeyId);
      if (!results.ok) throw new Error(results.error.message);
      const r = results.value;
      const count = (arm: string | ((a: string) => boolean)) => {
        const inArm = ids(1, N).filter((id) =>
          typeof arm === 'string' ? armOf.get(id) === arm : arm(armOf.get(id)!),
        );
        return { entries: inArm.length, converted: inArm.filter(buys).length };
      };
      const treated = count((a) => a !== 'control');
      const control = count('control');
      expect(r.treated).toMatchObject(treated);
      expect(r.control).toMatchObject(control);
      expect(control.entries).toBeGreaterThan(10);
      const pt = treated.converted / treated.entries;
      const pc = control.converted / control.entries;
      expect(r.lift!.absolute!.estimate).toBeCloseTo(pt - pc, 12);
      expect(r.lift!.absolute!.lower).toBeLessThan(pt - pc);
      expect(r.lift!.test.pValue).toBeGreaterThan(0);
      expect(r.lift!.test.pValue).toBeLessThan(1);
      expect(r.treated.interval!.lower).toBeLessThan(pt);
      expect(r.splits).toHaveLength(1);
      const [a, b] = r.splits[0]!.arms;
      expect([a!.arm, b!.arm]).toEqual(['a', 'b']);
      expect(a).toMatchObject({
        ...count('a'),
        vsFirst: null,
        vsFirstReason: 'the first arm is the reference',
      });
      expect(b).toMatchObject(count('b'));
      const [pa, pb] = [a!.converted / a!.entries, b!.converted / b!.entries];
      expect(b!.vsFirst!.absolute!.estimate).toBeCloseTo(pb - pa, 12);
      expect(a!.vsControl!.absolute!.estimate).toBeCloseTo(pa - pc, 12);
      expect(r.branches).toEqual([]);
      expectNullsExplained(r);
      // A journey nobody entered: every figure null with its reason.
      const empty = await liveJourney(db, clock, 'Empty', { ...split, controlPercent: 10 });
      const none = await journeyResults(db, empty.journeyId);
      if (!none.ok) throw new Error(none.error.message);
      expect(none.value.lift).toBeNull();
      expect(none.value.splits[0]!.arms.every((x) => x.interval === null && x.vsControl === null)).toBe(true);
      expectNullsExplained(none.value);
      expect(JSON.stringify(none.value)).not.toMatch(/NaN|Infinity/);
      expect((await journeyResults(db, 2_000_000)).ok).toBe(false);
    });
  });
}
