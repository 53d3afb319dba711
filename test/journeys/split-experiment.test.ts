import { type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseExperiment } from '../../src/analytics/experiments/service.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import type { JourneyBody } from '../../src/journeys/model.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordGoalEvents } from '../../src/journeys/events.ts';
import { publishJourney } from '../../src/journeys/service.ts';
import { reviseJourney } from '../../src/journeys/versions.ts';
import { clockOf } from '../../src/shared/clock.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { drain, liveJourney, engineDepsWithoutRules, seedJourneyBank } from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// A journey's split is an experiment on both stores: published, it is `journey-<id>-<node>` (control = the first arm,
// metric converted, allocation = the shares); the engine writes a unit per customer as they take an arm, in its batch;
// the journey's goal turns their metric to 1 — so the existing experiments analysis shows the split's lift. Arm b's
// customers are made to convert three times as often as arm a's.

const N = 400;
/** Customers entered under the first shares; the rest enter after the shares change. */
const FIRST = 300;
/** The offer journey: a split of plain and bonus (these shares), a week's rest, done; goal: a purchase. */
const offerJourney = (plain: number, bonus: number): JourneyBody => ({
  entry: { kind: 'event', event: 'app_open' },
  start: 'offer',
  nodes: [
    {
      id: 'offer',
      kind: 'split',
      arms: [
        { key: 'plain', share: plain },
        { key: 'bonus', share: bonus },
      ],
    },
    { id: 'rest', kind: 'wait', duration: { days: 7 } },
    { id: 'done', kind: 'exit' },
  ],
  edges: [
    { from: 'offer', exit: 'plain', to: 'rest' },
    { from: 'offer', exit: 'bonus', to: 'rest' },
    { from: 'rest', exit: 'next', to: 'done' },
  ],
  reentry: { kind: 'once' },
  controlPercent: 10,
  goal: { event: 'purchase' },
});

const NOW = new Date('2026-12-07T02:00:00Z');

for (const engine of await engines())
  describe(`split arms as an experiment on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const clock = clockOf(() => NOW);
    let deps: EngineDeps;
    let offerId: number;

    beforeAll(async () => {
      const opened = await engine.open();
      dispose = opened.dispose;
      db = opened.store.db;
      await seedJourneyBank(db, clock, N, '2026-12-20');
      deps = engineDepsWithoutRules(db, clock);
    });
    afterAll(() => dispose());

    it('records arms as units and conversions as their metric; the analysis shows the lift', async () => {
      const { journeyId, versionId } = await liveJourney(db, clock, 'Offer test', offerJourney(40, 60));
      offerId = journeyId;
      const id = `journey-${journeyId}-offer`;
      // Published: the experiment exists, with no units yet.
      expect(await analyseExperiment(db, id)).toMatchObject({
        ok: false,
        error: { details: { reason: 'one_arm' } },
      });
      await enterCustomers(
        deps,
        versionId,
        Array.from({ length: FIRST }, (_, i) => i + 1),
        NOW,
      );
      await drain(deps, NOW);
      const members = await db
        .selectFrom('journey_memberships')
        .select(['customer_id', 'arm'])
        .where('journey_id', '=', journeyId)
        .execute();
      const arms = new Map(members.map((m) => [m.customer_id, m.arm]));
      const units = await db
        .selectFrom('experiment_units')
        .select(['customer_id', 'arm', 'metrics'])
        .where('experiment_id', '=', id)
        .execute();
      // One unit per customer inside the journey (the journey's control group never reaches the split), its arm.
      const inside = members.filter((m) => m.arm !== 'control');
      expect(units).toHaveLength(inside.length);
      for (const u of units) {
        expect(u.arm).toBe(arms.get(u.customer_id!));
        expect(u.metrics).toEqual({ converted: 0 });
      }
      // A quarter of plain's customers buy (ids that are multiples of 4), three quarters of bonus's (odd ids too).
      const later = new Date(NOW.getTime() + 86_400_000);
      const buyers = inside.filter((m) =>
        m.arm === 'plain' ? m.customer_id % 4 === 0 : m.customer_id % 2 === 1 || m.customer_id % 4 === 0,
      );
      await recordGoalEvents(
        { db },
        buyers.map((m) => ({ customerId: m.customer_id, name: 'purchase', time: later })),
      );
      const analysis = await analyseExperiment(db, id);
      if (!analysis.ok) throw new Error(analysis.error.message);
      const { experiment, control, metrics, srm } = analysis.value;
      expect(experiment.name).toBe('Offer test · offer');
      expect(control).toBe('plain');
      expect(srm?.flagged).toBe(false);
      const converted = metrics.find((m) => m.metric === 'converted')!;
      const byArm = new Map(converted.arms.map((a) => [a.arm, a]));
      const count = (arm: string) => buyers.filter((m) => m.arm === arm).length;
      expect(byArm.get('plain')).toMatchObject({ units: inside.filter((m) => m.arm === 'plain').length });
      expect(byArm.get('plain')!.conversions).toBe(count('plain'));
      expect(byArm.get('bonus')!.conversions).toBe(count('bonus'));
      const bonus = converted.comparisons.find((c) => c.arm === 'bonus')!;
      expect(bonus.absolute!.estimate).toBeGreaterThan(0.3);
      expect(bonus.test.significant).toBe(true);
      expect(new Date(analysis.value.dataChangedAt)).toEqual(later);
    });

    it('gives changed shares an experiment of their own, so each sample-ratio check has one allocation', async () => {
      const base = `journey-${offerId}-offer`;
      const before = await db
        .selectFrom('experiment_units')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('experiment_id', '=', base)
        .executeTakeFirstOrThrow();
      const revise = async (plain: number, bonus: number) => {
        const revised = await reviseJourney({ db, clock }, 'user:ops', offerId, {
          body: offerJourney(plain, bonus),
        });
        if (!revised.ok) throw new Error(revised.error.message);
        const published = await publishJourney({ db, clock }, 'user:ops', offerId);
        if (!published.ok) throw new Error(published.error.message);
        return revised.value;
      };
      const v2 = await revise(80, 20);
      await enterCustomers(
        deps,
        v2.versionId,
        Array.from({ length: N - FIRST }, (_, i) => FIRST + i + 1),
        NOW,
      );
      await drain(deps, NOW);
      const experiments = await db
        .selectFrom('experiments')
        .select(['id', 'allocation'])
        .where('id', 'like', `${base}%`)
        .orderBy('id')
        .execute();
      expect(experiments).toEqual([
        { id: base, allocation: { plain: 40, bonus: 60 } },
        { id: `${base}-v${v2.version}`, allocation: { plain: 80, bonus: 20 } },
      ]);
      const units = await db
        .selectFrom('experiment_units')
        .select(['experiment_id', 'customer_id', 'arm'])
        .where('experiment_id', 'like', `${base}%`)
        .execute();
      const later = units.filter((u) => u.experiment_id !== base);
      // the first experiment is untouched; the newcomers (outside the control group) are the new one's units
      expect(units.length - later.length).toBe(before.n);
      expect(later.length).toBeGreaterThan(60);
      expect(later.every((u) => u.customer_id! > FIRST)).toBe(true);
      const plainShare = later.filter((u) => u.arm === 'plain').length / later.length;
      expect(plainShare).toBeGreaterThan(0.65);
      for (const id of [base, `${base}-v${v2.version}`]) {
        const analysis = await analyseExperiment(db, id);
        if (!analysis.ok) throw new Error(analysis.error.message);
        expect(analysis.value.srm?.flagged).toBe(false);
      }
      // back to the first shares: their experiment is used again, no third one
      await revise(40, 60);
      expect(
        await db.selectFrom('experiments').select('id').where('id', 'like', `${base}%`).execute(),
      ).toHaveLength(2);
    });
  });
