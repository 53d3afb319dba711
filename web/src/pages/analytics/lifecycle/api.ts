import { client, ok } from '../../../api/client.ts';
import type { Answer, Query } from '../../../api/types.ts';

// GET /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend as the dashboard sees them,
// typed by the server's OpenAPI document.

export type Distribution = Answer<'get', '/v1/analytics/lifecycle/distribution'>;
export type PopulationView = Distribution['population'];
export type Transitions = Answer<'get', '/v1/analytics/lifecycle/transitions'>;
export type StageFlow = Transitions['flows'][number];
export type TimeInStage = Answer<'get', '/v1/analytics/lifecycle/time-in-stage'>;
export type StageTime = TimeInStage['perStage'][number];
export type Aarrr = Answer<'get', '/v1/analytics/lifecycle/aarrr'>;
export type AarrrStepName = Aarrr['steps'][number]['step'];
export type Concentration = Answer<'get', '/v1/analytics/concentration'>;
export type Measure = Concentration['aum'];
export type Trend = Answer<'get', '/v1/analytics/trend'>;
export type TrendMetric = Trend['metric'];
export type TrendInterval = Trend['interval'];
export type TrendQuery = Query<'get', '/v1/analytics/trend'>;

export const lifecycleApi = {
  distribution: (query: Query<'get', '/v1/analytics/lifecycle/distribution'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/lifecycle/distribution', { params: { query }, signal })),
  transitions: (query: Query<'get', '/v1/analytics/lifecycle/transitions'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/lifecycle/transitions', { params: { query }, signal })),
  timeInStage: (query: Query<'get', '/v1/analytics/lifecycle/time-in-stage'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/lifecycle/time-in-stage', { params: { query }, signal })),
  aarrr: (query: Query<'get', '/v1/analytics/lifecycle/aarrr'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/lifecycle/aarrr', { params: { query }, signal })),
  concentration: (query: Query<'get', '/v1/analytics/concentration'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/concentration', { params: { query }, signal })),
  trend: (query: TrendQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/trend', { params: { query }, signal })),
};
