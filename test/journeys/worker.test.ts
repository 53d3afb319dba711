import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ingestEvents } from '../../src/ingest/api.ts';
import { EventWriter } from '../../src/ingest/event-writer.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { startWorkerService } from '../../src/server/worker.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { liveJourney, maturityJourney, restJourney, seedJourneyBank } from '../support/journey-fixture.ts';
import { openMemoryStores, segmentService, type MemoryStores } from '../support/memory-stores.ts';

// The worker service moves journeys on its tick (`flywheel start` runs it): customers entered into a live journey
// take their steps without anyone calling the engine, and their notices are queued as deliveries.

describe('journeys in the worker service', () => {
  let stores: MemoryStores;
  const clock = clockOf(() => new Date('2026-12-09T02:00:00Z'));

  beforeAll(async () => {
    stores = await openMemoryStores();
  });
  afterAll(() => stores.close());

  /** The worker service as `flywheel start` runs it, ticking every 100 ms. */
  async function startWorker() {
    const config = loadConfig({
      FLYWHEEL_WORKER_TICK_MS: '100',
      FLYWHEEL_JOURNEY_TICK_MS: '100',
      LOG_LEVEL: 'silent',
      PORT: '0',
    });
    if (!config.ok) throw new Error(JSON.stringify(config.error));
    return startWorkerService({
      config: config.value,
      stores: { operational: stores.store, events: stores.events },
      clock,
      logger: createLogger('silent'),
      segments: segmentService(stores, clock),
    });
  }

  it("takes due customers' steps on the tick and queues their notices", async () => {
    const db = stores.store.db;
    const { contentId } = await seedJourneyBank(db, clock, 10, '2026-12-16');
    const { versionId } = await liveJourney(db, clock, 'Maturity', maturityJourney(contentId));
    const entered = await enterCustomers({ db, clock }, versionId, [1, 2, 3, 4, 5], clock.now());
    expect(entered.entered + entered.control).toBe(5);
    const worker = await startWorker();
    try {
      const steps = async () =>
        Number(
          (
            await db
              .selectFrom('journey_steps')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      await expect.poll(steps, { timeout: 15_000, interval: 100 }).toBeGreaterThan(0);
      const queued = await db
        .selectFrom('deliveries')
        .select('customer_id')
        .where('idempotency_key', 'like', 'j%')
        .execute();
      // The tick also entered the day's due customers of this date journey, beside the five entered by hand.
      const inGraph = await db
        .selectFrom('journey_memberships')
        .select('customer_id')
        .where('arm', 'is distinct from', 'control')
        .execute();
      expect(inGraph.length).toBeGreaterThanOrEqual(entered.entered);
      // The bank's stored policy applies (its global holdout may keep one back): at most one notice each, at least one.
      expect(queued.length).toBeGreaterThan(0);
      expect(queued.length).toBeLessThanOrEqual(inGraph.length);
      expect(new Set(queued.map((d) => d.customer_id)).size).toBe(queued.length);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('an event posted through ingestion enters its journey on the next tick, which also takes its first step', async () => {
    const db = stores.store.db;
    const { journeyId } = await liveJourney(
      db,
      clock,
      'Opened the app',
      restJourney({ kind: 'event', event: 'app_open', where: { os: 'ios' } }, { reentry: { kind: 'once' } }),
    );
    const worker = await startWorker();
    try {
      const posted = await ingestEvents(
        [6, 7].map((id) => ({
          event_id: `open-${id}`,
          distinct_id: `K${String(id).padStart(7, '0')}`,
          event: 'app_open',
          time: clock.now().toISOString(),
          properties: { os: id === 6 ? 'ios' : 'android' },
        })),
        { db, writer: new EventWriter(stores.events), calendar: clock },
      );
      expect(posted.accepted).toBe(2);
      const waiting = () =>
        db
          .selectFrom('journey_memberships')
          .select(['customer_id', 'state'])
          .where('journey_id', '=', journeyId)
          .execute();
      // Entered by the feed and moved on to its wait in the same tick.
      await expect
        .poll(waiting, { timeout: 15_000, interval: 100 })
        .toEqual([{ customer_id: 6, state: 'waiting' }]);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
