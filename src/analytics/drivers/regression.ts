import { sampleTest } from '../../segments/sample.ts';
import { reasonText } from '../reasons.ts';
import { auc } from './auc.ts';
import { MISSING, type Feature, type Population } from './features.ts';
import { coefficientStats, fitLogistic, sigmoid } from './logistic.ts';

// The drivers regression: the most informative features (by IV) encoded as columns, a logistic fit on the training
// split and the AUC on the hold-out. Binned numbers enter as z-scores (+ a missing indicator when some are missing);
// every other feature one-hot, its largest level the dropped reference. Definitions: ../README.md.

export interface RegressionOptions {
  /** Share of the population held out for the AUC (by a hash of the ordinal; default 30). */
  readonly holdoutPercent: number;
  /** Most features in the model (default 12), taken by IV. */
  readonly maxFeatures: number;
  /** Most columns besides the intercept (default 40). */
  readonly maxColumns: number;
  /** Most rows fitted, and most hold-out rows scored (default 100,000; more are strided down to it). */
  readonly maxRows: number;
  readonly ridge: number;
}

export const DEFAULT_REGRESSION_OPTIONS: RegressionOptions = {
  holdoutPercent: 30,
  maxFeatures: 12,
  maxColumns: 40,
  maxRows: 100_000,
  ridge: 1e-4,
};

/** The seed of the hold-out split's hash (see src/segments/sample.ts): same customers held out on every run. */
export const HOLDOUT_SEED = 'drivers-holdout';

export interface Coefficient {
  readonly term: string;
  /** The feature id; null for the intercept. */
  readonly feature: string | null;
  readonly kind: 'intercept' | 'level' | 'zscore' | 'missing';
  /** The level (kind level), against `reference`. */
  readonly level?: string;
  readonly reference?: string;
  /** Mean and standard deviation of the raw values on the training rows (kind zscore: the estimate is per SD). */
  readonly mean?: number;
  readonly sd?: number;
  readonly estimate: number;
  readonly stdError: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly z: number;
  readonly pValue: number;
  readonly oddsRatio: number;
  readonly orLow: number;
  readonly orHigh: number;
}

export type Regression =
  | {
      readonly status: 'fitted';
      readonly features: string[];
      readonly coefficients: Coefficient[];
      readonly auc: { readonly training: number | null; readonly holdout: number | null };
      readonly trainingCustomers: number;
      readonly holdoutCustomers: number;
      /** Rows used (after striding down to maxRows). */
      readonly fittedRows: number;
      readonly scoredHoldoutRows: number;
      readonly iterations: number;
      readonly converged: boolean;
      readonly ridge: number;
      readonly holdoutPercent: number;
    }
  | { readonly status: 'not_enough_data'; readonly reason: string };

interface Encoder {
  readonly feature: Feature;
  readonly width: number;
  terms(): Omit<
    Coefficient,
    'estimate' | 'stdError' | 'ciLow' | 'ciHigh' | 'z' | 'pValue' | 'oddsRatio' | 'orLow' | 'orHigh'
  >[];
  /** Writes the feature's columns of one customer at `row[at…]`. */
  fill(ordinal: number, row: Float64Array, at: number): void;
}

/** Fits the model on the features (in IV order) over the population. */
export function fitDrivers(
  features: readonly Feature[],
  population: Population,
  options: RegressionOptions = DEFAULT_REGRESSION_OPTIONS,
): Regression {
  const { members, y } = population;
  const held = sampleTest(HOLDOUT_SEED, options.holdoutPercent);
  const isHeld = new Uint8Array(members.length);
  let heldCount = 0;
  for (let i = 0; i < members.length; i++) heldCount += isHeld[i] = held(members[i]!) ? 1 : 0;
  const training = new Uint32Array(members.length - heldCount);
  const holdout = new Uint32Array(heldCount);
  for (let i = 0, a = 0, b = 0; i < members.length; i++) {
    if (isHeld[i]) holdout[b++] = members[i]!;
    else training[a++] = members[i]!;
  }
  const fitRows = stride(training, options.maxRows);
  let positives = 0;
  for (const o of fitRows) positives += y[o]!;
  if (positives < 5 || fitRows.length - positives < 5)
    return {
      status: 'not_enough_data',
      reason: reasonText('driversTooFewOutcomes', {
        with: positives,
        without: fitRows.length - positives,
      }),
    };
  const encoders: Encoder[] = [];
  let width = 0;
  for (const feature of features) {
    if (encoders.length >= options.maxFeatures) break;
    const encoder = encoderOf(feature, fitRows);
    if (!encoder || width + encoder.width > options.maxColumns) continue;
    encoders.push(encoder);
    width += encoder.width;
  }
  const p = width + 1;
  if (encoders.length === 0) return { status: 'not_enough_data', reason: reasonText('driversNoFeature') };
  if (fitRows.length < p + 10)
    return {
      status: 'not_enough_data',
      reason: reasonText('driversTooFewCustomers', { n: fitRows.length, p }),
    };
  const n = fitRows.length;
  const x = new Float64Array(n * p);
  const labels = new Uint8Array(n);
  const row = new Float64Array(p);
  const encode = (o: number) => {
    row.fill(0);
    row[0] = 1;
    let at = 1;
    for (const e of encoders) {
      e.fill(o, row, at);
      at += e.width;
    }
  };
  fitRows.forEach((o, i) => {
    encode(o);
    x.set(row, i * p);
    labels[i] = y[o]!;
  });
  const fit = fitLogistic(x, labels, n, p, { ridge: options.ridge });
  const terms = [
    { term: '(intercept)', feature: null, kind: 'intercept' as const },
    ...encoders.flatMap((e) => e.terms()),
  ];
  const coefficients = terms.map((t, j) => ({
    ...t,
    estimate: fit.beta[j]!,
    stdError: fit.se[j]!,
    ...coefficientStats(fit.beta[j]!, fit.se[j]!),
  }));
  const score = (values: Float64Array, at: number) => {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += values[at + j]! * fit.beta[j]!;
    return sigmoid(eta);
  };
  const trainScores = Float64Array.from({ length: n }, (_, i) => score(x, i * p));
  const scored = stride(holdout, options.maxRows);
  const holdScores = new Float64Array(scored.length);
  const holdLabels = new Uint8Array(scored.length);
  scored.forEach((o, i) => {
    encode(o);
    holdScores[i] = score(row, 0);
    holdLabels[i] = y[o]!;
  });
  return {
    status: 'fitted',
    features: encoders.map((e) => e.feature.id),
    coefficients,
    auc: { training: auc(trainScores, labels), holdout: auc(holdScores, holdLabels) },
    trainingCustomers: training.length,
    holdoutCustomers: holdout.length,
    fittedRows: n,
    scoredHoldoutRows: scored.length,
    iterations: fit.iterations,
    converged: fit.converged,
    ridge: options.ridge,
    holdoutPercent: options.holdoutPercent,
  };
}

/** Every k-th item so that at most `max` remain (ordinals carry no meaning, so this is a fair sample). */
function stride(items: Uint32Array, max: number): Uint32Array {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Uint32Array.from({ length: max }, (_, k) => items[Math.floor(k * step)]!);
}

function encoderOf(feature: Feature, fitRows: Uint32Array): Encoder | undefined {
  if (feature.kind === 'binned' && feature.values) return zscoreEncoder(feature, feature.values, fitRows);
  const levels = feature.levels;
  // the largest level is the reference: its coefficients' intervals are then the narrowest
  let reference = 0;
  levels.forEach((l, k) => {
    if (l.customers > levels[reference]!.customers) reference = k;
  });
  const column = new Int32Array(levels.length).fill(-1);
  let width = 0;
  levels.forEach((_, k) => {
    if (k !== reference) column[k] = width++;
  });
  if (width === 0) return undefined;
  const levelOf = feature.levelOf();
  return {
    feature,
    width,
    terms: () =>
      levels.flatMap((l, k) =>
        k === reference
          ? []
          : [
              {
                term: `${feature.id}=${l.value}`,
                feature: feature.id,
                kind: 'level' as const,
                level: l.value,
                reference: levels[reference]!.value,
              },
            ],
      ),
    fill(o, row, at) {
      const c = column[levelOf(o)]!;
      if (c >= 0) row[at + c] = 1;
    },
  };
}

function zscoreEncoder(feature: Feature, values: Float64Array, fitRows: Uint32Array): Encoder | undefined {
  let [count, sum, squares] = [0, 0, 0];
  for (const o of fitRows) {
    const v = values[o]!;
    if (v !== v) continue;
    count++;
    sum += v;
  }
  if (count < 2) return undefined;
  const mean = sum / count;
  for (const o of fitRows) {
    const v = values[o]!;
    if (v === v) squares += (v - mean) ** 2;
  }
  const sd = Math.sqrt(squares / (count - 1));
  if (!(sd > 0)) return undefined;
  const hasMissing = feature.levels.some((l) => l.value === MISSING);
  return {
    feature,
    width: hasMissing ? 2 : 1,
    terms: () => [
      { term: `${feature.id} (per SD)`, feature: feature.id, kind: 'zscore' as const, mean, sd },
      ...(hasMissing
        ? [
            {
              term: `${feature.id}=${MISSING}`,
              feature: feature.id,
              kind: 'missing' as const,
              level: MISSING,
            },
          ]
        : []),
    ],
    fill(o, row, at) {
      const v = values[o]!;
      if (v === v) row[at] = (v - mean) / sd;
      else if (hasMissing) row[at + 1] = 1; // z = 0: the mean, plus the missing indicator
    },
  };
}
