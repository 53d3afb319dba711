import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../test/support/campaign-fixture.ts';
import { seedJourneyBank } from '../../test/support/journey-fixture.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { checkJourney } from '../journeys/service.ts';
import { readPlan } from '../ogsm/service.ts';
import { fixedClock } from '../shared/clock.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { seedDemoJourney } from './journeys.ts';

// The demo's live journey passes the same checks an author's would, carries its OGSM plan, names the maturing deposit
// in its notices ({{ reminder.* }}), and is seeded once.

const clock = fixedClock('2026-12-07T02:00:00Z');
let store: OperationalStore;
beforeAll(async () => {
  store = await openMigratedMemoryStore();
  await seedJourneyBank(store.db, clock, 50, '2026-12-14');
  for (const key of ['sms', 'app_push'] as const)
    await addChannel(store.db, clock, { key, kind: 'outbox', reaches: key, variant: key });
});
afterAll(async () => store?.close());

describe('demo journey', () => {
  it('is live on an approved notice, valid, with its OGSM plan; a second seed adds nothing', async () => {
    const seeded = await seedDemoJourney({ db: store.db, clock });
    expect(seeded).not.toBeNull();
    const journey = await store.db
      .selectFrom('journeys as j')
      .innerJoin('journey_versions as v', 'v.id', 'j.current_version')
      .select(['j.status', 'v.body'])
      .where('j.id', '=', seeded!.journeyId)
      .executeTakeFirstOrThrow();
    expect(journey.status).toBe('live');
    expect((await checkJourney({ db: store.db }, journey.body)).ok).toBe(true);
    const plan = await readPlan(store.db, { kind: 'journey', id: seeded!.journeyId });
    expect(plan?.body.goals.map((g) => g.id)).toEqual(['converted', 'rate']);
    expect(plan?.lesson).toMatch(/客户经理/); // reviewed: the strategies scored, the lesson written
    // its notices name the deposit: the send nodes' campaigns are holding reminders (each message its entry's day)
    const sends = await store.db
      .selectFrom('journey_sends as s')
      .innerJoin('campaign_versions as c', 'c.campaign_id', 's.campaign_id')
      .select('c.body')
      .execute();
    expect(sends.map((r) => (r.body as { reminder?: unknown }).reminder)).toEqual([
      { kind: 'deposit_maturity', daysBefore: 7 },
      { kind: 'deposit_maturity', daysBefore: 7 },
    ]);
    expect(await seedDemoJourney({ db: store.db, clock })).toBeNull();
  });
});
