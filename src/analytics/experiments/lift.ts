import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  twoSidedP,
} from '../stats.ts';
import { reasonText } from '../reasons.ts';
import type { MetricKind } from './model.ts';

// The statistics of an experiment's lift, as pure functions over per-arm sufficient statistics (n, sum, mean,
// variance). Every figure that cannot be computed is null with a reason next to it (`<field>Reason` or the object's
// `reason`), never NaN or Infinity: JSON cannot carry those, and a bare null would hide why. The reasons are the
// English sentences of src/analytics/reasons.ts, which the dashboard shows in Chinese. Formulas are listed in
// src/analytics/README.md, "Experiments and lift".

/** The sufficient statistics of one metric in one arm. */
export interface ArmStats {
  readonly arm: string;
  /** Units assigned to the arm (for the sample-ratio check). */
  readonly units: number;
  /** Units with a value of this metric. */
  readonly n: number;
  /** Σ value (binary: the conversions). */
  readonly sum: number;
  /** Mean value (binary: the rate); null when n = 0. */
  readonly mean: number | null;
  /** Sample variance (n − 1 denominator); null when n < 2. */
  readonly variance: number | null;
}

/** A point estimate with its confidence interval. */
export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** One arm as the answer shows it. */
export interface ArmSummary {
  readonly arm: string;
  readonly control: boolean;
  readonly units: number;
  readonly n: number;
  /** Binary metrics: Σ value (absent for numeric metrics). */
  readonly conversions?: number;
  /** Binary: conversions / n; numeric: the mean. */
  readonly mean: number | null;
  /** Sample standard deviation. */
  readonly sd: number | null;
  readonly reason: string | null;
}

/** The test behind a comparison's p-value. */
export interface TestResult {
  /** z: Wald z test of two proportions (unpooled SE); welch_t: Welch's unequal-variance t test. */
  readonly kind: 'z' | 'welch_t';
  readonly statistic: number | null;
  /** Welch–Satterthwaite degrees of freedom (welch_t only: absent for z). */
  readonly df?: number | null;
  readonly pValue: number | null;
  /** p < α (α = 1 − confidence); null when the p-value is. */
  readonly significant: boolean | null;
  readonly reason: string | null;
}

/** One treatment arm against the control. */
export interface Comparison {
  readonly arm: string;
  readonly control: string;
  /** Treatment − control (rates or means). */
  readonly absolute: Interval | null;
  readonly absoluteReason: string | null;
  /** Treatment / control − 1. */
  readonly relative: Interval | null;
  readonly relativeReason: string | null;
  /** Standard error of the absolute difference. */
  readonly standardError: number | null;
  readonly standardErrorReason: string | null;
  readonly test: TestResult;
  /** Smallest absolute (and relative) effect detectable with `power` at α, given the control's spread and both sizes. */
  readonly mde: {
    readonly absolute: number;
    readonly relative: number | null;
    readonly relativeReason: string | null;
  } | null;
  readonly mdeReason: string | null;
  /** Probability of a significant result at α if the true effect were the observed one. */
  readonly power: number | null;
  readonly powerReason: string | null;
}

/** Sample-ratio mismatch: χ² goodness of fit of the arms' unit counts against the expected allocation. */
export interface SampleRatioCheck {
  readonly chiSquare: number;
  readonly df: number;
  readonly pValue: number;
  /** p below `threshold`: the split is unlikely to be the intended one; treat every figure with suspicion. */
  readonly flagged: boolean;
  readonly threshold: number;
  readonly arms: {
    readonly arm: string;
    readonly units: number;
    readonly expectedShare: number;
    readonly expectedUnits: number;
  }[];
}

/** The lift of one metric: every arm, then each treatment arm against the control. */
export interface MetricLift {
  readonly metric: string;
  readonly kind: MetricKind;
  readonly arms: ArmSummary[];
  readonly comparisons: Comparison[];
}

/** Options shared by every comparison. */
export interface LiftOptions {
  /** Confidence level of the intervals, 0.5 < c < 1 (default 0.95); α = 1 − c for tests, MDE and power. */
  readonly confidence?: number;
  /** Power for the minimum detectable effect (default 0.8). */
  readonly power?: number;
}

/** The sufficient statistics of a binary metric: `conversions` of `units` (each unit has a value, 0 or 1). */
export function binaryArm(arm: string, units: number, conversions: number): ArmStats {
  const p = units > 0 ? conversions / units : null;
  return {
    arm,
    units,
    n: units,
    sum: conversions,
    mean: p,
    variance: p !== null && units > 1 ? (p * (1 - p) * units) / (units - 1) : null,
  };
}

/**
 * The Wilson score interval of a proportion `successes / n` (well behaved at 0, 1 and small n, unlike Wald's);
 * null with a reason when n = 0.
 */
export function wilsonInterval(
  successes: number,
  n: number,
  confidence = 0.95,
): { interval: Interval; reason: null } | { interval: null; reason: string } {
  if (n === 0) return { interval: null, reason: reasonText('rateNoUnits') };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  return {
    interval: { estimate: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) },
    reason: null,
  };
}

/** The SRM threshold: a split this unlikely under the intended allocation is flagged. */
export const SRM_THRESHOLD = 0.001;

/** The lift of one metric over its arms against `control` (which must be among them). */
export function metricLift(
  metric: string,
  kind: MetricKind,
  arms: readonly ArmStats[],
  control: string,
  options: LiftOptions = {},
): MetricLift {
  const c = arms.find((a) => a.arm === control);
  if (!c) throw new Error(`metricLift: control arm ${control} is not among the arms`);
  return {
    metric,
    kind,
    arms: arms.map((a) => summarise(a, kind, a.arm === control)),
    comparisons: arms.filter((a) => a.arm !== control).map((t) => compare(t, c, kind, options)),
  };
}

function summarise(a: ArmStats, kind: MetricKind, control: boolean): ArmSummary {
  const reason =
    a.n === 0
      ? a.units === 0
        ? reasonText('armNoUnits')
        : reasonText('armNoValues')
      : a.variance === null
        ? reasonText('armOneValue')
        : null;
  return {
    arm: a.arm,
    control,
    units: a.units,
    n: a.n,
    ...(kind === 'binary' ? { conversions: a.sum } : {}),
    mean: a.n > 0 ? a.mean : null,
    sd: a.variance === null ? null : Math.sqrt(a.variance),
    reason,
  };
}

const unavailable = (reason: string, kind: 'z' | 'welch_t'): Omit<Comparison, 'arm' | 'control'> => ({
  absolute: null,
  absoluteReason: reason,
  relative: null,
  relativeReason: reason,
  standardError: null,
  standardErrorReason: reason,
  test: {
    kind,
    statistic: null,
    ...(kind === 'welch_t' ? { df: null } : {}),
    pValue: null,
    significant: null,
    reason,
  },
  mde: null,
  mdeReason: reason,
  power: null,
  powerReason: reason,
});

/** The critical values of a two-sided test at level α and of the wanted power. */
function criticals(options: LiftOptions): { alpha: number; zAlpha: number; zPower: number } {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1))
    throw new RangeError(`confidence must be in (0.5, 1), got ${confidence}`);
  const power = options.power ?? 0.8;
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  const alpha = 1 - confidence;
  return { alpha, zAlpha: normalQuantile(1 - alpha / 2), zPower: normalQuantile(power) };
}

/** Power of a two-sided z test at critical value zAlpha when the true effect is `effect` with standard error `se`. */
export function powerOf(effect: number, se: number, zAlpha: number): number {
  const shift = Math.abs(effect) / se;
  return normalCdf(shift - zAlpha) + normalCdf(-shift - zAlpha);
}

/** One treatment arm `t` against the control `c`. */
export function compare(t: ArmStats, c: ArmStats, kind: MetricKind, options: LiftOptions = {}): Comparison {
  const head = { arm: t.arm, control: c.arm };
  const testKind = kind === 'binary' ? 'z' : 'welch_t';
  if (c.n === 0) return { ...head, ...unavailable(reasonText('controlNoValues'), testKind) };
  if (t.n === 0) return { ...head, ...unavailable(summarise(t, kind, false).reason!, testKind) };
  return { ...head, ...(kind === 'binary' ? compareRates(t, c, options) : compareMeans(t, c, options)) };
}

/** Rates: Wald interval and z test on the unpooled SE, log-ratio interval for the relative lift. */
function compareRates(t: ArmStats, c: ArmStats, options: LiftOptions): Omit<Comparison, 'arm' | 'control'> {
  const { alpha, zAlpha, zPower } = criticals(options);
  const [n1, n0] = [t.n, c.n];
  const [p1, p0] = [t.sum / n1, c.sum / n0];
  const d = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const zeroSe = reasonText('ratesZeroSe');

  let relative: Interval | null = null;
  let relativeReason: string | null = null;
  if (p0 === 0) relativeReason = reasonText('controlRateZero');
  else if (p1 === 0) relativeReason = reasonText('treatmentRateZero');
  else {
    const logRatio = Math.log(p1 / p0);
    const seLog = Math.sqrt((1 - p1) / (n1 * p1) + (1 - p0) / (n0 * p0));
    relative = {
      estimate: p1 / p0 - 1,
      lower: Math.exp(logRatio - zAlpha * seLog) - 1,
      upper: Math.exp(logRatio + zAlpha * seLog) - 1,
    };
  }

  const sd0 = Math.sqrt(p0 * (1 - p0));
  const mdeAbs = (zAlpha + zPower) * sd0 * Math.sqrt(1 / n1 + 1 / n0);
  const z = se > 0 ? d / se : null;
  const pValue = z === null ? null : twoSidedP(z);
  return {
    absolute: se > 0 ? { estimate: d, lower: d - zAlpha * se, upper: d + zAlpha * se } : null,
    absoluteReason: se > 0 ? null : zeroSe,
    relative,
    relativeReason,
    standardError: se > 0 ? se : null,
    standardErrorReason: se > 0 ? null : zeroSe,
    test: {
      kind: 'z',
      statistic: z,
      pValue,
      significant: pValue === null ? null : pValue < alpha,
      reason: se > 0 ? null : zeroSe,
    },
    ...(sd0 > 0
      ? {
          mde: { absolute: mdeAbs, relative: mdeAbs / p0, relativeReason: null },
          mdeReason: null,
        }
      : {
          mde: null,
          mdeReason: reasonText('controlRateNoVariance', { rate: p0 }),
        }),
    power: se > 0 ? powerOf(d, se, zAlpha) : null,
    powerReason: se > 0 ? null : zeroSe,
  };
}

/** Means: Welch's t interval and test; the relative lift by the delta method on the ratio of means. */
function compareMeans(t: ArmStats, c: ArmStats, options: LiftOptions): Omit<Comparison, 'arm' | 'control'> {
  const { alpha, zAlpha, zPower } = criticals(options);
  if (t.variance === null || c.variance === null) {
    return unavailable(reasonText('welchNeedsVariance'), 'welch_t');
  }
  const [n1, n0] = [t.n, c.n];
  const [m1, m0] = [t.mean!, c.mean!];
  const [v1, v0] = [t.variance / n1, c.variance / n0];
  const d = m1 - m0;
  const se = Math.sqrt(v1 + v0);

  let relative: Interval | null = null;
  let relativeReason: string | null = null;
  if (m0 === 0) relativeReason = reasonText('controlMeanZero');
  else {
    const ratio = m1 / m0;
    const seRatio = Math.sqrt(v1 / (m0 * m0) + (m1 * m1 * v0) / (m0 * m0 * m0 * m0));
    relative = {
      estimate: ratio - 1,
      lower: ratio - 1 - zAlpha * seRatio,
      upper: ratio - 1 + zAlpha * seRatio,
    };
  }
  const sd0 = Math.sqrt(c.variance);
  const mdeAbs = (zAlpha + zPower) * sd0 * Math.sqrt(1 / n1 + 1 / n0);
  const mde =
    sd0 > 0
      ? {
          mde: {
            absolute: mdeAbs,
            relative: m0 !== 0 ? mdeAbs / Math.abs(m0) : null,
            relativeReason: m0 !== 0 ? null : reasonText('controlMeanZeroShort'),
          },
          mdeReason: null,
        }
      : { mde: null, mdeReason: reasonText('controlNoSpread') };

  if (!(se > 0)) {
    const reason = reasonText('meansZeroSe');
    return {
      ...unavailable(reason, 'welch_t'),
      relative,
      relativeReason,
      ...mde,
    };
  }
  const df = (v1 + v0) ** 2 / ((v1 * v1) / (n1 - 1) + (v0 * v0) / (n0 - 1));
  const tq = studentTQuantile(1 - alpha / 2, df);
  const statistic = d / se;
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(statistic), df));
  return {
    absolute: { estimate: d, lower: d - tq * se, upper: d + tq * se },
    absoluteReason: null,
    relative,
    relativeReason,
    standardError: se,
    standardErrorReason: null,
    test: { kind: 'welch_t', statistic, df, pValue, significant: pValue < alpha, reason: null },
    ...mde,
    power: powerOf(d, se, zAlpha),
    powerReason: null,
  };
}

/**
 * Pearson's χ² goodness of fit of the unit counts against the expected allocation (weights by arm; equal when
 * absent). Null with a reason when it cannot be computed.
 */
export function sampleRatioCheck(
  units: readonly { readonly arm: string; readonly units: number }[],
  allocation: Readonly<Record<string, number>> | null,
): { srm: SampleRatioCheck; srmReason: null } | { srm: null; srmReason: string } {
  const arms = [...units];
  if (allocation) {
    for (const arm of Object.keys(allocation))
      if (!arms.some((a) => a.arm === arm)) arms.push({ arm, units: 0 });
    const missing = arms.filter((a) => !(a.arm in allocation)).map((a) => a.arm);
    if (missing.length)
      return { srm: null, srmReason: reasonText('srmUnweightedArms', { arms: missing.join(', ') }) };
  }
  if (arms.length < 2) return { srm: null, srmReason: reasonText('srmOneArm') };
  const total = arms.reduce((s, a) => s + a.units, 0);
  if (total === 0) return { srm: null, srmReason: reasonText('srmNoUnits') };
  const weights = arms.map((a) => (allocation ? allocation[a.arm]! : 1));
  const weightSum = weights.reduce((s, w) => s + w, 0);
  let chiSquare = 0;
  const rows = arms.map((a, i) => {
    const expectedShare = weights[i]! / weightSum;
    const expectedUnits = total * expectedShare;
    chiSquare += (a.units - expectedUnits) ** 2 / expectedUnits;
    return { arm: a.arm, units: a.units, expectedShare, expectedUnits };
  });
  const df = arms.length - 1;
  const pValue = chiSquareSf(chiSquare, df);
  return {
    srm: { chiSquare, df, pValue, flagged: pValue < SRM_THRESHOLD, threshold: SRM_THRESHOLD, arms: rows },
    srmReason: null,
  };
}
