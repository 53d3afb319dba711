import { request } from '../../../api.ts';
import type { Bilingual } from '../../../api/tags.ts';

// POST /v1/analytics/funnel, /retention, /churn and GET /v1/analytics/events as the dashboard sees them (shapes of
// src/api/routes/analytics-behaviour-schemas.ts).

export interface Freshness {
  readonly latestEventTime: string | null;
  readonly latestReceivedAt: string | null;
  readonly latestTransactionTime?: string | null;
}

export interface FunnelStep {
  readonly step: number;
  readonly event: string;
  readonly customers: number;
  readonly conversionFromPrevious: number | null;
  readonly conversionFromFirst: number | null;
  readonly medianSecondsFromPrevious: number | null;
}

export interface FunnelGroup {
  readonly key: string | null;
  readonly label: Bilingual | null;
  readonly steps: readonly FunnelStep[];
}

export type Breakdown =
  | { by: 'tag'; tag: string }
  | { by: 'attribute'; attribute: string }
  | { by: 'segment'; segments: string[] }
  | { by: 'property'; property: string };

export interface FunnelRequest {
  steps: { event: string; where?: Record<string, string | number | boolean> }[];
  population?: { segmentId: string };
  window: { days: number };
  from: string;
  to: string;
  breakdown?: Breakdown;
}

export interface FunnelResult {
  readonly window: { from: string; to: string; conversionSeconds: number };
  readonly overall: FunnelGroup;
  readonly breakdown: { by: string; groups: readonly FunnelGroup[]; omittedGroups: number } | null;
  readonly freshness: Freshness;
  readonly notEnoughData: string | null;
  readonly elapsedMs: number;
}

export type StartSpec = { kind: 'any_event' } | { kind: 'event'; event: string } | { kind: 'first_purchase' };
export type Period = 'day' | 'week' | 'month';

export interface RetentionRequest {
  start: StartSpec;
  return: { kind: 'any_event' } | { kind: 'event'; event: string };
  period: Period;
  periods: number;
  from: string;
  to: string;
  breakdown?: Exclude<Breakdown, { by: 'property' }>;
}

export interface CohortRow {
  readonly cohort: string;
  readonly size: number;
  readonly retained: readonly (number | null)[];
  readonly rates: readonly (number | null)[];
}

export interface RetentionTable {
  readonly cohorts: readonly CohortRow[];
  readonly average: readonly (number | null)[];
}

export interface RetentionResult {
  readonly window: { from: string; to: string; observedUntil: string | null };
  readonly overall: RetentionTable;
  readonly breakdown: {
    by: string;
    groups: readonly (RetentionTable & { key: string; label: Bilingual | null })[];
    omittedGroups: number;
  } | null;
  readonly freshness: Freshness;
  readonly notEnoughData: string | null;
  readonly elapsedMs: number;
}

export interface ChurnRequest {
  activity: { kind: 'transaction' } | { kind: 'event'; event?: string };
  days: number;
  period: Period;
  from: string;
  to: string;
}

export interface ChurnPoint {
  readonly period: string;
  readonly periodEnd: string;
  readonly complete: boolean;
  readonly atRisk: number;
  readonly churned: number | null;
  readonly churnRate: number | null;
}

export interface ChurnResult {
  readonly window: { from: string; to: string; observedUntil: string | null };
  readonly trend: readonly ChurnPoint[];
  readonly freshness: Freshness;
  readonly notEnoughData: string | null;
  readonly elapsedMs: number;
}

export interface EventCatalogue {
  readonly events: readonly { name: string; properties: readonly string[] }[];
  readonly freshness: Freshness;
}

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
