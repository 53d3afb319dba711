import { client, ok } from '../../api/client.ts';
import type { Answer, Query } from '../../api/types.ts';

// The media endpoints (src/api/routes/media.ts), typed by the server's OpenAPI document.

/** The comparison, or (no attribution for the window yet) what to run. */
export type ComparisonAnswer = Answer<'get', '/v1/media/comparison'>;
export type Comparison = Extract<ComparisonAnswer, { freshness: unknown }>;
/** Whether the answer is a comparison (not the no-attribution-yet answer). */
export const isComparison = (a: object): a is Comparison => 'freshness' in a;
export type ChannelRow = Comparison['channels'][number];
export type MetricKey = Comparison['metrics'][number]['key'];
export type Dimension = Comparison['dimensions'][number]['key'];
export type ComparisonQuery = Query<'get', '/v1/media/comparison'>;
export type ImportResult = Answer<'post', '/v1/media/spend'>;
export type AttributionRun = Answer<'post', '/v1/media/attribution/run'>;

export const mediaApi = {
  comparison: (query: ComparisonQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/media/comparison', { params: { query }, signal })),
  importSpend: (csv: string) => ok(client.POST('/v1/media/spend', { body: { csv } })),
  importBrand: (csv: string) => ok(client.POST('/v1/media/brand', { body: { csv } })),
  attribute: (windowDays: number) => ok(client.POST('/v1/media/attribution/run', { body: { windowDays } })),
};
