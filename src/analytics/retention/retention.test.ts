import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openBehaviourFixture } from '../../../test/support/behaviour-fixture.ts';
import { runChurn } from './churn.ts';
import {
  addPeriods,
  churnDefinitionSchema,
  dayNumber,
  dayText,
  periodStart,
  retentionDefinitionSchema,
  type ChurnDefinition,
  type RetentionDefinition,
} from './definition.ts';
import { runRetention } from './retention.ts';

// Retention and churn on the hand-built history of ../funnels/fixture.ts (weeks start Monday 11-02, 11-09, 11-16,
// 11-23; the latest event is customer 1's login on 11-24, the latest transaction an interest posting on 11-20):
//   signup: 1 (11-02), 2 (11-04), 3 (11-09), 4 (10-20, again 11-03: first is before the range), 5 (11-10), 0 (unknown)
//   login:  1 (11-03, 11-10, 11-24), 2 (11-12), 3 (11-09 after its signup, 11-17, 11-18 sent twice)
//   purchase: 1 (11-02), 2 (10-15, 11-05), 3 (11-11; a deposit 11-03); interest for 2 on 11-20

const retention = retentionDefinitionSchema.parse({
  start: { kind: 'event', event: 'signup' },
  return: { kind: 'event', event: 'login' },
  period: 'week',
  periods: 4,
  from: '2026-11-02',
  to: '2026-11-15',
});
const churn = churnDefinitionSchema.parse({
  activity: { kind: 'event', event: 'login' },
  days: 7,
  period: 'week',
  from: '2026-11-02',
  to: '2026-11-23',
});
// Days are checked (branded) by the schemas: patches hold them as the caller writes them.
const rdef = (p: Partial<z.input<typeof retentionDefinitionSchema>>) =>
  retentionDefinitionSchema.parse({ ...retention, ...p });
const cdef = (p: Partial<z.input<typeof churnDefinitionSchema>>) =>
  churnDefinitionSchema.parse({ ...churn, ...p });

describe('period calendar', () => {
  it('starts weeks on Monday and months on the 1st', () => {
    expect(dayText(periodStart(dayNumber('2026-11-08'), 'week'))).toBe('2026-11-02');
    expect(dayText(periodStart(dayNumber('2026-11-09'), 'week'))).toBe('2026-11-09');
    expect(dayText(periodStart(dayNumber('2026-11-30'), 'month'))).toBe('2026-11-01');
    expect(dayText(addPeriods(dayNumber('2026-11-01'), 'month', 3))).toBe('2027-02-01');
  });
});

for (const engine of ENGINES) {
  describe(`retention and churn (${engine})`, () => {
    let fx: Awaited<ReturnType<typeof openBehaviourFixture>>;
    beforeAll(async () => {
      fx = await openBehaviourFixture(engine);
    });
    afterAll(async () => fx?.close());

    const runR = async (d: RetentionDefinition) => {
      const r = await runRetention(fx.deps, d);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const runC = async (d: ChurnDefinition) => {
      const r = await runChurn(fx.deps, d);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };

    it('builds the weekly cohort table by first signup, with unstarted periods as null', async () => {
      const r = await runR(retention);
      expect(r.overall.cohorts).toEqual([
        { cohort: '2026-11-02', size: 2, retained: [1, 2, 0, 1], rates: [0.5, 1, 0, 0.5] },
        { cohort: '2026-11-09', size: 2, retained: [1, 1, 0, null], rates: [0.5, 0.5, 0, null] },
      ]);
      expect(r.overall.average).toEqual([0.5, 0.75, 0, 0.5]);
      expect(r.window.observedUntil).toBe('2026-11-24T12:00:00.000Z');
      expect(r.notEnoughData).toBeNull();
    });

    it('cohorts by first purchase: a return before the purchase in its own week does not count', async () => {
      const r = await runR(rdef({ start: { kind: 'first_purchase' } }));
      expect(r.overall.cohorts).toEqual([
        { cohort: '2026-11-02', size: 1, retained: [1, 1, 0, 1], rates: [1, 1, 0, 1] },
        { cohort: '2026-11-09', size: 1, retained: [0, 1, 0, null], rates: [0, 1, 0, null] },
      ]);
    });

    it('daily and monthly periods', async () => {
      const daily = await runR(rdef({ period: 'day', periods: 2, from: '2026-11-09', to: '2026-11-10' }));
      expect(daily.overall.cohorts).toEqual([
        { cohort: '2026-11-09', size: 1, retained: [1, 0], rates: [1, 0] },
        { cohort: '2026-11-10', size: 1, retained: [0, 0], rates: [0, 0] },
      ]);
      const monthly = await runR(rdef({ period: 'month', periods: 2, from: '2026-11-01', to: '2026-11-30' }));
      // 1, 2, 3 log in during November after signing up; December has not started.
      expect(monthly.overall.cohorts).toEqual([
        { cohort: '2026-11-01', size: 4, retained: [3, null], rates: [0.75, null] },
      ]);
    });

    it('breaks down by tag and restricts to a population (bitmaps)', async () => {
      const r = await runR(rdef({ breakdown: { by: 'tag', tag: 'aum_tier' } }));
      const g = Object.fromEntries(
        r.breakdown!.groups.map((x) => [x.key, x.cohorts.map((c) => [c.size, ...c.retained])]),
      );
      expect(g).toEqual({
        mass: [
          [2, 1, 2, 0, 1],
          [1, 1, 1, 0, null],
        ],
        gold: [
          [0, 0, 0, 0, 0],
          [1, 0, 0, 0, null],
        ],
      });
      expect(r.overall).toEqual((await runR(retention)).overall);
      const hz = await runR(rdef({ population: { rule: { attr: 'city', op: '=', value: 'Hangzhou' } } }));
      expect(hz.overall.cohorts.map((c) => [c.size, ...c.retained])).toEqual([
        [2, 1, 2, 0, 1],
        [1, 1, 1, 0, null],
      ]);
    });

    it('churn trend: at risk = active in the D days before the period, churned = none in the D days before its end', async () => {
      const r = await runC(churn);
      expect(r.trend).toEqual([
        {
          period: '2026-11-02',
          periodEnd: '2026-11-08',
          complete: true,
          enoughHistory: true,
          atRisk: 0,
          churned: 0,
          churnRate: null,
        },
        {
          period: '2026-11-09',
          periodEnd: '2026-11-15',
          complete: true,
          enoughHistory: true,
          atRisk: 1,
          churned: 0,
          churnRate: 0,
        },
        {
          period: '2026-11-16',
          periodEnd: '2026-11-22',
          complete: true,
          enoughHistory: true,
          atRisk: 3,
          churned: 2,
          churnRate: 2 / 3,
        },
        {
          period: '2026-11-23',
          periodEnd: '2026-11-29',
          complete: false,
          enoughHistory: true,
          atRisk: 1,
          churned: null,
          churnRate: null,
        },
      ]);
      const byTag = await runC(cdef({ breakdown: { by: 'tag', tag: 'aum_tier' } }));
      expect(byTag.breakdown!.groups.find((g) => g.key === 'mass')!.trend).toEqual(r.trend);
      expect(byTag.trend).toEqual(r.trend);
    });

    it('churn weeks whose look-back starts before the earliest data have no rate (not a false 0%)', async () => {
      // The earliest event is customer 4's signup on 10-20: the weeks of 10-19 and 10-26 look back to 10-12 and 10-19.
      const r = await runC(cdef({ from: '2026-10-19', to: '2026-11-08' }));
      expect(r.trend.map((p) => [p.period, p.enoughHistory, p.churned, p.churnRate])).toEqual([
        ['2026-10-19', false, null, null],
        ['2026-10-26', false, null, null],
        ['2026-11-02', true, 0, null],
      ]);
    });

    it('churn on customer-initiated transactions (interest does not keep a customer)', async () => {
      const r = await runC(cdef({ activity: { kind: 'transaction' }, to: '2026-11-16' }));
      expect(r.trend.map((p) => [p.period, p.atRisk, p.churned, p.churnRate, p.complete])).toEqual([
        ['2026-11-02', 0, 0, null, true],
        ['2026-11-09', 3, 2, 2 / 3, true],
        ['2026-11-16', 1, null, null, false],
      ]);
      expect(r.freshness.latestTransactionTime).toBe('2026-11-20T12:00:00.000Z');
    });

    it('refuses unknown events and says when there is not enough data', async () => {
      const bad = await runRetention(fx.deps, rdef({ return: { kind: 'event', event: 'logon' } }));
      expect(bad).toMatchObject({
        ok: false,
        error: { code: 'bad_request', message: 'return: unknown event "logon" (the event store has none)' },
      });
      const badChurn = await runChurn(fx.deps, cdef({ activity: { kind: 'event', event: 'logon' } }));
      expect(badChurn).toMatchObject({ ok: false, error: { message: /^activity: unknown event/ } });
      const empty = await runR(rdef({ from: '2025-01-01', to: '2025-01-31' }));
      expect(empty.notEnoughData).toMatch(/no customer had a first "signup"/);
      expect(JSON.stringify(empty)).not.toMatch(/NaN/);
      const nobody = await runC(cdef({ population: { rule: { attr: 'city', op: '=', value: 'Shanghai' } } }));
      expect(nobody.notEnoughData).toMatch(/no customer was active/);
      expect(nobody.trend.every((p) => p.churnRate === null)).toBe(true);
    });
  });
}
