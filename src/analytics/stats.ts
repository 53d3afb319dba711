// Distribution functions the analyses need (confidence intervals, p-values, power), in plain TypeScript: a statistics
// library would be a dependency for five functions. Accuracy ~1e-12 relative; tests compare with published tables.

import { inverseNormal } from '../shared/normal.ts';

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** erfc(x), with relative accuracy ~1e-15 (W. J. Cody's rational approximations via the continued fraction). */
function erfc(x: number): number {
  // For |x| < 0.5 the series of erf converges fast; beyond, the continued fraction of erfc (Lentz).
  const ax = Math.abs(x);
  if (ax < 0.5) {
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const erf = (2 / Math.sqrt(Math.PI)) * sum;
    return x >= 0 ? 1 - erf : 1 + erf;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) evaluated with the modified Lentz method.
  const lentz = { c: ax, d: 0 };
  let f = ax;
  for (let n = 1; n < 500; n++) {
    const delta = lentzTerm(lentz, n / 2, ax);
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const value = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x >= 0 ? value : 2 - value;
}

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** The z with P(Z ≤ z) = p, 0 < p < 1 (Acklam's approximation, src/shared/normal.ts, refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  }
  const x = inverseNormal(p);
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Continued fraction of the regularised incomplete beta function (Numerical Recipes' betacf, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < TINY ? TINY : d;
  d = 1 / d;
  const lentz = { c: 1, d };
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // Two terms per step, the even one and the odd one; convergence is judged on the odd one.
    h *= lentzTerm(lentz, (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), 1);
    const delta = lentzTerm(lentz, (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)), 1);
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** What is smaller than this in magnitude is taken as this, so the modified Lentz method never divides by zero. */
const TINY = 1e-300;

/**
 * One term a/(b + …) of a continued fraction by the modified Lentz method: updates Lentz's C and D in place and
 * returns C·D, the factor by which the term changes the fraction's value (1 once it has converged).
 */
function lentzTerm(lentz: { c: number; d: number }, a: number, b: number): number {
  let d = b + a * lentz.d;
  d = Math.abs(d) < TINY ? TINY : d;
  let c = b + a / lentz.c;
  c = Math.abs(c) < TINY ? TINY : c;
  lentz.c = c;
  lentz.d = 1 / d;
  return c * lentz.d;
}

/** I_x(a, b), the regularised incomplete beta function, 0 ≤ x ≤ 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df may be fractional, as Welch's is). */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t with P(T ≤ t) = p for Student's t with `df` degrees of freedom (bisection on the cdf, 1e-12). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, df) > p) lo *= 2;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Q(a, x) = Γ(a, x)/Γ(a), the upper regularised incomplete gamma function. */
export function upperIncompleteGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P(a, x), then Q = 1 − P.
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(logFront);
  }
  let b = x + 1 - a;
  const lentz = { c: 1 / TINY, d: 1 / b };
  let h = lentz.d;
  for (let i = 1; i < 10_000; i++) {
    b += 2;
    const delta = lentzTerm(lentz, -i * (i - a), b);
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logFront) * h;
}

/** P(X ≥ x) for a chi-square X with `df` degrees of freedom (the p-value of a chi-square test). */
export function chiSquareSf(x: number, df: number): number {
  return upperIncompleteGamma(df / 2, x / 2);
}

/** Two-sided p-value of a z statistic. */
export function twoSidedP(z: number): number {
  return 2 * normalCdf(-Math.abs(z));
}
