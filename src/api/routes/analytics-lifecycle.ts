import { z } from 'zod';
import type { PopulationInput } from '../../analytics/lifecycle/population.ts';
import { LifecycleService } from '../../analytics/lifecycle/service.ts';
import { analyseConcentration } from '../../analytics/trend/concentration-analysis.ts';
import { metricTrend, type Breakdown } from '../../analytics/trend/metric-trend.ts';
import { AppError } from '../../shared/errors.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import * as s from './analytics-lifecycle-schemas.ts';
import { wholeBank } from './pool-common.ts';
import { segmentServiceOf, unwrapAnalysis } from './segment-service.ts';

// /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend: whole-bank analyses (admin and
// analyst). "Not enough data" is an expected answer: 422 with code not_enough_data and the reason.

/** The population of a query: a segment id, or a rule given as JSON text (400 when the text is not JSON). */
export function populationOf(query: {
  segment?: string | undefined;
  rule?: string | undefined;
}): PopulationInput {
  if (query.rule === undefined) return query.segment === undefined ? {} : { segment: query.segment };
  let rule: unknown;
  try {
    rule = JSON.parse(query.rule);
  } catch (error) {
    throw new AppError('bad_request', `rule is not JSON: ${(error as Error).message}`);
  }
  return { rule, ...(query.segment === undefined ? {} : { segment: query.segment }) };
}

/** `tag:<key>`, `attribute:<name>` or `segment:<id>[,<id>…]` as a breakdown. */
export function parseBreakdown(text: string | undefined): Breakdown | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'tag') return { kind, key: rest };
  if (kind === 'attribute') return { kind, name: rest };
  return { kind: 'segment', ids: rest.split(',') };
}

/** Lifecycle (distribution, transitions, time in stage, AARRR), concentration and metric trends. */
export function registerAnalyticsLifecycleRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const events = ctx.stores.events;
  const lifecycle = new LifecycleService({
    db,
    events,
    segments: () => segmentServiceOf(ctx),
    timeZone: ctx.clock.timeZone,
  });
  const tags = ['analytics'];

  api.get(
    '/v1/analytics/lifecycle/distribution',
    {
      schema: {
        tags,
        summary: 'Customers per lifecycle stage on every snapshot day of a range (default: 90 days)',
        querystring: z.object({ ...s.range, ...s.population }),
        response: { 200: s.distribution, ...s.errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { from, to } = req.query;
      return unwrapAnalysis(await lifecycle.distribution({ from, to, ...populationOf(req.query) }));
    },
  );

  api.get(
    '/v1/analytics/lifecycle/transitions',
    {
      schema: {
        tags,
        summary:
          'Stage-to-stage transition matrix, conversion per stage and Sankey links between two snapshot days',
        querystring: z.object({ ...s.range, ...s.population }),
        response: { 200: s.transitions, ...s.errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { from, to } = req.query;
      return unwrapAnalysis(await lifecycle.transitions({ from, to, ...populationOf(req.query) }));
    },
  );

  api.get(
    '/v1/analytics/lifecycle/time-in-stage',
    {
      schema: {
        tags,
        summary: 'Days the customers of each stage have spent in it (median, bands, distribution)',
        querystring: z.object({ ...s.onDay, ...s.population }),
        response: { 200: s.timeInStage, ...s.errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrapAnalysis(
        await lifecycle.timeInStage({ asOf: req.query.asOf, ...populationOf(req.query) }),
      );
    },
  );

  api.get(
    '/v1/analytics/lifecycle/aarrr',
    {
      schema: {
        tags,
        summary: 'Acquisition, activation, retention, revenue and referral mapped from the stages and events',
        querystring: z.object({ ...s.onDay, ...s.population }),
        response: { 200: s.aarrr, ...s.errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrapAnalysis(await lifecycle.aarrr({ asOf: req.query.asOf, ...populationOf(req.query) }));
    },
  );

  api.get(
    '/v1/analytics/concentration',
    {
      schema: {
        tags,
        summary: 'Lorenz and Pareto curves, Gini and top-20% share of AUM and of revenue contribution',
        querystring: z.object({
          asOf: s.onDay.asOf.describe('the day, YYYY-MM-DD (default today)'),
          ...s.population,
        }),
        response: { 200: s.concentration, ...s.errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrapAnalysis(
        await analyseConcentration(
          { segments: segmentServiceOf(ctx), events, clock: ctx.clock },
          { asOf: req.query.asOf, ...populationOf(req.query) },
        ),
      );
    },
  );

  api.get(
    '/v1/analytics/trend',
    {
      schema: {
        tags,
        summary: 'A metric by day, week or month, optionally broken down by tag, attribute or segment',
        querystring: s.trendQuery,
        response: { 200: s.trend, ...s.errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const q = req.query;
      return unwrapAnalysis(
        await metricTrend(
          { segments: segmentServiceOf(ctx), events, clock: ctx.clock },
          {
            metric: q.metric,
            interval: q.interval,
            from: q.from,
            to: q.to,
            event: q.event,
            kind: q.kind,
            breakdown: parseBreakdown(q.breakdown),
            top: q.top,
            ...populationOf(q),
          },
        ),
      );
    },
  );
}
