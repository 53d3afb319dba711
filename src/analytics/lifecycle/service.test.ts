import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStores, segmentService, type MemoryStores } from '../../../test/support/memory-stores.ts';
import { FIXTURE_AS_OF, seedTagFixture } from '../../../test/support/tag-fixture.ts';
import type { SegmentService } from '../../segments/service.ts';
import { fixedClock } from '../../shared/clock.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { OperationalStore } from '../../store/operational/store.ts';
import { TagService } from '../../tags/service.ts';
import { PRODUCT_CATEGORIES, type Rule } from '../../segments/rule.ts';
import { analyseConcentration, REVENUE_MARGINS } from '../trend/concentration-analysis.ts';
import { metricTrend } from '../trend/metric-trend.ts';
import { LifecycleService } from './service.ts';

// The lifecycle, concentration and trend services over the six-customer tag fixture (PGlite + chDB), with the
// lifecycle tag computed by the tag engine on three days. Stages on 2025-06-30 (src/tags/compute.test.ts):
// super customer 3, transaction 1 and 5, reached 2, portrait 4 and 6. On 2025-05-31 customer 3 has one purchase and no
// share yet (transaction, as a wealth holder); on 2025-06-15 the share of 2025-06-02 makes them a super customer.

let stores: MemoryStores | undefined;
let store: OperationalStore;
let events: EventStore;
let segments: SegmentService;
let lifecycle: LifecycleService;
const clock = fixedClock(`${FIXTURE_AS_OF}T12:00:00Z`);
const DAYS = ['2025-05-31', '2025-06-15', FIXTURE_AS_OF];
const HANGZHOU: Rule = { attr: 'city', op: '=', value: '杭州' }; // customers 1 and 5

beforeAll(async () => {
  stores = await openMemoryStores();
  ({ store, events } = stores);
  await seedTagFixture(store, events);
  const tags = new TagService({ db: store.db, events, clock, sandbox: () => store.sandbox() });
  await tags.ensureCatalogue('test');
  // a fee, so revenue contribution has a realised part
  await events.insert('transactions', [
    {
      txn_id: 'fee1',
      customer_id: 2,
      account_no: 'A2-1',
      product_id: 'TD-3M',
      kind: 'fee',
      amount: 10,
      channel: 'system',
      time: Date.parse('2025-06-01T08:00:00Z'),
    },
  ]);
  for (const asOf of DAYS.slice(0, 2))
    await tags.compute({ asOf, keys: ['lifecycle_stage'] }, 'manual', 'test');
  await tags.compute({ asOf: FIXTURE_AS_OF }, 'manual', 'test');
  segments = segmentService(stores, clock);
  lifecycle = new LifecycleService({
    db: store.db,
    events,
    segments: () => segments,
    timeZone: 'Asia/Shanghai',
  });
}, 120_000);
afterAll(async () => {
  await stores?.close();
});

const value = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

describe('lifecycle service', () => {
  it('counts customers per stage on each snapshot day, with and without a population', async () => {
    const all = value(await lifecycle.distribution({ from: '2025-05-01', to: FIXTURE_AS_OF }));
    expect(all.points.map((p) => p.asOf)).toEqual(DAYS);
    expect(all.points[0]!.counts).toMatchObject({
      transaction: 3,
      reached: 1,
      portrait: 2,
      super_customer: 0,
    });
    expect(all.points[2]!.counts).toMatchObject({
      transaction: 2,
      reached: 1,
      portrait: 2,
      super_customer: 1,
    });
    expect(all.points.every((p) => p.total === 6)).toBe(true);
    expect(all.computedAt).not.toBeNull();
    const hz = value(await lifecycle.distribution({ from: '2025-05-01', population: { rule: HANGZHOU } }));
    expect(hz.population).toMatchObject({ kind: 'rule', customers: 2 });
    expect(hz.points.map((p) => p.counts['transaction'])).toEqual([2, 2, 2]);
  });

  it('builds the transition matrix between two snapshot days', async () => {
    const t = value(await lifecycle.transitions({ from: '2025-05-31', to: FIXTURE_AS_OF }));
    const cell = (a: string, b: string) => t.matrix[t.keys.indexOf(a as never)]![t.keys.indexOf(b as never)];
    expect(cell('transaction', 'transaction')).toBe(2);
    expect(cell('transaction', 'super_customer')).toBe(1);
    expect(cell('reached', 'reached')).toBe(1);
    expect(cell('portrait', 'portrait')).toBe(2);
    expect(t.flows.find((f) => f.stage === 'transaction')).toMatchObject({ from: 3, forward: 1, stayed: 2 });
    expect(t.flows.find((f) => f.stage === 'transaction')!.forwardRate).toBeCloseTo(1 / 3, 12);
    // a day between snapshots resolves to the snapshot on or before it; the default start is ≥ 30 days back
    const defaults = value(await lifecycle.transitions({}));
    expect([defaults.from, defaults.to]).toEqual(['2025-05-31', FIXTURE_AS_OF]);
    const between = value(await lifecycle.transitions({ from: '2025-06-20', to: FIXTURE_AS_OF }));
    expect(between.from).toBe('2025-06-15');
  });

  it('answers "not enough data" with a single snapshot day, and refuses a bad range', async () => {
    const one = await lifecycle.transitions({ from: '2025-05-31', to: '2025-06-01' });
    expect(one).toMatchObject({
      ok: false,
      error: { code: 'not_enough_data', details: { reason: 'two_snapshot_days' } },
    });
    expect(!one.ok && one.error.message).toBe('not enough data: needs two snapshot dates');
    const tis = await lifecycle.timeInStage({ asOf: '2025-06-01' });
    expect(tis).toMatchObject({
      ok: false,
      error: { code: 'not_enough_data', details: { reason: 'two_snapshot_days' } },
    });
    expect(await lifecycle.transitions({ from: FIXTURE_AS_OF, to: '2025-05-31' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await lifecycle.distribution({ to: '2024-01-01' })).toMatchObject({
      ok: false,
      error: { code: 'not_enough_data', details: { reason: 'no_snapshot_in_range', to: '2024-01-01' } },
    });
  });

  it('measures time in stage over the snapshots', async () => {
    const t = value(await lifecycle.timeInStage({}));
    expect(t).toMatchObject({ asOf: FIXTURE_AS_OF, firstDay: '2025-05-31', snapshotDays: 3 });
    const of = (s: string) => t.perStage.find((p) => p.stage === s)!;
    // 3: super customer since the snapshot of June 15 → 16 days
    expect(of('super_customer')).toMatchObject({ customers: 1, medianDays: 16, censored: 0 });
    // everyone else has been in their stage since the first snapshot: 31 days, censored
    expect(of('transaction')).toMatchObject({ customers: 2, medianDays: 31, censored: 2 });
    expect(of('portrait')).toMatchObject({ customers: 2, medianDays: 31, censored: 2 });
  });

  it('maps the stages and the activity onto AARRR', async () => {
    const a = value(await lifecycle.aarrr({}));
    expect(a).toMatchObject({ asOf: FIXTURE_AS_OF, activeFrom: '2025-06-01', base: 6 });
    const step = Object.fromEntries(a.steps.map((s) => [s.step, s]));
    // reached or beyond: 1, 2, 3, 5; active in June: 1, 2, 3, 5
    expect(step['acquisition']).toMatchObject({ customers: 4 });
    expect(step['activation']).toMatchObject({ customers: 3, rate: 0.75 });
    expect(step['retention']).toMatchObject({ customers: 3, rate: 1 });
    expect(step['revenue']).toMatchObject({ customers: 3 });
    expect(step['referral']).toMatchObject({ customers: 1 });
  });

  it('refuses an invalid rule and an unknown segment', async () => {
    expect(
      await lifecycle.aarrr({ population: { rule: { attr: 'nope', op: '=', value: 1 } } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_rule' },
    });
    expect(await lifecycle.aarrr({ population: { segmentId: 'missing' } })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('concentration service', () => {
  it('computes AUM and revenue concentration from the index and the fees', async () => {
    const c = value(await analyseConcentration({ segments, events, clock }, {}));
    expect(c.customers).toBe(6);
    const aum = (await store.db.selectFrom('customers').select('aum').execute()).map((r) => Number(r.aum));
    expect(c.aum.total).toBeCloseTo(
      aum.reduce((a, b) => a + b, 0),
      2,
    );
    // revenue: Σ active balances × the category margin, plus the fee
    const rows = await store.db
      .selectFrom('holdings')
      .innerJoin('products', 'products.id', 'holdings.product_id')
      .select(['balance', 'category'])
      .where('status', '=', 'active')
      .execute();
    const expected = rows.reduce((sum, r) => sum + Number(r.balance) * REVENUE_MARGINS[r.category], 0) + 10;
    expect(c.revenue.total).toBeCloseTo(expected, 2);
    expect(c.revenue.fees).toBe(10);
    expect(Object.keys(c.revenue.margins)).toEqual([...PRODUCT_CATEGORIES]);
    // the Lorenz curve ends at (1, 1) and the richest hold the top share
    expect(c.aum.lorenz.at(-1)).toEqual({ customerShare: 1, valueShare: 1 });
    expect(c.aum.gini).toBeGreaterThan(0.5);
    const hz = value(
      await analyseConcentration({ segments, events, clock }, { population: { rule: HANGZHOU } }),
    );
    expect(hz.customers).toBe(2);
    expect(hz.aum.total).toBe(7_010_000);
  });
});

describe('metric trend', () => {
  it('sums AUM per month on the last day with balances, broken down by city', async () => {
    const t = value(
      await metricTrend(
        { segments, events, clock },
        {
          metric: 'aum',
          interval: 'month',
          from: '2025-02-01',
          breakdown: { by: 'attribute', attribute: 'city' },
          top: 1,
        },
      ),
    );
    const rows = await events.query<{ date: string; customer_id: number; aum: number }>(
      'SELECT toString(date) AS date, customer_id, toFloat64(aum) AS aum FROM customer_daily_dedup',
    );
    const lastDay = new Map<string, string>();
    for (const r of rows) {
      const month = r.date.slice(0, 7);
      if ((lastDay.get(month) ?? '') < r.date) lastDay.set(month, r.date);
    }
    const months = [...lastDay.keys()].sort();
    expect(t.periods).toEqual(months.map((m) => `${m}-01`));
    expect(t.stockDays).toEqual(months.map((m) => lastDay.get(m)));
    const hangzhou = new Set([1, 5]);
    const sum = (month: string, keep: (id: number) => boolean) =>
      rows
        .filter((r) => r.date === lastDay.get(month) && keep(Number(r.customer_id)))
        .reduce((a, r) => a + Number(r.aum), 0);
    expect(t.series.map((s) => s.key)).toEqual(['杭州', 'other']);
    expect(t.series[0]!.values).toEqual(months.map((m) => sum(m, (id) => hangzhou.has(id))));
    expect(t.series[1]!.values).toEqual(months.map((m) => sum(m, (id) => !hangzhou.has(id))));
    expect(t.totals).toEqual(months.map((m) => sum(m, () => true)));
  });

  it('counts events and active customers by week within a population', async () => {
    const rows = await events.query<{ d: string; id: number; event: string }>(
      "SELECT toString(toMonday(toDate(time))) AS d, customer_id AS id, event FROM events_dedup WHERE time >= '2025-06-01'",
    );
    const t = value(
      await metricTrend(
        { segments, events, clock },
        { metric: 'events', interval: 'week', from: '2025-06-01', population: { rule: HANGZHOU } },
      ),
    );
    const weeks = [...new Set(rows.filter((r) => [1, 5].includes(Number(r.id))).map((r) => r.d))].sort();
    expect(t.periods).toEqual(weeks);
    expect(t.series[0]!.values).toEqual(
      weeks.map((w) => rows.filter((r) => r.d === w && [1, 5].includes(Number(r.id))).length),
    );
    const active = value(
      await metricTrend(
        { segments, events, clock },
        { metric: 'active_customers', interval: 'month', from: '2025-06-01', event: 'app_open' },
      ),
    );
    const openers = new Set(rows.filter((r) => r.event === 'app_open').map((r) => Number(r.id)));
    expect(active.totals).toEqual([openers.size]);
  });

  it('refuses options that do not fit the metric', async () => {
    expect(
      await metricTrend({ segments, events, clock }, { metric: 'aum', event: 'app_open' }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(
      await metricTrend(
        { segments, events, clock },
        { metric: 'events', breakdown: { by: 'tag', tag: 'no_such_tag' } },
      ),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});
