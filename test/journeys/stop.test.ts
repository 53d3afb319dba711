import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { publishJourney, setJourneyStatus } from '../../src/journeys/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import {
  deliveryWorker,
  drain,
  liveJourney,
  engineDepsWithoutRules,
  postJourney,
  seedJourneyBank,
} from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// Stopping a journey on both stores: the messages its send node queued and no worker has claimed yet end cancelled
// through the campaign engine's own cancel, their cap reservations given back in the same statement; the delivery
// worker sends none of them afterwards, and the stop is audited with the campaign's cancel.
// Pausing one: its queued messages wait (the campaign engine's own pause of its send campaign: the delivery worker
// claims none of them), customers due at the send node meanwhile do not move, and resuming lets both go — the queued
// messages out, the due customers through the send into the resumed campaign. Publishing a paused journey puts it
// live, and its campaigns with it.

const NOW = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai

for (const engine of await engines())
  describe(`stopping and pausing a journey on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const clock = clockOf(() => NOW);
    let deps: EngineDeps;
    let contentId: number;

    beforeAll(async () => {
      const opened = await engine.open();
      dispose = opened.dispose;
      db = opened.store.db;
      ({ contentId } = await seedJourneyBank(db, clock, 20, '2026-12-20'));
      deps = engineDepsWithoutRules(db, clock);
    });
    afterAll(() => dispose());

    it('cancels its queued deliveries and gives their cap reservations back; the worker sends none', async () => {
      const { journeyId, versionId } = await liveJourney(db, clock, 'Stopped', postJourney(contentId));
      await enterCustomers(
        deps,
        versionId,
        Array.from({ length: 12 }, (_, i) => i + 1),
        NOW,
      );
      await drain(deps, NOW);
      // Marketing consent: not multiples of 7 (never answered) nor of 10 (revoked SMS marketing).
      const consenting = [1, 2, 3, 4, 5, 6, 8, 9, 11, 12];
      const statuses = () =>
        db.selectFrom('deliveries').select(['customer_id', 'status']).orderBy('customer_id').execute();
      expect(await statuses()).toEqual(consenting.map((customer_id) => ({ customer_id, status: 'queued' })));
      const reserved = async () =>
        (
          await sql<{ n: number }>`select coalesce(sum(messages), 0)::int as n from contact_ledger`.execute(
            db,
          )
        ).rows[0]!.n;
      expect(await reserved()).toBe(consenting.length);

      expect((await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop')).ok).toBe(true);
      expect(await statuses()).toEqual(
        consenting.map((customer_id) => ({ customer_id, status: 'cancelled' })),
      );
      expect(await reserved()).toBe(0);
      const worker = deliveryWorker(db, clock);
      const report = await deliverBatch(worker, new AbortController().signal);
      expect(report.claimed).toBe(0);
      expect(await db.selectFrom('outbox_messages').select('idempotency_key').execute()).toEqual([]);
      const audit = await db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['journey.stop', 'campaign.cancel'])
        .orderBy('action')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['campaign.cancel', 'journey.stop']);
    });

    const campaignsOf = async (journeyId: number) =>
      (
        await db
          .selectFrom('journey_sends as s')
          .innerJoin('journey_versions as v', 'v.id', 's.version_id')
          .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
          .select('c.status')
          .where('v.journey_id', '=', journeyId)
          .execute()
      ).map((c) => c.status);
    /** The deliveries of one journey's sends (the stopped journey's cancelled ones are in the same store). */
    const deliveriesOf = (journeyId: number) =>
      db
        .selectFrom('deliveries as d')
        .innerJoin('campaign_runs as r', 'r.id', 'd.run_id')
        .innerJoin('journey_sends as s', 's.campaign_id', 'r.campaign_id')
        .innerJoin('journey_versions as v', 'v.id', 's.version_id')
        .select(['d.customer_id', 'd.status'])
        .where('v.journey_id', '=', journeyId)
        .orderBy('d.customer_id')
        .execute();
    const send = () => deliverBatch(deliveryWorker(db, clock), new AbortController().signal);

    it('holds its queued messages and its due customers until resumed', async () => {
      const { journeyId, versionId } = await liveJourney(db, clock, 'Paused', postJourney(contentId));
      await enterCustomers(deps, versionId, [1, 2, 3, 4, 5, 6], NOW);
      await drain(deps, NOW);
      expect((await deliveriesOf(journeyId)).map((d) => d.status)).toEqual(Array(6).fill('queued'));
      // Entered while live, due at the send node when the pause comes.
      await enterCustomers(deps, versionId, [8, 9, 10, 11, 12], NOW);

      expect((await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'pause')).ok).toBe(true);
      expect(await campaignsOf(journeyId)).toEqual(['paused']);
      expect((await send()).claimed).toBe(0);
      // Timers wait: nobody moves, so nothing is queued into the paused campaign.
      expect(await drain(deps, NOW)).toBe(0);
      expect(await deliveriesOf(journeyId)).toHaveLength(6);

      expect((await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'resume')).ok).toBe(true);
      expect(await campaignsOf(journeyId)).toEqual(['running']);
      expect((await send()).sent).toBe(6);
      // What fell due goes on: the send node queues into the resumed campaign (10 revoked SMS marketing), and out.
      expect(await drain(deps, NOW)).toBe(5);
      expect((await send()).sent).toBe(4);
      expect(await deliveriesOf(journeyId)).toEqual(
        [1, 2, 3, 4, 5, 6, 8, 9, 11, 12].map((customer_id) => ({ customer_id, status: 'sent' })),
      );
      const audit = await db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'in', ['journey.pause', 'journey.resume', 'campaign.pause', 'campaign.resume'])
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'campaign.pause',
        'journey.pause',
        'campaign.resume',
        'journey.resume',
      ]);
    });

    it('publishing a paused journey puts it live with its campaigns', async () => {
      const { journeyId } = await liveJourney(db, clock, 'Republished', postJourney(contentId));
      await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'pause');
      expect(await campaignsOf(journeyId)).toEqual(['paused']);
      expect((await publishJourney({ db, clock }, 'user:ops', journeyId)).ok).toBe(true);
      expect(await campaignsOf(journeyId)).toEqual(['running']);
      const journey = await db
        .selectFrom('journeys')
        .select('status')
        .where('id', '=', journeyId)
        .executeTakeFirstOrThrow();
      expect(journey.status).toBe('live');
    });
  });
