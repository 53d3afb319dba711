import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { campaignResults } from '../campaigns/results/service.ts';
import { fixedClock } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { DEMO_CAMPAIGNS } from './campaign-plans.ts';
import { seedDemoCampaigns } from './campaigns.ts';
import { seedDemoBank } from './seed.ts';

// The demo bank's past campaigns go through the real engine (approval, policy, outbox) and leave results a user can
// read on first start: sent, answered, and a measurable effect over the control group.

const AS_OF = '2025-06-30';
let store: OperationalStore;
let events: EventStore;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const seeded = await seedDemoBank(
    { store, events },
    { customers: 3000, days: 60, seed: 'flywheel', asOf: AS_OF },
  );
  if (!seeded.ok) throw new Error(seeded.error.message);
});
afterAll(async () => {
  await events?.close();
  await store?.close();
});

describe('seedDemoCampaigns', () => {
  it('sends each campaign through approval, policy and the outbox, once', async () => {
    const deps = { db: store.db, events, timeZone: 'Asia/Shanghai' };
    const first = await seedDemoCampaigns(deps, AS_OF);
    expect(first.campaigns).toBe(DEMO_CAMPAIGNS.length);
    expect(first.messages).toBeGreaterThan(100);
    expect(await seedDemoCampaigns(deps, AS_OF)).toEqual({ campaigns: 0, messages: 0, events: 0 });
    const campaigns = await store.db
      .selectFrom('campaigns')
      .select(['id', 'status', 'approved_version'])
      .execute();
    expect(campaigns.map((c) => c.status)).toEqual(DEMO_CAMPAIGNS.map(() => 'completed'));
    const outbox = await store.db
      .selectFrom('outbox_messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(outbox.n)).toBe(first.messages);
    // Nobody who revoked a channel got a message on it.
    const breached = await store.db
      .selectFrom('deliveries as d')
      .innerJoin('channels as ch', 'ch.key', 'd.channel')
      .innerJoin('consents as k', (j) =>
        j.onRef('k.customer_id', '=', 'd.customer_id').onRef('k.channel', '=', 'ch.reaches'),
      )
      .where('k.status', '=', 'revoked')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(breached.n)).toBe(0);
  });

  it('leaves results with answers, conversions and a lift with its interval', async () => {
    const [first] = await store.db.selectFrom('campaigns').select('id').orderBy('id').execute();
    const results = await campaignResults(
      { db: store.db, events, clock: fixedClock(`${AS_OF}T10:00:00+08:00`) },
      first!.id,
    );
    if (!results.ok) throw new Error(results.error.message);
    const { totals, lift, cost } = results.value;
    expect(totals.delivered).toBeGreaterThan(totals.sent * 0.85);
    expect(totals.opened).toBeGreaterThan(0);
    expect(totals.clicked).toBeGreaterThan(0);
    expect(totals.control).toBeGreaterThan(0);
    // A small bank's control group is a handful of customers: the effect is there, its sign at this size is noise.
    expect(totals.converted).toBeGreaterThan(0);
    expect(lift?.absolute?.lower).toBeLessThan(lift!.absolute!.upper);
    expect(cost?.total).toBeGreaterThan(0);
  });
});
