import { describe, expect, it } from 'vitest';
import { Prng } from '../../shared/prng.ts';
import { concentrationWithLorenz, lorenzCurve } from '../concentration.ts';
import { groupBitmapState } from './bitmap-param.ts';
import { measure } from './concentration-analysis.ts';
import { RoaringBitmap32 } from '../../shared/bitmap.ts';
import { decodeGroupBitmap } from '../../tags/ch-bitmap.ts';

// Lorenz curves and Gini on hand data with known answers, and the agreement between the curve and the Gini.

/** 1 − 2 × the trapezoid area under sampled Lorenz points. */
const giniOfCurve = (curve: { customerShare: number; valueShare: number }[]) => {
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    area += ((b.customerShare - a.customerShare) * (a.valueShare + b.valueShare)) / 2;
  }
  return 1 - 2 * area;
};

describe('Lorenz curve and Gini', () => {
  it('is the equality line with Gini 0 when everyone holds the same', () => {
    const c = concentrationWithLorenz(Float64Array.from([7, 7, 7, 7, 7]));
    expect(c.gini).toBeCloseTo(0, 12);
    expect(c.lorenz).toHaveLength(101);
    for (const p of c.lorenz) expect(p.valueShare).toBeCloseTo(p.customerShare, 12);
    expect(c.top20AumShare).toBeCloseTo(0.2, 12);
  });

  it('gives Gini (n − 1)/n when one customer holds everything', () => {
    for (const n of [2, 4, 5, 10]) {
      const values = new Float64Array(n);
      values[n - 1] = 1_000;
      const c = concentrationWithLorenz(values);
      expect(c.gini).toBeCloseTo((n - 1) / n, 12);
      // the poorest (n − 1)/n hold nothing; the curve jumps to 1 over the last customer
      expect(c.lorenz[Math.round((100 * (n - 1)) / n)]!.valueShare).toBeCloseTo(0, 12);
      expect(c.lorenz[100]).toEqual({ customerShare: 1, valueShare: 1 });
      expect(giniOfCurve(c.lorenz)).toBeCloseTo(c.gini, 12);
    }
  });

  it('matches a hand-computed case: 1, 2, 3, 4', () => {
    // cumulative shares 0.1, 0.3, 0.6, 1 at 25%, 50%, 75%, 100%; Gini = (−3·1 − 1·2 + 1·3 + 3·4) / (4 · 10) = 0.25
    const c = concentrationWithLorenz(Float64Array.from([3, 1, 4, 2]));
    expect(c.gini).toBeCloseTo(0.25, 12);
    expect(c.lorenz[25]!.valueShare).toBeCloseTo(0.1, 12);
    expect(c.lorenz[50]!.valueShare).toBeCloseTo(0.3, 12);
    expect(c.lorenz[75]!.valueShare).toBeCloseTo(0.6, 12);
    // 52% of the way through the second customer: (1 + 0.52 × 2) / 10
    expect(c.lorenz[38]!.valueShare).toBeCloseTo((1 + 0.52 * 2) / 10, 12);
    expect(giniOfCurve(c.lorenz)).toBeCloseTo(0.25, 12);
  });

  it('agrees with the Gini on skewed data when n does not divide the points', () => {
    const rng = new Prng(5);
    const values = Float64Array.from({ length: 12_345 }, () => Math.round(rng.next() ** 6 * 1e7) / 100);
    const c = concentrationWithLorenz(values);
    expect(Math.abs(giniOfCurve(c.lorenz) - c.gini)).toBeLessThan(1e-3);
    for (let i = 1; i < c.lorenz.length; i++)
      expect(c.lorenz[i]!.valueShare).toBeGreaterThanOrEqual(c.lorenz[i - 1]!.valueShare);
  });

  it('stays flat at 0 for a zero total and empty input, never NaN', () => {
    expect(lorenzCurve(new Float64Array(3)).every((p) => p.valueShare === 0)).toBe(true);
    const empty = measure(new Float64Array(0));
    expect(empty).toMatchObject({ total: 0, holders: 0, gini: 0, top20Share: 0 });
    expect(empty.lorenz.every((p) => Number.isFinite(p.valueShare))).toBe(true);
  });
});

describe('bitmaps as ClickHouse groupBitmap states', () => {
  it('round-trips small sets and roaring bitmaps through the state format', () => {
    for (const ids of [[], [3, 7, 1_000_000], Array.from({ length: 5_000 }, (_, i) => i * 3 + 1)]) {
      const bitmap = new RoaringBitmap32(ids);
      expect(decodeGroupBitmap(groupBitmapState(bitmap)).toArray()).toEqual(ids);
    }
  });
});
