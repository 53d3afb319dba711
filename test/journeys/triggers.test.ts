import { type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterByTriggers } from '../../src/journeys/triggers.ts';
import { setJourneyStatus } from '../../src/journeys/service.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { serializeBitmap } from '../../src/tags/snapshot-store.ts';
import { liveJourney, restJourney, seedJourneyBank } from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// Daily triggers on both stores: a journey entered on entering a saved segment takes who is in today's snapshot and
// not in the previous stored one, a journey entered on leaving it the reverse; a lifecycle-stage journey takes who
// reached the stage (from the given stage) since the previous lifecycle snapshot. A day is entered once per journey
// (re-entry 'always' and a re-run of the batch notwithstanding); without today's snapshot nothing is claimed.

const NOW = new Date('2026-12-08T01:00:00Z');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const engine of await engines())
  describe(`segment and lifecycle-stage entries on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const clock = clockOf(() => NOW);

    const segmentSnapshot = (asOf: string, ids: number[]) =>
      db
        .insertInto('segment_snapshots')
        .values({
          segment_id: 'wealthy',
          as_of: asOf,
          segment_version: 1,
          members: ids.length,
          bitmap: serializeBitmap(new RoaringBitmap32(ids)),
        })
        .execute();
    const stages = (asOf: string, byStage: Record<string, number[]>) =>
      db
        .insertInto('tag_snapshots')
        .values(
          Object.entries(byStage).map(([value, ids]) => ({
            as_of: asOf,
            tag_key: 'lifecycle_stage',
            value,
            definition_version: 1,
            members: ids.length,
            bitmap: serializeBitmap(new RoaringBitmap32(ids)),
          })),
        )
        .execute();
    const members = (journeyId: number) =>
      db
        .selectFrom('journey_memberships')
        .select('customer_id')
        .where('journey_id', '=', journeyId)
        .orderBy('customer_id')
        .execute()
        .then((rows) => rows.map((r) => r.customer_id));

    beforeAll(async () => {
      const opened = await engine.open();
      dispose = opened.dispose;
      db = opened.store.db;
      await seedJourneyBank(db, clock, 40, '2026-12-20');
      await db
        .insertInto('segments')
        .values({
          id: 'wealthy',
          name: 'Wealthy',
          rule: JSON.stringify({ holds: 'wealth' }),
          created_by: 'test',
          updated_by: 'test',
        })
        .execute();
    });
    afterAll(() => dispose());

    it('enters who entered or left the segment since its previous snapshot, once a day', async () => {
      const always = { reentry: { kind: 'always' as const } };
      const enter = await liveJourney(
        db,
        clock,
        'Became wealthy',
        restJourney({ kind: 'segment', segmentId: 'wealthy', on: 'enter' }, always),
      );
      const leave = await liveJourney(
        db,
        clock,
        'No longer wealthy',
        restJourney({ kind: 'segment', segmentId: 'wealthy', on: 'leave' }, always),
      );
      // No snapshot of the day: nothing claimed, so the batch can run again once segments are materialised.
      const missing = await enterByTriggers({ db, clock }, '2026-12-06', NOW);
      expect(missing.get(enter.journeyId)).toBe('no_snapshot_today');
      // The first stored day shows no change.
      await segmentSnapshot('2026-12-06', range(1, 10));
      const first = await enterByTriggers({ db, clock }, '2026-12-06', NOW);
      expect(first.get(enter.journeyId)).toEqual({ entered: 0, control: 0, skipped: 0 });
      await segmentSnapshot('2026-12-08', range(5, 15));
      const day = await enterByTriggers({ db, clock }, '2026-12-08', NOW);
      expect(day.get(enter.journeyId)).toEqual({ entered: 5, control: 0, skipped: 0 });
      expect(day.get(leave.journeyId)).toEqual({ entered: 4, control: 0, skipped: 0 });
      expect(await members(enter.journeyId)).toEqual(range(11, 15));
      expect(await members(leave.journeyId)).toEqual(range(1, 4));
      // A re-run of the day (after the entries have left, re-entry 'always') enters nobody again.
      await db.updateTable('journey_memberships').set({ state: 'exited', due_at: null }).execute();
      const again = await enterByTriggers({ db, clock }, '2026-12-08', NOW);
      expect(again.get(enter.journeyId)).toBe('already');
      expect(again.get(leave.journeyId)).toBe('already');
      expect(await members(enter.journeyId)).toEqual(range(11, 15));
      for (const j of [enter, leave]) await setJourneyStatus({ db, clock }, 'user:ops', j.journeyId, 'stop');
    });

    it('enters who reached a lifecycle stage since the previous lifecycle snapshot, from a stage if given', async () => {
      const reached = await liveJourney(
        db,
        clock,
        'Now transacting',
        restJourney({ kind: 'lifecycle', to: 'transaction' }),
      );
      const fromDemand = await liveJourney(
        db,
        clock,
        'Demand to transaction',
        restJourney({ kind: 'lifecycle', to: 'transaction', from: 'demand' }),
      );
      await stages('2026-12-01', { portrait: range(20, 30), demand: range(1, 10), transaction: [31, 32] });
      // 3 and 4 move on from demand, 20 jumps from portrait; 31 stays; 32 falls back.
      await stages('2026-12-08', {
        portrait: range(21, 30),
        demand: [1, 2, 5, 6, 7, 8, 9, 10, 32],
        transaction: [3, 4, 20, 31],
      });
      const day = await enterByTriggers({ db, clock }, '2026-12-08', NOW);
      expect(day.get(reached.journeyId)).toEqual({ entered: 3, control: 0, skipped: 0 });
      expect(await members(reached.journeyId)).toEqual([3, 4, 20]);
      expect(await members(fromDemand.journeyId)).toEqual([3, 4]);
    });
  });
