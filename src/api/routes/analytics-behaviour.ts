import { funnelDefinitionSchema } from '../../analytics/funnels/definition.ts';
import { runFunnel } from '../../analytics/funnels/funnel.ts';
import { freshness, type BehaviourDeps } from '../../analytics/funnels/groups.ts';
import { runChurn } from '../../analytics/retention/churn.ts';
import { churnDefinitionSchema, retentionDefinitionSchema } from '../../analytics/retention/definition.ts';
import { runRetention } from '../../analytics/retention/retention.ts';
import { eventCatalogue } from '../../segments/event-resolver.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import * as s from './analytics-behaviour-schemas.ts';
import { wholeBank } from './pool-common.ts';
import { segmentServiceOf } from './segment-service.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 422: errorBody };

/**
 * /v1/analytics/funnel, /retention, /churn (behaviour over the event store) and /events (the names and properties
 * the step editor offers). Whole-bank figures: admin and analyst.
 */
export function registerBehaviourRoutes(api: ZodApi, ctx: RouteContext): void {
  const deps = (): BehaviourDeps => ({
    events: ctx.stores.events,
    clock: ctx.clock,
    segments: segmentServiceOf(ctx),
  });

  api.get(
    '/v1/analytics/events',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Event names in the event store and the property keys seen on them (latest 30 days)',
        response: { 200: s.eventNames, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const [events, fresh] = await Promise.all([
        eventCatalogue(ctx.stores.events),
        freshness(ctx.stores.events),
      ]);
      return { events, freshness: fresh };
    },
  );

  api.post(
    '/v1/analytics/funnel',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Event funnel: customers per step, conversion from previous and first step, median time to convert ' +
          '(unknown event: 400 naming the step; no first-step customer: notEnoughData)',
        body: funnelDefinitionSchema,
        response: { 200: s.funnelResult, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await runFunnel(deps(), req.body));
    },
  );

  api.post(
    '/v1/analytics/retention',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'N-period retention table: cohorts by first start occurrence, retained customers per period offset',
        body: retentionDefinitionSchema,
        response: { 200: s.retentionResult, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await runRetention(deps(), req.body));
    },
  );

  api.post(
    '/v1/analytics/churn',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Churn-rate trend: churned = no activity in D days; per period the share of active customers who churn',
        body: churnDefinitionSchema,
        response: { 200: s.churnResult, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await runChurn(deps(), req.body));
    },
  );
}
