// Known values from published tables (Abramowitz & Stegun; R's pnorm/qnorm/pt/qt/pchisq printed to 10+ digits).
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  incompleteBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  twoSidedP,
} from './stats.ts';

describe('normal distribution', () => {
  it('matches pnorm', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(0.3)).toBeCloseTo(0.6179114221889527, 14);
    expect(normalCdf(-5)).toBeCloseTo(2.866515718791939e-7, 18);
    expect(normalCdf(-10) / 7.619853024160527e-24).toBeCloseTo(1, 10);
  });

  it('matches qnorm, and inverts the cdf', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 11);
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });

  it('gives two-sided p-values', () => {
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 13);
    expect(twoSidedP(-2.5758293035489)).toBeCloseTo(0.01, 13);
  });
});

describe('gamma, beta, t and chi-square', () => {
  it('computes ln Γ', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(100)).toBeCloseTo(359.1342053695754, 10);
  });

  it('computes the regularised incomplete beta function', () => {
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 14);
    expect(incompleteBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 6); // pbeta(0.3, 2, 5)
    expect(incompleteBeta(0.9, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(0.9)), 13);
  });

  it('matches pt and qt, including fractional (Welch) degrees of freedom', () => {
    expect(studentTCdf(2.228138851986274, 10)).toBeCloseTo(0.975, 12);
    // df = 3 has a closed form: 1/2 + (t/(√3(1 + t²/3)) + atan(t/√3))/π.
    const closed3 = (t: number) =>
      0.5 + (t / (Math.sqrt(3) * (1 + (t * t) / 3)) + Math.atan(t / Math.sqrt(3))) / Math.PI;
    for (const t of [-1.5, 0.2, 4]) expect(studentTCdf(t, 3)).toBeCloseTo(closed3(t), 13);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 13); // Cauchy
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 10);
    // df = 2 has a closed form: t = (2p − 1)·√(2 / (4p(1 − p))).
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(0.95 * Math.sqrt(2 / (4 * 0.975 * 0.025)), 10);
    expect(studentTCdf(studentTQuantile(0.975, 2.5), 2.5)).toBeCloseTo(0.975, 12);
    expect(studentTCdf(1.96, Infinity)).toBeCloseTo(normalCdf(1.96), 14);
    expect(studentTCdf(1.959963984540054, 1e7)).toBeCloseTo(0.975, 6);
  });

  it('matches pchisq upper tails', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(30, 10)).toBeCloseTo(0.0008566412, 9); // pchisq(30, 10, lower = FALSE)
  });
});
