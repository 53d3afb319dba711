import { describe, expect, it } from 'vitest';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import { LIFECYCLE_STAGES } from '../../tags/labels.ts';
import {
  aarrr,
  MATRIX_KEYS,
  NOT_IN_BASE,
  stageCounts,
  timeInStage,
  transitions,
  weightedMedian,
  type StageDay,
} from './analysis.ts';

// Hand-built snapshots: customer ordinals per stage on a few days, every expected figure worked out by hand.

const day = (
  asOf: string,
  stages: Partial<Record<(typeof LIFECYCLE_STAGES)[number], number[]>>,
): StageDay => ({
  asOf,
  stages: new Map(Object.entries(stages).map(([s, ids]) => [s, new RoaringBitmap32(ids)])),
});

// Day 1: 1-4 portrait, 5-6 reached, 7 interested, 8 transaction, 9 repeat purchase.
const d1 = day('2026-10-01', {
  portrait: [1, 2, 3, 4],
  reached: [5, 6],
  interested: [7],
  transaction: [8],
  repeat_purchase: [9],
});
// Day 2: 1 stays, 2 → reached, 3 → interested, 4 left the base; 5 stays, 6 → demand; 7 back to reached;
// 8 → repeat purchase; 9 → super customer; 10 and 11 are new (portrait, reached).
const d2 = day('2026-11-01', {
  portrait: [1, 10],
  reached: [2, 5, 7, 11],
  interested: [3],
  demand: [6],
  repeat_purchase: [8],
  super_customer: [9],
});

const at = (m: number[][], from: string, to: string) =>
  m[MATRIX_KEYS.indexOf(from as never)]![MATRIX_KEYS.indexOf(to as never)];

describe('stage counts', () => {
  it('counts each stage, within the population when given', () => {
    const all = stageCounts(d2, null);
    expect(all.total).toBe(10);
    expect(all.counts).toMatchObject({ portrait: 2, reached: 4, interested: 1, demand: 1, transaction: 0 });
    const some = stageCounts(d2, new RoaringBitmap32([1, 2, 3, 99]));
    expect(some).toMatchObject({ total: 3, counts: { portrait: 1, reached: 1, interested: 1, demand: 0 } });
  });
});

describe('transitions', () => {
  const t = transitions(d1, d2, null);

  it('fills the matrix with the customers moving from each stage to each stage', () => {
    expect(t.keys).toEqual([...LIFECYCLE_STAGES, NOT_IN_BASE]);
    expect(at(t.matrix, 'portrait', 'portrait')).toBe(1);
    expect(at(t.matrix, 'portrait', 'reached')).toBe(1);
    expect(at(t.matrix, 'portrait', 'interested')).toBe(1);
    expect(at(t.matrix, 'portrait', NOT_IN_BASE)).toBe(1);
    expect(at(t.matrix, 'interested', 'reached')).toBe(1);
    expect(at(t.matrix, 'repeat_purchase', 'super_customer')).toBe(1);
    expect(at(t.matrix, NOT_IN_BASE, 'portrait')).toBe(1);
    expect(at(t.matrix, NOT_IN_BASE, 'reached')).toBe(1);
    // every customer appears once: 9 on day 1 plus the 2 new ones
    expect(t.matrix.flat().reduce((a, b) => a + b, 0)).toBe(11);
  });

  it('gives each stage its forward, backward and leaving customers', () => {
    const flow = (s: string) => t.flows.find((f) => f.stage === s)!;
    expect(flow('portrait')).toEqual({
      stage: 'portrait',
      from: 4,
      stayed: 1,
      forward: 2,
      backward: 0,
      left: 1,
      forwardRate: 0.5,
      entered: 1,
    });
    expect(flow('reached')).toMatchObject({ from: 2, stayed: 1, forward: 1, forwardRate: 0.5, entered: 1 });
    expect(flow('interested')).toMatchObject({ from: 1, backward: 1, forward: 0, forwardRate: 0 });
    expect(flow('demand')).toMatchObject({ from: 0, forwardRate: null });
    expect(flow('repeat_purchase')).toMatchObject({ from: 1, forward: 1, forwardRate: 1 });
  });

  it('lists the non-empty cells as Sankey links', () => {
    expect(t.links).toContainEqual({ source: 'transaction', target: 'repeat_purchase', value: 1 });
    expect(t.links).toContainEqual({ source: NOT_IN_BASE, target: 'reached', value: 1 });
    expect(t.links.every((l) => l.value > 0)).toBe(true);
    expect(t.links.reduce((a, l) => a + l.value, 0)).toBe(11);
  });

  it('keeps to the population', () => {
    const p = transitions(d1, d2, new RoaringBitmap32([4, 9, 10]));
    expect(p.matrix.flat().reduce((a, b) => a + b, 0)).toBe(3);
    expect(at(p.matrix, 'portrait', NOT_IN_BASE)).toBe(1);
    expect(at(p.matrix, 'repeat_purchase', 'super_customer')).toBe(1);
    expect(at(p.matrix, NOT_IN_BASE, 'portrait')).toBe(1);
  });
});

describe('time in stage', () => {
  // Snapshots on Oct 1, Oct 11 and Oct 31 (gaps of 10 and 20 days).
  const days = [
    day('2026-10-01', { portrait: [1, 2], reached: [3] }),
    day('2026-10-11', { portrait: [1], reached: [2, 3] }),
    day('2026-10-31', { portrait: [1, 4], reached: [2, 3], interested: [5] }),
  ];
  const result = timeInStage(days, null);
  const of = (s: string) => result.find((r) => r.stage === s)!;

  it('counts calendar days from the first snapshot of the unbroken run to the day, both included', () => {
    // 1: portrait since Oct 1 (censored, 31 days); 4: new on Oct 31 (1 day)
    expect(of('portrait')).toMatchObject({ customers: 2, censored: 1, medianDays: 16, meanDays: 16 });
    expect(of('portrait').distribution).toEqual([
      { days: 1, customers: 1 },
      { days: 31, customers: 1 },
    ]);
    // 2: reached since Oct 11 (21 days); 3: since Oct 1 (31, censored)
    expect(of('reached')).toMatchObject({ customers: 2, censored: 1, medianDays: 26 });
    expect(of('interested')).toMatchObject({ customers: 1, censored: 0, medianDays: 1 });
    expect(of('interested').bands).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect(of('reached').bands).toEqual([0, 0, 1, 1, 0, 0, 0]);
    expect(of('demand')).toMatchObject({ customers: 0, medianDays: null, meanDays: null });
  });

  it('keeps to the population', () => {
    const p = timeInStage(days, new RoaringBitmap32([2, 4]));
    expect(p.find((r) => r.stage === 'portrait')).toMatchObject({ customers: 1, medianDays: 1, censored: 0 });
    expect(p.find((r) => r.stage === 'reached')).toMatchObject({ customers: 1, medianDays: 21 });
  });

  it('takes the median of a weighted distribution', () => {
    expect(weightedMedian([])).toBeNull();
    expect(weightedMedian([{ days: 3, customers: 1 }])).toBe(3);
    expect(
      weightedMedian([
        { days: 1, customers: 2 },
        { days: 9, customers: 1 },
      ]),
    ).toBe(1);
    expect(
      weightedMedian([
        { days: 1, customers: 2 },
        { days: 9, customers: 2 },
      ]),
    ).toBe(5);
  });
});

describe('AARRR', () => {
  it('maps the stages and the activity onto the five steps', () => {
    // base 10 (d2); active in the last 30 days: 2, 3, 6, 8, 10
    const view = aarrr(d2, new RoaringBitmap32([2, 3, 6, 8, 10, 42]), null);
    expect(view.base).toBe(10);
    const step = Object.fromEntries(view.steps.map((s) => [s.step, s]));
    // reached or beyond: 2, 5, 7, 11, 3, 6, 8, 9
    expect(step.acquisition).toMatchObject({ customers: 8, rate: 0.8, rateOf: 'base', shareOfBase: 0.8 });
    // interested or beyond (3, 6, 8, 9) and active (3, 6, 8)
    expect(step.activation).toMatchObject({ customers: 3, rate: 3 / 8, rateOf: 'acquisition' });
    // transaction or beyond (8, 9), active: 8
    expect(step.retention).toMatchObject({ customers: 1, rate: 0.5, rateOf: 'revenue' });
    expect(step.revenue).toMatchObject({ customers: 2, rate: 2 / 8, rateOf: 'acquisition' });
    expect(step.referral).toMatchObject({ customers: 1, rate: 0.5, rateOf: 'revenue' });
  });

  it('answers null rates, never NaN, for an empty population', () => {
    const view = aarrr(d2, new RoaringBitmap32(), new RoaringBitmap32([1000]));
    expect(view.base).toBe(0);
    for (const s of view.steps) expect(s).toMatchObject({ customers: 0, rate: null, shareOfBase: null });
  });
});
