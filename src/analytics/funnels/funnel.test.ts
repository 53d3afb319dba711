import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelDefinitionSchema, type FunnelDefinition } from './definition.ts';
import { ENGINES, openBehaviourFixture, T } from '../../../test/support/behaviour-fixture.ts';
import { runFunnel, type FunnelResult } from './funnel.ts';
import { windowFunnelCheckSql } from './sql.ts';

// Funnels on the hand-built history of fixture.ts, whose answers are worked out there customer by customer:
// view in range: 1 2 3 4 5 6; apply within a day after a view: 1 (1 h) 2 (0, same instant) 5 (23 h) 6 (1 h);
// approve within a day of the chain's view: 1 (2 h after apply) 6 (19 h). Run on both ways to the event store.

const base = funnelDefinitionSchema.parse({
  steps: [{ event: 'view' }, { event: 'apply' }, { event: 'approve' }],
  window: { days: 1 },
  from: '2026-11-01',
  to: '2026-11-10',
});
// Days are checked (branded) by the schema: the patch holds them as the caller writes them.
const def = (patch: Partial<z.input<typeof funnelDefinitionSchema>>): FunnelDefinition =>
  funnelDefinitionSchema.parse({ ...base, ...patch });
const counts = (steps: FunnelResult['overall']['steps']) => steps.map((s) => s.customers);
const medians = (steps: FunnelResult['overall']['steps']) => steps.map((s) => s.medianSecondsFromPrevious);

for (const engine of ENGINES) {
  describe(`event funnels (${engine})`, () => {
    let fx: Awaited<ReturnType<typeof openBehaviourFixture>>;
    beforeAll(async () => {
      fx = await openBehaviourFixture(engine);
    });
    afterAll(async () => fx?.close());

    const run = async (d: FunnelDefinition) => {
      const r = await runFunnel(fx.deps, d);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };

    it('counts customers per step, conversions and median times to convert', async () => {
      const r = await run(base);
      expect(r.notEnoughData).toBeNull();
      expect(r.overall.steps).toEqual([
        {
          step: 1,
          event: 'view',
          customers: 6,
          conversionFromPrevious: null,
          conversionFromFirst: 1,
          medianSecondsFromPrevious: null,
        },
        {
          step: 2,
          event: 'apply',
          customers: 4,
          conversionFromPrevious: 4 / 6,
          conversionFromFirst: 4 / 6,
          medianSecondsFromPrevious: 3600, // 0, 3600, 3600, 82800
        },
        {
          step: 3,
          event: 'approve',
          customers: 2,
          conversionFromPrevious: 0.5,
          conversionFromFirst: 2 / 6,
          medianSecondsFromPrevious: 37_800, // (7200 + 68400) / 2
        },
      ]);
      expect(r.window).toEqual({ from: '2026-11-01', to: '2026-11-10', conversionSeconds: 86_400 });
      expect(r.freshness.latestEventTime).toBe('2026-11-24T12:00:00.000Z');
    });

    it('counts a next step at the same instant as converted, whatever the insertion order and the ids', async () => {
      // windowFunnel sorts (time, step): the step-2 event of customer 2 at the very same ms follows its step 1.
      const rows = await fx.events.query<{ level: number }>(
        `SELECT windowFunnel(86400000)(toUInt64(toUnixTimestamp64Milli(time)), event = 'view', event = 'apply') AS level
           FROM events_dedup WHERE customer_id = 2 GROUP BY customer_id`,
      );
      expect(rows).toEqual([{ level: 2 }]);
      const r = await run(def({ population: { rule: { attr: 'aum', op: '=', value: 20_000 } } }));
      expect(counts(r.overall.steps)).toEqual([1, 1, 0]);
      expect(r.overall.steps[1]!.medianSecondsFromPrevious).toBe(0);
      // One second of window is enough for the same instant, not for customer 1's hour.
      expect(counts((await run(def({ window: { seconds: 1 } }))).overall.steps)).toEqual([6, 1, 0]);
    });

    it('gives every customer the level ClickHouse windowFunnel gives', async () => {
      for (const d of [
        base,
        def({ window: { seconds: 1 } }),
        def({ steps: [{ event: 'apply' }, { event: 'approve' }] }),
      ]) {
        const { sql, params } = windowFunnelCheckSql(d, fx.deps.clock);
        const rows = await fx.events.query<{ customers: number; mismatched: number }>(sql, params);
        expect(rows).toEqual([{ customers: 6, mismatched: 0 }]);
      }
    });

    it("breaks down by a property of the customer's first first-step event (missing gets key null)", async () => {
      const r = await run(def({ breakdown: { by: 'property', property: 'channel' } }));
      const byKey = Object.fromEntries(r.breakdown!.groups.map((g) => [String(g.key), counts(g.steps)]));
      expect(byKey).toEqual({ app: [3, 3, 1], web: [2, 0, 0], null: [1, 1, 1] });
      expect(counts(r.overall.steps)).toEqual([6, 4, 2]);
      expect(r.breakdown!.omittedGroups).toBe(0);
    });

    it('breaks down by tag, and restricts to a population, with bitmaps intersected in Node', async () => {
      const byTag = await run(def({ breakdown: { by: 'tag', tag: 'aum_tier' } }));
      const groups = Object.fromEntries(byTag.breakdown!.groups.map((g) => [g.key, g]));
      expect(counts(groups['mass']!.steps)).toEqual([4, 2, 1]);
      expect(medians(groups['mass']!.steps)).toEqual([null, 1800, 7200]);
      expect(counts(groups['gold']!.steps)).toEqual([2, 2, 1]);
      expect(medians(groups['gold']!.steps)).toEqual([null, 43_200, 68_400]);
      expect(groups['gold']!.label).toEqual({ en: 'Gold', zh: '金卡' });
      // The bitmap path over everyone gives the same overall figures as the all-in-SQL path.
      expect(byTag.overall.steps).toEqual((await run(base)).overall.steps);

      const hangzhou = await run(def({ population: { rule: { attr: 'city', op: '=', value: 'Hangzhou' } } }));
      expect(counts(hangzhou.overall.steps)).toEqual([3, 2, 1]);
      const byCity = await run(def({ breakdown: { by: 'attribute', attribute: 'city' } }));
      expect(Object.fromEntries(byCity.breakdown!.groups.map((g) => [g.key, counts(g.steps)]))).toEqual({
        Hangzhou: [3, 2, 1],
        Shanghai: [3, 2, 1],
      });
      const both = await run(
        def({
          population: { rule: { tag: 'aum_tier', in: ['mass'] } },
          breakdown: { by: 'property', property: 'channel' },
        }),
      );
      expect(Object.fromEntries(both.breakdown!.groups.map((g) => [String(g.key), counts(g.steps)]))).toEqual(
        {
          app: [2, 2, 1],
          web: [2, 0, 0],
        },
      );
    });

    it('applies property filters to steps', async () => {
      const r = await run(
        def({ steps: [{ event: 'view', where: { channel: { in: ['web'] } } }, { event: 'apply' }] }),
      );
      // Customer 5's web view at +5 h starts the chain that converts; 3 and 4 never convert.
      expect(counts(r.overall.steps)).toEqual([3, 1]);
      expect(r.overall.steps[1]!.medianSecondsFromPrevious).toBe(23 * 3600);
    });

    it('refuses unknown events naming the step, and says when there is not enough data', async () => {
      const bad = await runFunnel(fx.deps, def({ steps: [{ event: 'view' }, { event: 'aply' }] }));
      expect(bad).toMatchObject({
        ok: false,
        error: { code: 'bad_request', message: expect.stringMatching(/^step 2: unknown event "aply"/) },
      });
      const repeated = await runFunnel(fx.deps, def({ steps: [{ event: 'view' }, { event: 'view' }] }));
      expect(repeated).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/step 2 repeats/) },
      });
      const badTag = await runFunnel(fx.deps, def({ breakdown: { by: 'tag', tag: 'nope' } }));
      expect(badTag).toMatchObject({ ok: false, error: { message: expect.stringMatching(/unknown tag/) } });
      const missing = await runFunnel(fx.deps, def({ population: { segmentId: 'nope' } }));
      expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });

      const empty = await run(def({ from: '2026-12-01', to: '2026-12-31' }));
      expect(empty.notEnoughData).toMatch(/no customer did "view"/);
      expect(
        empty.overall.steps.map((s) => [s.customers, s.conversionFromFirst, s.medianSecondsFromPrevious]),
      ).toEqual([
        [0, null, null],
        [0, null, null],
        [0, null, null],
      ]);
      expect(JSON.stringify(empty)).not.toMatch(/NaN/);
      expect(funnelDefinitionSchema.safeParse({ ...base, steps: [{ event: 'view' }] }).success).toBe(false);
      expect(funnelDefinitionSchema.safeParse({ ...base, from: '2026-11-11' }).success).toBe(false);
    });

    it('never counts a re-sent event twice nor the unknown customer', async () => {
      expect(T).toBe(Date.parse('2026-11-02T10:00:00Z'));
      const r = await run(def({ steps: [{ event: 'apply' }, { event: 'approve' }] }));
      // apply in range: 1 2 3 4 5 6 (customer 0 excluded, 2's duplicate once); approve within a day: 1, 5 (12 h), 6
      expect(counts(r.overall.steps)).toEqual([6, 3]);
    });
  });
}
