import { request } from '../../../api.ts';
import type { Bilingual } from '../../../api/tags.ts';

// POST /v1/analytics/drivers as the dashboard sees it (shapes of src/api/routes/analytics-drivers-schemas.ts).

export interface DriversLevel {
  readonly value: string;
  readonly label?: Bilingual;
  readonly min?: number;
  readonly max?: number;
  readonly customers: number;
  readonly positives: number;
  readonly rate: number;
  readonly lift: number;
  readonly woe: number;
  readonly iv: number;
  readonly share: number;
}

export interface DriversFeature {
  readonly id: string;
  readonly source: 'attribute' | 'tag';
  readonly name: string;
  readonly title?: Bilingual;
  readonly kind: 'tag' | 'categorical' | 'boolean' | 'discrete' | 'binned';
  readonly multiValued: boolean;
  readonly iv: number;
  readonly levels: readonly DriversLevel[];
  readonly top: {
    readonly value: string;
    readonly lift: number;
    readonly rate: number;
    readonly customers: number;
  };
}

export interface DriversCoefficient {
  readonly term: string;
  readonly feature: string | null;
  readonly kind: 'intercept' | 'level' | 'zscore' | 'missing';
  readonly level?: string;
  readonly reference?: string;
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

export type DriversRegression =
  | {
      readonly status: 'fitted';
      readonly features: readonly string[];
      readonly coefficients: readonly DriversCoefficient[];
      readonly auc: { readonly training: number | null; readonly holdout: number | null };
      readonly trainingCustomers: number;
      readonly holdoutCustomers: number;
      readonly fittedRows: number;
      readonly scoredHoldoutRows: number;
      readonly iterations: number;
      readonly converged: boolean;
      readonly ridge: number;
      readonly holdoutPercent: number;
    }
  | { readonly status: 'not_enough_data'; readonly reason: string };

export interface DriversAnalysis {
  readonly asOf: string;
  readonly tagsAsOf: string | null;
  readonly definition: {
    readonly outcome: unknown;
    readonly population: unknown;
    readonly bins: number;
    readonly minShare: number;
    readonly holdoutPercent: number;
  };
  readonly population: { readonly customers: number; readonly positives: number; readonly rate: number };
  readonly features: readonly DriversFeature[];
  readonly excluded: readonly { readonly id: string; readonly reason: 'outcome' | 'constant' }[];
  readonly regression: DriversRegression;
  readonly elapsedMs: number;
}

export interface DriversRequest {
  readonly outcome: unknown;
  readonly population?: unknown;
  readonly bins?: number;
  readonly holdoutPercent?: number;
}

export const driversApi = {
  analyse: (body: DriversRequest, signal?: AbortSignal) =>
    request<DriversAnalysis>('POST', '/v1/analytics/drivers', body, signal),
};
