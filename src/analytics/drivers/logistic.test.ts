import { describe, expect, it } from 'vitest';
import { Prng } from '../../shared/prng.ts';
import { auc } from './auc.ts';
import { coefficientStats, fitLogistic, sigmoid } from './logistic.ts';

// The logistic fit against answers known in closed form, the score equations at the estimate, and the AUC against
// a brute-force count of pairs.

/** Rows [1, x] for a 2×2 table: a0/b0 customers with/without the outcome at x = 0, a1/b1 at x = 1. */
function table(a0: number, b0: number, a1: number, b1: number) {
  const rows: [number, number][] = [];
  for (const [x, yes, no] of [
    [0, a0, b0],
    [1, a1, b1],
  ] as const) {
    for (let i = 0; i < yes; i++) rows.push([x, 1]);
    for (let i = 0; i < no; i++) rows.push([x, 0]);
  }
  const x = new Float64Array(rows.length * 2);
  const y = new Uint8Array(rows.length);
  rows.forEach(([xi, yi], i) => {
    x[i * 2] = 1;
    x[i * 2 + 1] = xi;
    y[i] = yi;
  });
  return { x, y, n: rows.length };
}

describe('fitLogistic', () => {
  it('one binary feature: β0 = log odds at x = 0, β1 = log odds ratio, SE = √(1/a + 1/b + 1/c + 1/d)', () => {
    const [a0, b0, a1, b1] = [30, 170, 90, 110];
    const { x, y, n } = table(a0, b0, a1, b1);
    const fit = fitLogistic(x, y, n, 2, { ridge: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.beta[0]).toBeCloseTo(Math.log(a0 / b0), 10);
    expect(fit.beta[1]).toBeCloseTo(Math.log((a1 * b0) / (b1 * a0)), 10);
    expect(fit.se[1]).toBeCloseTo(Math.sqrt(1 / a0 + 1 / b0 + 1 / a1 + 1 / b1), 8);
    expect(fit.se[0]).toBeCloseTo(Math.sqrt(1 / a0 + 1 / b0), 8);
    // the default ridge (1e-4) moves the estimate by far less than its standard error
    const ridged = fitLogistic(x, y, n, 2);
    expect(Math.abs(ridged.beta[1]! - fit.beta[1]!)).toBeLessThan(1e-5);
    const stats = coefficientStats(fit.beta[1]!, fit.se[1]!);
    expect(stats.oddsRatio).toBeCloseTo((a1 * b0) / (b1 * a0), 8);
    expect(stats.ciLow).toBeCloseTo(fit.beta[1]! - 1.959963984540054 * fit.se[1]!, 8);
    expect(stats.pValue).toBeLessThan(1e-6);
  });

  it('satisfies the score equations X′(y − p) = 0 at the estimate', () => {
    const rng = new Prng(7);
    const [n, p] = [3000, 4];
    const truth = [-0.5, 1.2, -0.8, 0.3];
    const x = new Float64Array(n * p);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * p] = 1;
      x[i * p + 1] = rng.next() * 2 - 1;
      x[i * p + 2] = rng.chance(0.4) ? 1 : 0;
      x[i * p + 3] = (rng.next() + rng.next() + rng.next() - 1.5) * 2;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += truth[j]! * x[i * p + j]!;
      y[i] = rng.chance(sigmoid(eta)) ? 1 : 0;
    }
    const fit = fitLogistic(x, y, n, p, { ridge: 0 });
    expect(fit.converged).toBe(true);
    for (let j = 0; j < p; j++) {
      let score = 0;
      for (let i = 0; i < n; i++) {
        let eta = 0;
        for (let k = 0; k < p; k++) eta += x[i * p + k]! * fit.beta[k]!;
        score += x[i * p + j]! * (y[i]! - sigmoid(eta));
      }
      expect(Math.abs(score)).toBeLessThan(1e-7);
      // and the estimate is near the truth (within 4 standard errors)
      expect(Math.abs(fit.beta[j]! - truth[j]!)).toBeLessThan(4 * fit.se[j]!);
    }
  });

  it('stays finite under complete separation, thanks to the ridge', () => {
    // x = 1 always has the outcome: the maximum-likelihood β1 is +∞
    const { x, y, n } = table(40, 160, 50, 0);
    const fit = fitLogistic(x, y, n, 2);
    expect(Number.isFinite(fit.beta[1])).toBe(true);
    expect(fit.beta[1]).toBeGreaterThan(5);
    expect(Number.isFinite(fit.se[1])).toBe(true);
    const stats = coefficientStats(fit.beta[1]!, fit.se[1]!);
    expect(Object.values(stats).every(Number.isFinite)).toBe(true);
  });
});

describe('auc', () => {
  it('equals the share of (positive, negative) pairs ranked right, ties counting ½', () => {
    const rng = new Prng(11);
    const n = 500;
    const scores = Float64Array.from({ length: n }, () => Math.round(rng.next() * 20) / 20); // many ties
    const labels = Uint8Array.from(scores, (s) => (rng.chance(0.2 + 0.6 * s) ? 1 : 0));
    let [wins, pairs] = [0, 0];
    for (let i = 0; i < n; i++) {
      if (!labels[i]) continue;
      for (let j = 0; j < n; j++) {
        if (labels[j]) continue;
        pairs++;
        wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    expect(auc(scores, labels)).toBeCloseTo(wins / pairs, 12);
  });

  it('is 1 for a perfect ranking, ½ for constant scores, null with one class', () => {
    expect(auc(Float64Array.of(0.1, 0.2, 0.8, 0.9), Uint8Array.of(0, 0, 1, 1))).toBe(1);
    expect(auc(Float64Array.of(0.5, 0.5, 0.5), Uint8Array.of(0, 1, 1))).toBe(0.5);
    expect(auc(Float64Array.of(0.1, 0.2), Uint8Array.of(1, 1))).toBeNull();
  });
});
