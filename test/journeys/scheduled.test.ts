import { type Kysely } from 'kysely';
import type { Population } from '../../src/contracts/population.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentAudience } from '../../src/campaigns/audience.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { enterBySchedules, type ScheduleDeps } from '../../src/journeys/scheduled.ts';
import { createJourney, journeyProblems, publishJourney } from '../../src/journeys/service.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { drain, engineDeps, liveJourney, restJourney, seedJourneyBank } from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// Schedule entries on both stores: a journey entered daily at 09:00 over a population takes the population's members
// once per due slot — not the slot before it went live, not twice when two workers reach the slot at once, again the
// next day for those who have left (re-entry 'always'), and only the latest slot after a worker was down. Its
// population's rule (or its saved segment's) is checked against the catalogue when the journey is checked or
// published: a rule naming what the bank does not know is refused, located at the entry.

const PUBLISHED = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const shanghai = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

let events: EventStore;
beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
});
afterAll(() => events.close());

for (const engine of await engines())
  describe(`schedule entries on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = PUBLISHED;
    const clock = clockOf(() => now);
    let deps: ScheduleDeps;
    let engine_: EngineDeps;
    let segments: SegmentService;

    beforeAll(async () => {
      const opened = await engine.open();
      dispose = opened.dispose;
      db = opened.store.db;
      await seedJourneyBank(db, clock, 30, '2026-12-20');
      segments = new SegmentService({ db, events, clock, tags: tagSource });
      deps = { db, clock, audience: segmentAudience(segments) };
      engine_ = engineDeps(db, clock, segments);
    });
    afterAll(() => dispose());

    const entries = (journeyId: number) =>
      db
        .selectFrom('journey_memberships')
        .select(['customer_id', 'entry_no'])
        .where('journey_id', '=', journeyId)
        .execute();

    it('enters the population once per due slot', async () => {
      now = PUBLISHED;
      const { journeyId } = await liveJourney(
        db,
        clock,
        'Every morning',
        restJourney({
          kind: 'schedule',
          population: { rule: { holds: 'time_deposit' } },
          schedule: { kind: 'daily', time: '09:00' },
        }),
      );
      // Today's 09:00 was before it went live.
      expect((await enterBySchedules(deps, now)).size).toBe(0);
      // Tuesday 09:30: two workers reach the slot at once; one enters everyone.
      now = shanghai('2026-12-08', '09:30');
      const [a, b] = await Promise.all([enterBySchedules(deps, now), enterBySchedules(deps, now)]);
      const outcomes = [a.get(journeyId), b.get(journeyId)].filter((o) => o !== undefined);
      const entered = outcomes.filter((o) => typeof o === 'object' && 'entered' in o);
      expect(entered).toEqual([
        { entered: 30, control: 0, skipped: 0, slot: shanghai('2026-12-08', '09:00') },
      ]);
      expect((await entries(journeyId)).length).toBe(30);
      // Later the same morning: the slot has run.
      now = shanghai('2026-12-08', '11:00');
      expect((await enterBySchedules(deps, now)).size).toBe(0);
      await drain(engine_, now); // everyone rests a day
      // Down from Wednesday to Friday noon: Wednesday's customers have left by Thursday; only Friday's slot runs.
      now = shanghai('2026-12-11', '12:00');
      await drain(engine_, now);
      const friday = await enterBySchedules(deps, now);
      expect(friday.get(journeyId)).toEqual({
        entered: 30,
        control: 0,
        skipped: 0,
        slot: shanghai('2026-12-11', '09:00'),
      });
      const all = await entries(journeyId);
      expect(all.filter((e) => e.entry_no === 2)).toHaveLength(30);
      expect(all).toHaveLength(60);
      const runs = await db
        .selectFrom('journey_entry_runs')
        .select(['run_key', 'entered'])
        .where('journey_id', '=', journeyId)
        .orderBy('run_key')
        .execute();
      expect(runs).toEqual([
        { run_key: `slot:${shanghai('2026-12-08', '09:00').toISOString()}`, entered: 30 },
        { run_key: `slot:${shanghai('2026-12-11', '09:00').toISOString()}`, entered: 30 },
      ]);
    });

    it('refuses a population rule the catalogue does not know, at check and at publish, located at the entry', async () => {
      now = PUBLISHED;
      const schedule = { kind: 'daily', time: '09:00' } as const;
      const withPopulation = (population: Population) =>
        restJourney({ kind: 'schedule', population, schedule });
      const check = async (population: Population) =>
        (await journeyProblems({ db, segments }, withPopulation(population))).problems;

      expect(await check({ rule: { holds: 'time_deposit' } })).toEqual([]);
      expect(await check({ rule: { tag: 'no_such_tag', in: ['x'] } })).toEqual([
        expect.objectContaining({ code: 'invalid_rule', path: ['entry', 'population', 'rule'] }),
      ]);
      expect(await check({ rule: { attr: 'no_such_field', op: '=', value: 1 } })).toEqual([
        expect.objectContaining({ code: 'invalid_rule', path: ['entry', 'population', 'rule'] }),
      ]);
      expect(await check({ rule: { segment: 'nowhere' } })).toEqual([
        expect.objectContaining({ code: 'invalid_rule', path: ['entry', 'population', 'rule'] }),
      ]);
      expect(await check({ segmentId: 'nowhere' })).toEqual([
        expect.objectContaining({ code: 'unknown_segment', path: ['entry', 'population', 'segmentId'] }),
      ]);
      // A saved segment whose rule went stale (its tag removed since) fails every slot: refused too.
      await db
        .insertInto('segments')
        .values({
          id: 'stale',
          name: 'Stale',
          rule: JSON.stringify({ tag: 'retired_tag', in: ['x'] }),
          created_by: 'test',
          updated_by: 'test',
        })
        .execute();
      const stale = await check({ segmentId: 'stale' });
      expect(stale).toEqual([
        expect.objectContaining({ code: 'invalid_rule', path: ['entry', 'population', 'segmentId'] }),
      ]);
      expect(stale[0]!.message).toMatch(/^entry: the rule of segment stale/);

      // Saved as a draft by a caller without the catalogue, published through the checked path: refused, unchanged.
      const bad = withPopulation({ rule: { tag: 'no_such_tag', in: ['x'] } });
      const created = await createJourney({ db, clock }, 'user:ops', { name: 'Bad population', body: bad });
      if (!created.ok) throw new Error(created.error.message);
      const published = await publishJourney({ db, clock, segments }, 'user:ops', created.value.journeyId);
      expect(published.ok).toBe(false);
      if (published.ok) return;
      expect(published.error.code).toBe('validation_failed');
      expect(published.error.details).toEqual([
        expect.objectContaining({ path: '/entry/population/rule', code: 'invalid_rule' }),
      ]);
      const row = await db
        .selectFrom('journeys')
        .select('status')
        .where('id', '=', created.value.journeyId)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('draft');
    });
  });
