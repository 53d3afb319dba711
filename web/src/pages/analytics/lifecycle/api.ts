import { request } from '../../../api.ts';
import type { Bilingual } from '../../../api/tags.ts';

// GET /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend as the dashboard sees them
// (shapes of src/api/routes/analytics-lifecycle-schemas.ts).

export interface PopulationView {
  readonly kind: 'bank' | 'segment' | 'rule';
  readonly segment: string | null;
  readonly evaluatedOn: string | null;
  readonly customers: number | null;
}

interface Meta {
  readonly population: PopulationView;
  readonly stages: readonly { value: string; label: Bilingual }[];
  readonly computedAt: string | null;
  readonly elapsedMs: number;
}

export interface Distribution extends Meta {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { asOf: string; total: number; counts: Readonly<Record<string, number>> }[];
}

export interface StageFlow {
  readonly stage: string;
  readonly from: number;
  readonly stayed: number;
  readonly forward: number;
  readonly backward: number;
  readonly left: number;
  readonly forwardRate: number | null;
  readonly entered: number;
}

export interface Transitions extends Meta {
  readonly from: string;
  readonly to: string;
  readonly keys: readonly string[];
  readonly matrix: readonly (readonly number[])[];
  readonly flows: readonly StageFlow[];
  readonly links: readonly { source: string; target: string; value: number }[];
}

export interface StageTime {
  readonly stage: string;
  readonly customers: number;
  readonly medianDays: number | null;
  readonly meanDays: number | null;
  readonly censored: number;
  readonly bands: readonly number[];
}

export interface TimeInStage extends Meta {
  readonly asOf: string;
  readonly firstDay: string;
  readonly snapshotDays: number;
  readonly bands: readonly { label: string; min: number; max: number | null }[];
  readonly perStage: readonly StageTime[];
}

export type AarrrStepName = 'acquisition' | 'activation' | 'retention' | 'revenue' | 'referral';

export interface Aarrr extends Meta {
  readonly asOf: string;
  readonly activeFrom: string;
  readonly base: number;
  readonly steps: readonly {
    step: AarrrStepName;
    customers: number;
    shareOfBase: number | null;
    rate: number | null;
    rateOf: 'base' | 'acquisition' | 'revenue';
  }[];
}

export interface Measure {
  readonly total: number;
  readonly holders: number;
  readonly gini: number;
  readonly top20Share: number;
  readonly pareto: readonly { customerShare: number; valueShare: number }[];
  readonly lorenz: readonly { customerShare: number; valueShare: number }[];
}

export interface Concentration {
  readonly asOf: string;
  readonly population: PopulationView;
  readonly customers: number;
  readonly aum: Measure;
  readonly revenue: Measure & {
    readonly margins: Readonly<Record<string, number>>;
    readonly feeWindow: { from: string; to: string };
    readonly fees: number;
  };
  readonly computedAt: string;
  readonly elapsedMs: number;
}

export type TrendMetric = 'customers' | 'aum' | 'active_customers' | 'events' | 'transaction_amount';
export type TrendInterval = 'day' | 'week' | 'month';

export interface Trend {
  readonly metric: TrendMetric;
  readonly interval: TrendInterval;
  readonly from: string;
  readonly to: string;
  readonly population: PopulationView;
  readonly periods: readonly string[];
  readonly stockDays: readonly string[] | null;
  readonly series: readonly {
    key: string;
    label: Bilingual;
    customers: number | null;
    values: readonly number[];
  }[];
  readonly totals: readonly number[];
  readonly computedAt: string;
  readonly elapsedMs: number;
}

/** Query parameters without the empty ones. */
function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

type Params = Readonly<Record<string, string | number | undefined>>;
const get =
  <T>(path: string) =>
  (params: Params, signal?: AbortSignal) =>
    request<T>('GET', `${path}${query(params)}`, undefined, signal);

export const lifecycleApi = {
  distribution: get<Distribution>('/v1/analytics/lifecycle/distribution'),
  transitions: get<Transitions>('/v1/analytics/lifecycle/transitions'),
  timeInStage: get<TimeInStage>('/v1/analytics/lifecycle/time-in-stage'),
  aarrr: get<Aarrr>('/v1/analytics/lifecycle/aarrr'),
  concentration: get<Concentration>('/v1/analytics/concentration'),
  trend: get<Trend>('/v1/analytics/trend'),
};
