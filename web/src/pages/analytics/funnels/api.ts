import { request } from '../../../api.ts';
import type { z } from 'zod';
import type { funnelDefinitionSchema } from '../../../../../src/analytics/funnels/definition.ts';
import type {
  churnDefinitionSchema,
  periodSchema,
  retentionDefinitionSchema,
} from '../../../../../src/analytics/retention/definition.ts';
import type {
  churnResult,
  eventNames,
  freshness,
  funnelResult,
  retentionResult,
} from '../../../../../src/api/routes/analytics-behaviour-schemas.ts';

// POST /v1/analytics/funnel, /retention, /churn and GET /v1/analytics/events as the dashboard sees them. The types
// come from the zod schemas the routes validate and answer with (type-only imports, erased from the bundle).

export type Freshness = z.output<typeof freshness>;
export type FunnelResult = z.output<typeof funnelResult>;
export type FunnelGroup = FunnelResult['overall'];
export type FunnelStep = FunnelGroup['steps'][number];
export type FunnelRequest = z.input<typeof funnelDefinitionSchema>;
export type Breakdown = NonNullable<FunnelRequest['breakdown']>;
export type RetentionRequest = z.input<typeof retentionDefinitionSchema>;
export type StartSpec = RetentionRequest['start'];
export type Period = z.output<typeof periodSchema>;
export type RetentionResult = z.output<typeof retentionResult>;
export type RetentionTable = RetentionResult['overall'];
export type CohortRow = RetentionTable['cohorts'][number];
export type ChurnRequest = z.input<typeof churnDefinitionSchema>;
export type ChurnResult = z.output<typeof churnResult>;
export type ChurnPoint = ChurnResult['trend'][number];
export type EventCatalogue = z.output<typeof eventNames>;

export const behaviourApi = {
  events: (signal?: AbortSignal) => request<EventCatalogue>('GET', '/v1/analytics/events', undefined, signal),
  funnel: (body: FunnelRequest, signal?: AbortSignal) =>
    request<FunnelResult>('POST', '/v1/analytics/funnel', body, signal),
  retention: (body: RetentionRequest, signal?: AbortSignal) =>
    request<RetentionResult>('POST', '/v1/analytics/retention', body, signal),
  churn: (body: ChurnRequest, signal?: AbortSignal) =>
    request<ChurnResult>('POST', '/v1/analytics/churn', body, signal),
};

/** A duration in seconds, short: 45 s, 12.5 min, 3.2 h, 2.1 d. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
