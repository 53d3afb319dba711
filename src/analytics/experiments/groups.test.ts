import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNullsExplained } from '../../../test/support/nulls.ts';
import { openSegmentFixture, type SegmentFixture } from '../../../test/support/segments-fixture.ts';
import type { SegmentService } from '../../segments/service.ts';
import { groupLift } from './groups.ts';

// Lift between customer groups on the ten-customer segment fixture (AUM = id × 10,000; aum_tier mass = 1..4,
// gold = 5..10), with figures worked by hand.

let fixture: SegmentFixture | undefined;
let service: SegmentService;

beforeAll(async () => {
  fixture = await openSegmentFixture();
  service = fixture.service;
}, 60_000);
afterAll(async () => {
  await fixture?.close();
});

const gold = { tag: 'aum_tier', in: ['gold'] };
const mass = { tag: 'aum_tier', in: ['mass'] };

describe('lift between customer groups', () => {
  it('a numeric attribute: Welch on the two groups (gold 5..10 vs mass 1..4)', async () => {
    const r = await groupLift(service, {
      treatment: { rule: gold },
      control: { rule: mass },
      outcome: { attribute: 'aum' },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.groups).toEqual({ treatment: 6, control: 4, overlap: 0 });
    const [control, treatment] = r.value.lift.arms;
    expect([control?.arm, control?.mean, treatment?.arm, treatment?.mean]).toEqual([
      'control',
      25_000,
      'treatment',
      75_000,
    ]);
    const c = r.value.lift.comparisons[0]!;
    // Variances 1e8·17.5/5 = 3.5e8 and 1e8·5/3; SE = √(3.5e8/6 + 1.6667e8/4) = √1e8 = 10,000; t = 50,000 / 10,000.
    expect(c.absolute?.estimate).toBeCloseTo(50_000, 6);
    expect(c.standardError).toBeCloseTo(10_000, 6);
    expect(c.test.statistic).toBeCloseTo(5, 9);
    // ν = 1e16 / ((3.5e8/6)²/5 + (1.6667e8/4)²/3) = 1e16 / 1.259259e15 = 7.941176
    expect(c.test.df).toBeCloseTo(7.941176, 5);
    expect(c.relative?.estimate).toBeCloseTo(2, 12);
    expectNullsExplained(r.value);
  });

  it('a binary outcome rule; a control rate of 0 leaves the relative lift null with its reason', async () => {
    const rich = { attr: 'aum', op: '>=', value: 80_000 };
    const r = await groupLift(service, {
      treatment: { rule: gold },
      control: { rule: mass },
      outcome: { rule: rich },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.lift.arms.map((a) => [a.arm, a.conversions, a.mean])).toEqual([
      ['control', 0, 0],
      ['treatment', 3, 0.5],
    ]);
    const c = r.value.lift.comparisons[0]!;
    expect(c.relative).toBeNull();
    expect(c.relativeReason).toMatch(/control rate is 0/);
    // SE = √(0.5·0.5/6 + 0) = 0.2041241
    expect(c.standardError).toBeCloseTo(0.2041241, 7);
    expectNullsExplained(r.value);
  });

  it('customers in both groups are left out of both', async () => {
    const r = await groupLift(service, {
      treatment: { rule: { attr: 'aum', op: '>=', value: 50_000 } },
      control: { rule: { attr: 'aum', op: '<=', value: 50_000 } },
      outcome: { attribute: 'aum' },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.groups).toEqual({ treatment: 5, control: 4, overlap: 1 });
    expect(r.value.lift.arms[1]?.mean).toBe(80_000);
  });

  it('refuses empty groups, unknown or non-numeric attributes and invalid rules with a stable reason', async () => {
    const cases: [Parameters<typeof groupLift>[1], string, string][] = [
      [
        {
          treatment: { rule: gold },
          control: { rule: { attr: 'aum', op: '>', value: 1e9 } },
          outcome: { attribute: 'aum' },
        },
        'bad_request',
        'empty_group',
      ],
      [
        { treatment: { rule: gold }, control: { rule: mass }, outcome: { attribute: 'shoe_size' } },
        'bad_request',
        'unknown_attribute',
      ],
      [
        { treatment: { rule: gold }, control: { rule: mass }, outcome: { attribute: 'gender' } },
        'bad_request',
        'unknown_attribute',
      ],
      [
        {
          treatment: { rule: { tag: 'nope', in: ['x'] } },
          control: { rule: mass },
          outcome: { attribute: 'aum' },
        },
        'validation_failed',
        'invalid_rule',
      ],
      [
        { treatment: { rule: gold }, control: { rule: mass }, outcome: { attribute: 'aum' }, confidence: 1 },
        'bad_request',
        'bad_confidence',
      ],
    ];
    for (const [request, code, reason] of cases) {
      const r = await groupLift(service, request);
      expect(r.ok, reason).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.details.reason]).toEqual([code, reason]);
    }
  });
});
