import { describe, expect, it } from 'vitest';
import { expectNullsExplained } from '../../../test/support/nulls.ts';
import { compare, metricLift, sampleRatioCheck, wilsonInterval, type ArmStats } from './lift.ts';

// The lift statistics against numbers worked by hand (the arithmetic is in the comments) and against the published
// Welch example of Wikipedia ("Welch's t-test", example 1: t = 2.46, ν ≈ 25.0, p = 0.021), with more digits from
// SciPy 1.17 (`scipy.stats.ttest_ind(a2, a1, equal_var=False)`) where stated.

const rateArm = (arm: string, n: number, conversions: number): ArmStats => {
  const p = conversions / n;
  return {
    arm,
    units: n,
    n,
    sum: conversions,
    mean: p,
    variance: n > 1 ? (n * p * (1 - p)) / (n - 1) : null,
  };
};
const sampleArm = (arm: string, values: readonly number[]): ArmStats => {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : null;
  return { arm, units: n, n, sum: mean * n, mean, variance };
};

describe('rates (binary metric)', () => {
  // Control 100/1000 = 0.10, treatment 150/1000 = 0.15.
  const c = rateArm('control', 1000, 100);
  const t = rateArm('treatment', 1000, 150);
  const r = compare(t, c, 'binary');

  it('absolute lift: Wald interval on the unpooled standard error', () => {
    // SE = √(0.15·0.85/1000 + 0.10·0.90/1000) = √0.0002175 = 0.0147478812; z = 1.9599640
    expect(r.standardError).toBeCloseTo(0.0147478812, 9);
    expect(r.absolute?.estimate).toBeCloseTo(0.05, 12);
    expect(r.absolute?.lower).toBeCloseTo(0.05 - 1.959963985 * 0.0147478812, 8); // 0.0210946840
    expect(r.absolute?.upper).toBeCloseTo(0.078905316, 8);
  });

  it('relative lift: log-ratio interval', () => {
    // ln(1.5) ± 1.96·√(0.85/150 + 0.9/100) = 0.405465 ± 1.96·0.121106 → e^… − 1 = [0.183057, 0.901853]
    expect(r.relative?.estimate).toBeCloseTo(0.5, 12);
    expect(r.relative?.lower).toBeCloseTo(0.1830569, 7);
    expect(r.relative?.upper).toBeCloseTo(0.90185273, 7);
  });

  it('z test, MDE and power', () => {
    // z = 0.05 / 0.0147478812 = 3.3903175; p = 2·Φ(−3.3903175) = 0.000698117
    expect(r.test.kind).toBe('z');
    expect(r.test.statistic).toBeCloseTo(3.3903175, 6);
    expect(r.test.pValue).toBeCloseTo(0.000698117, 8);
    expect(r.test.significant).toBe(true);
    // MDE = (1.959964 + 0.841621)·√(0.1·0.9)·√(2/1000) = 2.801585·0.3·0.0447214 = 0.0375872; relative ÷ 0.1
    expect(r.mde?.absolute).toBeCloseTo(0.03758721, 7);
    expect(r.mde?.relative).toBeCloseTo(0.3758721, 6);
    // power = Φ(3.3903175 − 1.959964) + Φ(−3.3903175 − 1.959964) = Φ(1.430354) = 0.923692
    expect(r.power).toBeCloseTo(0.92369226, 6);
  });

  it('a confidence of 0.99 widens the interval with z = 2.5758293', () => {
    const wide = compare(t, c, 'binary', { confidence: 0.99 });
    expect(wide.absolute!.upper - 0.05).toBeCloseTo(2.5758293 * 0.0147478812, 7);
    expect(wide.test.pValue).toBeCloseTo(r.test.pValue!, 12);
  });

  it('a control rate of 0: relative lift and MDE null with reasons, never NaN', () => {
    const zero = compare(rateArm('t', 500, 5), rateArm('c', 500, 0), 'binary');
    expect(zero.relative).toBeNull();
    expect(zero.relativeReason).toMatch(/control rate is 0/);
    expect(zero.mde).toBeNull();
    expect(zero.absolute?.estimate).toBeCloseTo(0.01, 12);
    expectNullsExplained(zero);
    const none = compare(rateArm('t', 500, 0), rateArm('c', 500, 0), 'binary');
    expect(none.test.pValue).toBeNull();
    expect(none.test.reason).toMatch(/standard error is 0/);
    expectNullsExplained(none);
    expect(JSON.stringify(none)).not.toMatch(/NaN|Infinity/);
  });
});

describe('means (numeric metric)', () => {
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  const r = compare(sampleArm('A2', a2), sampleArm('A1', a1), 'numeric');

  it("Welch's t matches the published example (t = 2.46, ν ≈ 25.0, p = 0.021)", () => {
    expect(r.test.kind).toBe('welch_t');
    expect(r.test.statistic).toBeCloseTo(2.46, 2);
    expect(r.test.df).toBeCloseTo(25.0, 1);
    expect(r.test.pValue).toBeCloseTo(0.021, 3);
    // SciPy: t = 2.455356398286006, df = 24.988529290231416, p = 0.021378001462866992, CI [0.349237066, 3.984096267]
    expect(r.test.statistic).toBeCloseTo(2.455356398, 8);
    expect(r.test.df).toBeCloseTo(24.98852929, 6);
    expect(r.test.pValue).toBeCloseTo(0.0213780015, 8);
    expect(r.absolute?.lower).toBeCloseTo(0.349237066, 6);
    expect(r.absolute?.upper).toBeCloseTo(3.984096267, 6);
  });

  it('relative lift by the delta method', () => {
    // means 22.98667 / 20.82 → 0.104067; SE = √(3.812667/15/20.82² + 22.98667²·7.867429/15/20.82⁴) = 0.0454016
    const m1 = 22.986666666666665;
    const m0 = 20.82;
    const se = Math.sqrt(3.8126666666666686 / 15 / m0 ** 2 + (m1 ** 2 * 7.867428571428571) / 15 / m0 ** 4);
    expect(r.relative?.estimate).toBeCloseTo(m1 / m0 - 1, 12);
    expect(r.relative?.lower).toBeCloseTo(m1 / m0 - 1 - 1.959963985 * se, 8);
    expect(se).toBeCloseTo(0.0454016, 6);
  });

  it('fewer than two values or a control mean of 0 give reasons', () => {
    const one = compare(sampleArm('t', [3]), sampleArm('c', [1, 2, 3]), 'numeric');
    expect(one.absolute).toBeNull();
    expect(one.absoluteReason).toMatch(/fewer than 2 values/);
    expectNullsExplained(one);
    const zeroMean = compare(sampleArm('t', [1, 2, 3]), sampleArm('c', [-1, 0, 1]), 'numeric');
    expect(zeroMean.relative).toBeNull();
    expect(zeroMean.relativeReason).toMatch(/control mean is 0/);
    expect(zeroMean.absolute?.estimate).toBe(2);
    expectNullsExplained(zeroMean);
  });
});

describe('metricLift', () => {
  it('summarises every arm and compares each treatment with the control; an empty arm is explained', () => {
    const empty: ArmStats = { arm: 'C', units: 0, n: 0, sum: 0, mean: null, variance: null };
    const lift = metricLift('visit', 'binary', [rateArm('A', 200, 20), rateArm('B', 200, 30), empty], 'A');
    expect(lift.arms.map((a) => [a.arm, a.control, a.mean])).toEqual([
      ['A', true, 0.1],
      ['B', false, 0.15],
      ['C', false, null],
    ]);
    expect(lift.comparisons.map((c) => c.arm)).toEqual(['B', 'C']);
    expect(lift.comparisons[1]!.absoluteReason).toBe('no units in this arm');
    expectNullsExplained(lift);
  });
});

describe('sample-ratio mismatch', () => {
  it('χ² against equal weights (SciPy: χ² = 0.20253125, p = 0.90369296)', () => {
    const { srm } = sampleRatioCheck(
      [
        { arm: 'a', units: 21306 },
        { arm: 'b', units: 21307 },
        { arm: 'c', units: 21387 },
      ],
      null,
    );
    expect(srm?.chiSquare).toBeCloseTo(0.20253125, 8);
    expect(srm?.df).toBe(2);
    expect(srm?.pValue).toBeCloseTo(0.90369296, 7);
    expect(srm?.flagged).toBe(false);
  });

  it('flags a split far from the allocation (1:2 expected, 1000/1200 seen: χ² = 18.1818, p = 2.0079e-5)', () => {
    // expected 733.33 and 1466.67: (266.67²/733.33) + (266.67²/1466.67) = 96.97 + 48.48 = 145.45
    const skew = sampleRatioCheck(
      [
        { arm: 'a', units: 1000 },
        { arm: 'b', units: 1200 },
      ],
      { a: 1, b: 2 },
    );
    expect(skew.srm?.chiSquare).toBeCloseTo(145.4545, 3);
    expect(skew.srm?.flagged).toBe(true);
    // Equal weights: expected 1100 each, χ² = 2·100²/1100 = 18.1818.
    const equal = sampleRatioCheck(
      [
        { arm: 'a', units: 1000 },
        { arm: 'b', units: 1200 },
      ],
      { a: 5, b: 5 },
    );
    expect(equal.srm?.chiSquare).toBeCloseTo(18.181818, 5);
    expect(equal.srm?.pValue).toBeCloseTo(2.007865612e-5, 12);
    expect(equal.srm?.flagged).toBe(true);
  });

  it('an allocation missing an arm gives a reason; an allocated arm without units counts as 0', () => {
    const missing = sampleRatioCheck(
      [
        { arm: 'a', units: 10 },
        { arm: 'b', units: 12 },
      ],
      { a: 1 },
    );
    expect(missing.srm).toBeNull();
    expect(missing.srmReason).toMatch(/no weight to arm\(s\) b/);
    const absent = sampleRatioCheck([{ arm: 'a', units: 100 }], { a: 1, b: 1 });
    expect(absent.srm?.arms.map((a) => a.units)).toEqual([100, 0]);
    expect(absent.srm?.flagged).toBe(true);
  });
});

describe('Wilson score interval', () => {
  // z = 1.959964; 5/10: centre (0.5 + 0.19207) / 1.38415 = 0.5, half 1.959964·√(0.025 + 0.009604) / 1.38415 = 0.26340.
  it('matches the worked values, stays inside [0, 1] at the edges, and is null without units', () => {
    const half = wilsonInterval(5, 10);
    expect(half.interval!.lower).toBeCloseTo(0.2366, 4);
    expect(half.interval!.upper).toBeCloseTo(0.7634, 4);
    const none = wilsonInterval(0, 10).interval!;
    expect([none.estimate, none.lower]).toEqual([0, 0]);
    expect(none.upper).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).interval!.upper).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ interval: null, reason: expect.stringContaining('no units') });
  });
});
