import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { setJourneyStatus } from '../../src/journeys/service.ts';
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

const NOW = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai

for (const engine of await engines())
  describe(`stopping a journey on ${engine.name}`, () => {
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
  });
