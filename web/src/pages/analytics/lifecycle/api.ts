import { client, ok } from '../../../api/client.ts';
import type { Answer, Body } from '../../../api/types.ts';

// POST /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend as the dashboard sees them,
// typed by the server's OpenAPI document.

export type Distribution = Answer<'post', '/v1/analytics/lifecycle/distribution'>;
export type PopulationView = Distribution['population'];
export type Transitions = Answer<'post', '/v1/analytics/lifecycle/transitions'>;
export type StageFlow = Transitions['flows'][number];
export type TimeInStage = Answer<'post', '/v1/analytics/lifecycle/time-in-stage'>;
export type StageTime = TimeInStage['perStage'][number];
export type Aarrr = Answer<'post', '/v1/analytics/lifecycle/aarrr'>;
export type AarrrStepName = Aarrr['steps'][number]['step'];
export type Concentration = Answer<'post', '/v1/analytics/concentration'>;
export type Measure = Concentration['aum'];
export type Trend = Answer<'post', '/v1/analytics/trend'>;
export type TrendMetric = Trend['metric'];
export type TrendInterval = Trend['interval'];

type Path =
  | '/v1/analytics/lifecycle/distribution'
  | '/v1/analytics/lifecycle/transitions'
  | '/v1/analytics/lifecycle/time-in-stage'
  | '/v1/analytics/lifecycle/aarrr'
  | '/v1/analytics/concentration'
  | '/v1/analytics/trend';

/** What a page gives: the analysis body, with the population as the segment it filters by and a breakdown as text. */
type Params<P extends Path> = Omit<Body<'post', P>, 'population' | 'breakdown'> & {
  readonly segment?: string;
  /** `tag:KEY`, `attribute:NAME` or `segment:ID,…` */
  readonly breakdown?: string;
};

/** The POST body from the page's parameters: empty ones left out, the segment as the population, the Breakdown. */
function bodyOf<P extends Path>({ segment, breakdown, ...params }: Params<P>): Body<'post', P> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') body[k] = v;
  if (segment) body['population'] = { segmentId: segment };
  if (breakdown) {
    const [by, value = ''] = breakdown.split(/:(.*)/s);
    body['breakdown'] =
      by === 'segment'
        ? { by, segments: value.split(',') }
        : { by, [by === 'tag' ? 'tag' : 'attribute']: value };
  }
  return body as Body<'post', P>;
}

const analysis =
  <P extends Path>(path: P) =>
  (params: Params<P>, signal?: AbortSignal): Promise<Answer<'post', P>> =>
    // openapi-fetch cannot infer the options of a path union; each path's body and answer are typed above.
    ok(client.POST(path as '/v1/analytics/trend', { body: bodyOf(params) as never, signal })) as never;

export const lifecycleApi = {
  distribution: analysis('/v1/analytics/lifecycle/distribution'),
  transitions: analysis('/v1/analytics/lifecycle/transitions'),
  timeInStage: analysis('/v1/analytics/lifecycle/time-in-stage'),
  aarrr: analysis('/v1/analytics/lifecycle/aarrr'),
  concentration: analysis('/v1/analytics/concentration'),
  trend: analysis('/v1/analytics/trend'),
};
