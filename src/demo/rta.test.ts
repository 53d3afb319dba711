import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { readRtaMetrics } from '../rta/metrics-read.ts';
import { segmentMembersSource } from '../rta/service.ts';
import { listStrategies } from '../rta/strategy-store.ts';
import { segmentServiceOn } from '../server/start.ts';
import { startRta, type RunningRta } from '../server/rta.ts';
import { fixedClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { DEMO_STRATEGIES, seedDemoRta } from './rta.ts';
import { startDemoAdPlatform } from './rta-traffic.ts';
import { seedDemoBank } from './seed.ts';

// The demo's RTA side on a small demo bank (real PGlite and chDB): the look-alike score trained, three strategies the
// segment engine accepts and that select customers, seeded once; the simulated ad platform's requests answered by the
// real RTA service over HTTP, some matched.

const clock = fixedClock('2025-06-30T08:00:00Z');
const logger = createLogger('silent');
let store: OperationalStore;
let events: EventStore;
let rta: RunningRta | undefined;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const bank = await seedDemoBank(
    { store, events },
    { customers: 2000, days: 30, seed: 'flywheel', asOf: '2025-06-30' },
  );
  if (!bank.ok) throw new Error(bank.error.message);
}, 120_000);
afterAll(async () => {
  await rta?.stop();
  await events?.close();
  await store?.close();
});

describe('the demo RTA strategies', () => {
  it('trains the look-alike score and saves three strategies once, answered to the simulated platform', async () => {
    const stores = { operational: store, events } as Parameters<typeof segmentServiceOn>[0];
    const segments = segmentServiceOn(stores, clock, logger);
    const seeded = await seedDemoRta({ db: store.db, clock, segments });
    expect(seeded?.strategies).toBe(3);
    expect(seeded?.scored).toBeGreaterThan(0);
    expect((await listStrategies(store.db)).map((s) => [s.id, s.status])).toEqual([
      ['dormant_gold', 'active'],
      ['lookalike_wealth', 'active'],
      ['new_prospects', 'active'],
    ]);
    expect(await seedDemoRta({ db: store.db, clock, segments })).toBeNull();
    // The look-alike strategy's floor leaves someone above it (scores are probabilities of being a best customer).
    const above = await store.db
      .selectFrom('customer_scores')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('score', '>=', DEMO_STRATEGIES[2].target.minLookalike)
      .executeTakeFirstOrThrow();
    expect(Number(above.n)).toBeGreaterThan(0);

    rta = await startRta({
      db: store.db,
      events,
      members: segmentMembersSource(segments),
      clock,
      logger,
      pollSeconds: 5,
      defaultCacheSeconds: 300,
      logSample: 1000,
      port: 0,
      host: '127.0.0.1',
    });
    const platform = await startDemoAdPlatform({ db: store.db, url: rta.url, rps: 100, logger });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await platform.stop();
    await rta.service.metrics.flush(store.db);
    const metrics = await readRtaMetrics(store.db, new Date(clock.now().getTime() + 60_000), 10);
    expect(metrics.totals.requests).toBeGreaterThan(50);
    expect(metrics.totals.errors).toBe(0);
    expect(metrics.totals.matches).toBeGreaterThan(0);
    expect(metrics.strategies.map((s) => s.id)).toContain('new_prospects');
  }, 60_000);
});
