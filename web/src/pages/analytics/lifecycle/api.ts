import { request } from '../../../api.ts';
import type { z } from 'zod';
import type * as s from '../../../../../src/api/routes/analytics-lifecycle-schemas.ts';

// POST /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend as the dashboard sees them. The
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

type Params = Readonly<Record<string, string | number | undefined>>;

/**
 * The POST body of an analysis from the page's parameters: empty ones left out, `segment` as the population, a
 * `tag:KEY` / `attribute:NAME` / `segment:ID,…` breakdown as the Breakdown contract.
 */
function bodyOf({ segment, breakdown, ...params }: Params): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') body[k] = v;
  if (segment) body['population'] = { segmentId: String(segment) };
  if (breakdown) {
    const [by, value = ''] = String(breakdown).split(/:(.*)/s);
    body['breakdown'] =
      by === 'segment'
        ? { by, segments: value.split(',') }
        : { by, [by === 'tag' ? 'tag' : 'attribute']: value };
  }
  return body;
}

const post =
  <T>(path: string) =>
  (params: Params, signal?: AbortSignal) =>
    request<T>('POST', path, bodyOf(params), signal);

export const lifecycleApi = {
  distribution: post<Distribution>('/v1/analytics/lifecycle/distribution'),
  transitions: post<Transitions>('/v1/analytics/lifecycle/transitions'),
  timeInStage: post<TimeInStage>('/v1/analytics/lifecycle/time-in-stage'),
  aarrr: post<Aarrr>('/v1/analytics/lifecycle/aarrr'),
  concentration: post<Concentration>('/v1/analytics/concentration'),
  trend: post<Trend>('/v1/analytics/trend'),
};
