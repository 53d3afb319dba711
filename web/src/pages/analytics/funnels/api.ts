import { client, ok } from '../../../api/client.ts';
import type { Answer, Body } from '../../../api/types.ts';

// POST /v1/analytics/funnel, /retention, /churn and GET /v1/analytics/events as the dashboard sees them, typed by
// the server's OpenAPI document.

export type EventCatalogue = Answer<'get', '/v1/analytics/events'>;
export type FunnelResult = Answer<'post', '/v1/analytics/funnel'>;
export type Freshness = FunnelResult['freshness'];
export type FunnelGroup = FunnelResult['overall'];
export type FunnelStep = FunnelGroup['steps'][number];
export type FunnelRequest = Body<'post', '/v1/analytics/funnel'>;
export type Breakdown = NonNullable<FunnelRequest['breakdown']>;
export type RetentionRequest = Body<'post', '/v1/analytics/retention'>;
export type StartSpec = RetentionRequest['start'];
export type Period = NonNullable<RetentionRequest['period']>;
export type RetentionResult = Answer<'post', '/v1/analytics/retention'>;
export type RetentionTable = RetentionResult['overall'];
export type CohortRow = RetentionTable['cohorts'][number];
export type ChurnRequest = Body<'post', '/v1/analytics/churn'>;
export type ChurnResult = Answer<'post', '/v1/analytics/churn'>;
export type ChurnPoint = ChurnResult['trend'][number];

export const behaviourApi = {
  events: (signal?: AbortSignal) => ok(client.GET('/v1/analytics/events', { signal })),
  funnel: (body: FunnelRequest, signal?: AbortSignal) =>
    ok(client.POST('/v1/analytics/funnel', { body, signal })),
  retention: (body: RetentionRequest, signal?: AbortSignal) =>
    ok(client.POST('/v1/analytics/retention', { body, signal })),
  churn: (body: ChurnRequest, signal?: AbortSignal) =>
    ok(client.POST('/v1/analytics/churn', { body, signal })),
};

/** A duration in seconds, short: 45 s, 12.5 min, 3.2 h, 2.1 d. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
