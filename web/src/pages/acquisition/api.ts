import { client, ok } from '../../api/client.ts';
import type { Answer, Body } from '../../api/types.ts';

// The Acquisition area's endpoints (src/api/routes/rta.ts): RTA strategies, the live counters and the decision log,
// typed by the server's OpenAPI document.

export type Strategy = Answer<'get', '/v1/rta/strategies'>['strategies'][number];
export type StrategyDetail = Answer<'get', '/v1/rta/strategies/{id}'>;
export type StrategyInput = Body<'post', '/v1/rta/strategies'>;
export type StrategyEdit = Body<'put', '/v1/rta/strategies/{id}'>;
export type RtaMetrics = Answer<'get', '/v1/rta/metrics'>;
export type Decision = Answer<'get', '/v1/rta/decisions'>['decisions'][number];

const strategy = (id: string) => ({ path: { id } });

export const rtaApi = {
  strategies: (signal?: AbortSignal) =>
    ok(client.GET('/v1/rta/strategies', { signal })).then((r) => r.strategies),
  strategy: (id: string, signal?: AbortSignal) =>
    ok(client.GET('/v1/rta/strategies/{id}', { params: strategy(id), signal })),
  create: (input: StrategyInput) => ok(client.POST('/v1/rta/strategies', { body: input })),
  update: (id: string, input: StrategyEdit) =>
    ok(client.PUT('/v1/rta/strategies/{id}', { params: strategy(id), body: input })),
  pause: (id: string) => ok(client.POST('/v1/rta/strategies/{id}/pause', { params: strategy(id) })),
  resume: (id: string) => ok(client.POST('/v1/rta/strategies/{id}/resume', { params: strategy(id) })),
  metrics: (minutes: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/rta/metrics', { params: { query: { minutes } }, signal })),
  decisions: (limit: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/rta/decisions', { params: { query: { limit } }, signal })).then((r) => r.decisions),
};
