import { request } from '../../../api.ts';
import type { z } from 'zod';
import type * as s from '../../../../../src/api/routes/analytics-lifecycle-schemas.ts';

// GET /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend as the dashboard sees them. The
// types come from the routes' zod schemas (type-only imports, erased from the bundle).

export type Distribution = z.output<typeof s.distribution>;
export type PopulationView = Distribution['population'];
export type Transitions = z.output<typeof s.transitions>;
export type StageFlow = Transitions['flows'][number];
export type TimeInStage = z.output<typeof s.timeInStage>;
export type StageTime = TimeInStage['perStage'][number];
export type Aarrr = z.output<typeof s.aarrr>;
export type AarrrStepName = Aarrr['steps'][number]['step'];
export type Concentration = z.output<typeof s.concentration>;
export type Measure = Concentration['aum'];
export type Trend = z.output<typeof s.trend>;
export type TrendMetric = Trend['metric'];
export type TrendInterval = Trend['interval'];

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
