import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { planForAudience, prepareRun } from '../../src/campaigns/runs/prepare.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import type { Kysely } from 'kysely';
import { queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';
import { engines } from '../support/stores.ts';

// Preparing runs on both engines: the preview's numbers are the run's, preparing twice writes once, caps hold
// across campaigns, quiet hours defer, the control group is held back.

const N = 2000;
const granted = Array.from({ length: N }, (_, i) => i + 1).filter(
  (id) => id % 7 !== 0 && id % 10 !== 0,
).length;

for (const engine of await engines()) {
  describe(`preparing runs on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    let now = new Date('2026-12-07T02:00:00Z'); // 10:00 in Shanghai
    const clock = clockOf(() => new Date(now));
    let contentId: number;
    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      ({ contentId } = await seedCampaignBank(db, clock, N, [{ key: 'bank_sms', kind: 'outbox' }]));
    });
    afterAll(() => dispose());

    it('the preview waterfall is what the run writes; a control group is held back', async () => {
      const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0 };
      const audience = new RoaringBitmap32(Array.from({ length: N }, (_, i) => i + 1));
      const spec = {
        campaignId: 1, // the campaign the fixture creates next (a fresh store's first)
        purpose: 'marketing' as const,
        channels: [{ key: 'bank_sms', reaches: 'sms' as const }],
        controlPercent: 10,
      };
      const preview = await planForAudience({ db, clock, policy }, spec, audience);
      const { runId, waterfall } = await queueCampaignRun(db, clock, contentId, 'bank_sms', {
        policy,
        controlPercent: 10,
      });
      expect(waterfall).toEqual(preview.waterfall);
      expect(waterfall.audience).toBe(N);
      expect(waterfall.excluded.no_consent).toBe(Math.floor(N / 7));
      expect(waterfall.toSend + waterfall.excluded.control_group).toBe(granted);
      expect(waterfall.excluded.control_group).toBeGreaterThan(granted * 0.07);
      expect(waterfall.excluded.control_group).toBeLessThan(granted * 0.13);
      const rows = await db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('run_id', '=', String(runId))
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(waterfall.toSend);
      const run = await db
        .selectFrom('campaign_runs')
        .select(['status', 'waterfall'])
        .where('id', '=', String(runId))
        .executeTakeFirstOrThrow();
      expect(run).toEqual({ status: 'sending', waterfall });
      // Preparing again writes nothing more and answers the run's waterfall.
      const again = await prepareRun({ db, clock, policy }, { ...spec, runId }, audience, clock.today());
      expect(again).toEqual(waterfall);
    });

    it('caps hold across campaigns: a second SMS the same day is held back, the next day goes', async () => {
      const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0 };
      const second = await queueCampaignRun(db, clock, contentId, 'bank_sms', { policy });
      expect(second.waterfall.toSend).toBeLessThan(granted * 0.12); // only the first run's control group
      expect(second.waterfall.excluded.cap_day).toBeGreaterThan(granted * 0.85);
      now = new Date('2026-12-08T02:00:00Z');
      const third = await queueCampaignRun(db, clock, contentId, 'bank_sms', { policy });
      expect(third.waterfall.excluded.cap_day).toBe(0);
      expect(third.waterfall.toSend).toBe(granted);
    });

    it('in quiet hours every send waits for 08:00 in the bank zone', async () => {
      now = new Date('2026-12-09T14:00:00Z'); // 22:00 in Shanghai
      const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0, caps: {} };
      const { runId, waterfall } = await queueCampaignRun(db, clock, contentId, 'bank_sms', { policy });
      expect(waterfall.deferred).toBe(waterfall.toSend);
      expect(waterfall.deferredUntil).toBe('2026-12-10T00:00:00.000Z');
      const due = await db
        .selectFrom('deliveries')
        .select('not_before')
        .where('run_id', '=', String(runId))
        .limit(1)
        .executeTakeFirstOrThrow();
      expect(new Date(due.not_before).toISOString()).toBe('2026-12-10T00:00:00.000Z');
    });
  });
}
