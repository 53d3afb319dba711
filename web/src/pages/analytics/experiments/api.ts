import { client, ok } from '../../../api/client.ts';
import type { Answer, Body } from '../../../api/types.ts';

// Experiment endpoints (src/api/routes/analytics-experiments.ts). Every null figure comes with its reason. The types
// are the server's OpenAPI document's: the page cannot drift from the API.

export type Experiment = Answer<'get', '/v1/analytics/experiments'>['experiments'][number];
export type MetricKind = Experiment['metrics'][number]['kind'];
export type LiftAnalysis = Answer<'get', '/v1/analytics/experiments/{id}/lift'>;
export type MetricLift = LiftAnalysis['metrics'][number];
export type ArmSummary = MetricLift['arms'][number];
export type Comparison = MetricLift['comparisons'][number];
export type Interval = NonNullable<Comparison['absolute']>;
export type ImportResult = Answer<'post', '/v1/analytics/experiments'>;
export type Rejection = ImportResult['firstErrors'][number];
/** The upload as JSON: the CSV text and its mapping. */
export type ExperimentUpload = Extract<Body<'post', '/v1/analytics/experiments'>, { csv: string }>;

export const experimentsApi = {
  list: (signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/experiments', { signal })).then((r) => r.experiments),
  lift: (id: string, options: { confidence: number; control?: string }, signal?: AbortSignal) =>
    ok(
      client.GET('/v1/analytics/experiments/{id}/lift', { params: { path: { id }, query: options }, signal }),
    ),
  upload: (body: ExperimentUpload) => ok(client.POST('/v1/analytics/experiments', { body })),
  remove: (id: string) => ok(client.DELETE('/v1/analytics/experiments/{id}', { params: { path: { id } } })),
};
