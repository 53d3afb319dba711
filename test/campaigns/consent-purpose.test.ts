import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { loadAudienceFacts } from '../../src/campaigns/policy/facts.ts';
import { capPeriods } from '../../src/campaigns/policy/window.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { queueCampaignRun, seedCampaignBank } from '../support/campaign-fixture.ts';
import { engines } from '../support/stores.ts';

// Consent per touchpoint and purpose: a marketing run reads marketing consent, a service run (a deposit maturing)
// reads service consent, each delivery records the consent it was decided on, purpose included.

const N = 200;
const marketingGranted = Array.from({ length: N }, (_, i) => i + 1).filter(
  (id) => id % 7 !== 0 && id % 10 !== 0,
).length;

for (const engine of await engines()) {
  describe(`consent by purpose on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const clock = clockOf(() => new Date('2026-12-07T02:00:00Z')); // 10:00 in Shanghai
    let contentId: number;
    beforeAll(async () => {
      const opened = await engine.open();
      ({ dispose } = opened);
      db = opened.store.db;
      ({ contentId } = await seedCampaignBank(db, clock, N, [{ key: 'bank_sms', kind: 'outbox' }]));
      // Customer 3 revoked SMS service notices too; customers 10, 20… revoked marketing only.
      await db
        .updateTable('consents')
        .set({ status: 'revoked' })
        .where('customer_id', '=', 3)
        .where('purpose', '=', 'service')
        .execute();
    });
    afterAll(() => dispose());

    it('the policy reads the consent of the message purpose', async () => {
      const audience = new RoaringBitmap32([3, 7, 10, 11]);
      const periods = capPeriods(clock, clock.now());
      const marketing = await loadAudienceFacts(db, audience, ['sms'], periods, 'marketing');
      const service = await loadAudienceFacts(db, audience, ['sms'], periods, 'service');
      expect([3, 7, 10, 11].map((id) => marketing.consent(id, 'sms').state)).toEqual([
        'granted',
        'none',
        'revoked',
        'granted',
      ]);
      expect([3, 7, 10, 11].map((id) => service.consent(id, 'sms').state)).toEqual([
        'revoked',
        'none',
        'granted',
        'granted',
      ]);
    });

    it('a service run reaches those who opted out of marketing; each delivery names its purpose', async () => {
      const policy = { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0, caps: {} };
      const marketing = await queueCampaignRun(db, clock, contentId, 'bank_sms', { policy });
      expect(marketing.waterfall.toSend).toBe(marketingGranted);
      expect(marketing.waterfall.excluded.opted_out).toBe(N / 10 - 2); // 70 and 140 never answered
      const service = await queueCampaignRun(db, clock, contentId, 'bank_sms', {
        policy,
        purpose: 'service',
      });
      expect(service.waterfall.toSend).toBe(N - Math.floor(N / 7) - 1);
      expect(service.waterfall.excluded).toMatchObject({ opted_out: 1, no_consent: Math.floor(N / 7) });
      const recorded = await db
        .selectFrom('deliveries')
        .select(['customer_id', 'consent'])
        .where('run_id', '=', String(service.runId))
        .where('customer_id', '=', 10)
        .executeTakeFirstOrThrow();
      expect(recorded.consent).toMatchObject({ reaches: 'sms', purpose: 'service', status: 'granted' });
      const marketingRow = await db
        .selectFrom('deliveries')
        .select('consent')
        .where('run_id', '=', String(marketing.runId))
        .where('customer_id', '=', 3)
        .executeTakeFirstOrThrow();
      expect(marketingRow.consent).toMatchObject({ purpose: 'marketing', status: 'granted' });
    });
  });
}
