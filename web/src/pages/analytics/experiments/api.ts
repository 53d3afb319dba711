import type { z } from 'zod';
import type {
  experimentItem,
  importResult,
  liftAnalysis,
} from '../../../../../src/api/routes/analytics-experiments-schemas.ts';
import { request } from '../../../api.ts';

// Experiment endpoints (src/api/routes/analytics-experiments.ts). Every null figure comes with its reason. The types
// come from the routes' zod schemas (type-only imports, erased from the bundle): the page cannot drift from the API.

export type Experiment = z.output<typeof experimentItem>;
export type MetricKind = Experiment['metrics'][number]['kind'];
export type LiftAnalysis = z.output<typeof liftAnalysis>;
export type MetricLift = LiftAnalysis['metrics'][number];
export type ArmSummary = MetricLift['arms'][number];
export type Comparison = MetricLift['comparisons'][number];
export type Interval = NonNullable<Comparison['absolute']>;
export type ImportResult = z.output<typeof importResult>;
export type Rejection = ImportResult['firstErrors'][number];

const base = '/v1/analytics/experiments';

export const experimentsApi = {
  list: (signal?: AbortSignal) =>
    request<{ experiments: Experiment[] }>('GET', base, undefined, signal).then((r) => r.experiments),
  lift: (id: string, options: { confidence: number; control?: string }, signal?: AbortSignal) => {
    const q = new URLSearchParams({ confidence: String(options.confidence) });
    if (options.control) q.set('control', options.control);
    return request<LiftAnalysis>('GET', `${base}/${encodeURIComponent(id)}/lift?${q}`, undefined, signal);
  },
  upload: (body: { csv: string; mapping: unknown; allowPartial: boolean }) =>
    request<ImportResult>('POST', base, body),
  remove: (id: string) => request<void>('DELETE', `${base}/${encodeURIComponent(id)}`),
};
