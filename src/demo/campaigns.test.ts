import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { campaignResults } from '../campaigns/results/service.ts';
import { fixedClock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { DEMO_CAMPAIGNS, DEMO_MATURITY_REMINDER } from './campaign-plans.ts';
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
    expect(first.campaigns).toBe(DEMO_CAMPAIGNS.length + 1);
    expect(first.messages).toBeGreaterThan(100);
    expect(await seedDemoCampaigns(deps, AS_OF)).toEqual({ campaigns: 0, messages: 0, events: 0 });
    const campaigns = await store.db
      .selectFrom('campaigns')
      .select(['id', 'name', 'status', 'approved_version'])
      .orderBy('id')
      .execute();
    // The one-shot campaigns are over; the maturity reminder runs on every morning.
    expect(campaigns.map((c) => c.status)).toEqual([...DEMO_CAMPAIGNS.map(() => 'completed'), 'running']);
    const outbox = await store.db
      .selectFrom('outbox_messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(outbox.n)).toBe(first.messages);
    // Nobody who revoked a channel for a purpose got a message of that purpose on it.
    const breached = await sql<{ n: number }>`
      select count(*)::int as n
        from deliveries d join consents k
          on k.customer_id = d.customer_id and k.channel = d.consent ->> 'reaches'
         and k.purpose = d.consent ->> 'purpose'
       where k.status = 'revoked'`.execute(store.db);
    expect(breached.rows[0]?.n).toBe(0);
  });

  it('runs the maturity reminder on each of the last three mornings, to deposits maturing three days later', async () => {
    const reminder = await sql<{ day: string; sent: number; texts: string[] }>`
      select to_char(r.slot at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*)::int as sent,
             array_agg(o.body ->> 'text') filter (where o.body ? 'text') as texts
        from campaigns c join campaign_runs r on r.campaign_id = c.id
        join deliveries d on d.run_id = r.id and d.status = 'sent'
        join outbox_messages o on o.idempotency_key = d.idempotency_key
       where c.name = ${DEMO_MATURITY_REMINDER.campaign.name}
       group by 1 order by 1`.execute(store.db);
    expect(reminder.rows.map((r) => r.day)).toEqual(['2025-06-28', '2025-06-29', '2025-06-30']);
    for (const run of reminder.rows) {
      expect(run.sent).toBeGreaterThan(0);
      const due = shiftDay(run.day, 3);
      for (const text of run.texts ?? []) expect(text).toContain(`将于${due}到期`);
    }
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
