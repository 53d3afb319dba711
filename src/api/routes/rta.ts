import { latestDecisions } from '../../rta/decision-log.ts';
import { readRtaMetrics } from '../../rta/metrics-read.ts';
import {
  createStrategy,
  getStrategy,
  listStrategies,
  setStrategyStatus,
  updateStrategy,
} from '../../rta/strategy-store.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './rta-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/rta: the RTA decision service's strategies (read with analytics.read, changed with rta.manage — admins and
 * analysts), its counters over the last minutes and its sampled decision log. Bank-wide: roles with a scope only
 * are refused.
 */
export function registerRtaRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock, segments: ctx.segments };
  const tags = ['rta'];

  api.get(
    '/v1/rta/strategies',
    {
      schema: {
        tags,
        summary: 'Every RTA strategy, by priority',
        response: { 200: s.strategyList, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { strategies: await listStrategies(db) };
    },
  );

  api.post(
    '/v1/rta/strategies',
    {
      schema: {
        tags,
        summary: 'Create a strategy (its id is the out_target_id registered with the ad platform)',
        body: s.strategyBody,
        response: { 201: s.strategy, ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'rta.manage');
      const created = unwrap(await createStrategy(deps, req.body, who.actor));
      return reply.code(201).send(created);
    },
  );

  api.get(
    '/v1/rta/strategies/:id',
    {
      schema: {
        tags,
        summary: 'A strategy with its versions, newest first',
        params: s.strategyParams,
        response: { 200: s.strategyWithVersions, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await getStrategy(db, req.params.id));
    },
  );

  api.put(
    '/v1/rta/strategies/:id',
    {
      schema: {
        tags,
        summary: "Save a strategy's next version (live in the RTA service within its poll interval)",
        params: s.strategyParams,
        body: s.strategyEdit,
        response: { 200: s.strategy, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'rta.manage');
      return unwrap(await updateStrategy(deps, req.params.id, req.body, who.actor));
    },
  );

  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const)
    api.post(
      `/v1/rta/strategies/:id/${action}`,
      {
        schema: {
          tags,
          summary: `${action === 'pause' ? 'Pause' : 'Resume'} a strategy (its next version)`,
          params: s.strategyParams,
          response: { 200: s.strategy, ...errors },
        },
      },
      async (req) => {
        const who = await wholeBank(req, ctx, 'rta.manage');
        return unwrap(await setStrategyStatus(deps, req.params.id, status, who.actor));
      },
    );

  api.get(
    '/v1/rta/metrics',
    {
      schema: {
        tags,
        summary: 'Requests, matches, match rate and errors per strategy and in total, latency percentiles',
        querystring: s.metricsQuery,
        response: { 200: s.metrics, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return readRtaMetrics(db, ctx.clock.now(), req.query.minutes);
    },
  );

  api.get(
    '/v1/rta/decisions',
    {
      schema: {
        tags,
        summary: 'The latest sampled decisions (1 in N plus every error), newest first',
        querystring: s.decisionsQuery,
        response: { 200: s.decisions, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { decisions: await latestDecisions(ctx.stores.events, req.query.limit) };
    },
  );
}
