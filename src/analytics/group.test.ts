import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_AS_OF,
  openSegmentFixture,
  type SegmentFixture,
} from '../../test/support/segments-fixture.ts';
import { createSegment } from '../segments/segment-store.ts';
import type { SegmentService } from '../segments/service.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { Prng } from '../shared/prng.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { concentration, sortNonNegative } from './concentration.ts';
import { analyseGroup } from './group.ts';

describe('concentration', () => {
  it('computes Gini, Pareto points and the top-20% share', () => {
    expect(concentration(Float64Array.from([5, 5, 5, 5]))).toMatchObject({ gini: 0, top20AumShare: 0.25 });
    const one = concentration(Float64Array.from([0, 0, 0, 8]));
    expect(one.gini).toBeCloseTo(0.75, 12); // (n − 1) / n
    expect(one.pareto[0]).toEqual({ customerShare: 0.05, aumShare: 1 });
    // negatives count as 0; an empty group or a zero total has no concentration
    expect(concentration(Float64Array.from([-10, 10])).gini).toBeCloseTo(0.5, 12);
    expect(concentration(new Float64Array(0))).toMatchObject({ gini: 0, top20AumShare: 0 });
    expect(concentration(new Float64Array(3)).pareto).toHaveLength(20);
  });

  it('radix-sorts large arrays exactly as the native sort does', () => {
    const rng = new Prng(9);
    const values = Float64Array.from({ length: 200_000 }, () =>
      rng.chance(0.1)
        ? 0
        : rng.chance(0.01)
          ? Number.MIN_VALUE * rng.int(1, 5)
          : Math.round(rng.next() ** 4 * 1e10) / 100,
    );
    const expected = values.slice().sort();
    sortNonNegative(values);
    expect(values).toEqual(expected);
  });
});

// The hand-computed case (fixture in test/support/segments-fixture.ts): group G = {1, 2, 3, 6, 9, 10} of the ten
// customers, AUM id × 10,000.
describe('group analysis of the fixture', () => {
  let store: OperationalStore;
  let events: EventStore;
  let service: SegmentService;
  const G_RULE = {
    any: [
      { attr: 'city', op: '=', value: 'Hangzhou' }, // 1, 2, 3
      { attr: 'aum', op: 'in', value: [60_000, 90_000, 100_000] }, // 6, 9, 10
    ],
  };

  let fixture: SegmentFixture | undefined;

  beforeAll(async () => {
    fixture = await openSegmentFixture();
    ({ store, events, service } = fixture);
    // last 30 days = 2026-10-25 … 2026-11-23; days 61-90 before = 2026-08-26 … 2026-09-24 (both inclusive)
    const seen: [number, string][] = [
      [1, '2026-11-01'],
      [1, '2026-09-01'],
      [2, '2026-09-10'], // earlier only
      [3, '2026-11-23'], // recent only
      [6, '2026-08-26'], // first day of the earlier window
      [6, '2026-11-20'],
      [9, '2026-09-25'], // day 60: in neither window
      [10, '2026-10-25'], // first day of the last 30
      [10, '2026-09-24'], // last day of the earlier window
      [4, '2026-11-01'], // not in the group
    ];
    await events.insert(
      'events',
      seen.map(([customer, day], i) => ({
        event_id: `a${i}`,
        customer_id: customer,
        distinct_id: `d${customer}`,
        event: 'app_open',
        time: Date.parse(`${day}T12:00:00Z`),
        properties: {},
      })),
    );
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('reports scale, reach, stickiness, portrait and concentration as computed by hand', async () => {
    const members = await service.ruleMembers(G_RULE);
    if (!members.ok) throw new Error(members.error.message);
    expect(members.value.bitmap.toArray()).toEqual([1, 2, 3, 6, 9, 10]);
    const a = await analyseGroup(store.db, members.value.entry, members.value.bitmap, { minSupport: 1 });
    expect(a).toMatchObject({ asOf: FIXTURE_AS_OF, members: 6, shareOfCustomers: 0.6, aum: 310_000 });
    expect(a.shareOfAum).toBeCloseTo(310 / 550, 12);
    expect(a.reach.wecomFriend).toBeCloseTo(3 / 6, 12); // 1, 2, 3
    expect(a.reach.smsConsent).toBeCloseTo(3 / 6, 12); // 1, 2, 3 (4's is revoked and 4 is not in G)
    expect(a.reach.appPush).toBeCloseTo(2 / 6, 12); // 2 (push consent), 6 (consent and app user)
    expect(a.reach.withManager).toBeCloseTo(3 / 6, 12); // AM1 for 1, 2, 3
    expect(a.stickiness.active30dRate).toBeCloseTo(4 / 6, 12); // 1, 3, 6, 10
    expect(a.stickiness.retention90dRate).toBeCloseTo(3 / 4, 12); // of 1, 2, 6, 10 active earlier: 1, 6, 10
    expect(a.stickiness.avgTenureYears).toBeCloseTo((3 * 3652 + 3 * 730) / 6 / 365.25, 12);
    expect(a.portrait).toEqual([
      {
        tag: 'aum_tier',
        value: 'mass',
        name: { en: 'AUM tier', zh: '资产层级' },
        label: { en: 'Mass', zh: '大众客户' },
        groupShare: 0.5,
        baseShare: 0.4,
        tgi: 125,
      },
      expect.objectContaining({
        value: 'gold',
        groupShare: 0.5,
        baseShare: 0.6,
        tgi: expect.closeTo(250 / 3, 9),
      }),
    ]);
    // Gini: Σ(2i − n − 1)·x_i / (n·Σx) over ascending 10, 20, 30, 60, 90, 100 (thousands) = 690 / 1860
    expect(a.concentration.gini).toBeCloseTo(690 / 1860, 12);
    expect(a.concentration.top20AumShare).toBeCloseTo(190 / 310, 12); // richest ceil(1.2) = 2: 100 + 90
    expect(a.concentration.pareto).toHaveLength(20);
    expect(a.concentration.pareto[0]!.aumShare).toBeCloseTo(100 / 310, 12);
    expect(a.concentration.pareto[6]!.aumShare).toBeCloseTo(250 / 310, 12); // ceil(2.1) = 3
    expect(a.concentration.pareto[19]).toEqual({ customerShare: 1, aumShare: 1 });
    expect(a.growth).toEqual({ points: [], entered: null, left: null });

    // the default minimum support (10 members) hides every value of so small a group
    const defaults = await analyseGroup(store.db, members.value.entry, members.value.bitmap);
    expect(defaults.portrait).toEqual([]);
  });

  it('shows growth over the saved segment snapshots, and who entered and left since the last one', async () => {
    const created = await createSegment(service, { id: 'g', name: 'G', rule: G_RULE }, 'test');
    expect(created.ok).toBe(true);
    const snapshot = (asOf: string, ids: number[], aum: number) => ({
      segment_id: 'g',
      as_of: asOf,
      segment_version: 1,
      members: ids.length,
      aum,
      bitmap: new RoaringBitmap32(ids).serialize('portable'),
    });
    await store.db
      .insertInto('segment_snapshots')
      .values([snapshot('2026-11-21', [1, 2, 4], 70_000), snapshot('2026-11-22', [1, 2, 3, 4, 5], 150_000)])
      .execute();
    const members = await service.segmentMembers('g');
    if (!members.ok) throw new Error(members.error.message);
    const a = await analyseGroup(store.db, members.value.entry, members.value.bitmap, { segmentId: 'g' });
    expect(a.growth).toEqual({
      points: [
        { asOf: '2026-11-21', members: 3, aum: 70_000 },
        { asOf: '2026-11-22', members: 5, aum: 150_000 },
        { asOf: FIXTURE_AS_OF, members: 6, aum: 310_000 }, // no snapshot today: the live figures
      ],
      entered: 3, // 6, 9, 10
      left: 2, // 4, 5
    });
  });
});
