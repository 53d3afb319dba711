import type { z } from 'zod';
import { LifecycleService } from '../../analytics/lifecycle/service.ts';
import { analyseConcentration } from '../../analytics/trend/concentration-analysis.ts';
import { metricTrend } from '../../analytics/trend/metric-trend.ts';
import type { Breakdown, Population } from '../../contracts/population.ts';
import { AppError } from '../../shared/errors.ts';
import { unwrap, type RouteContext, type ZodApi } from '../http.ts';
import * as s from './analytics-lifecycle-schemas.ts';
import { wholeBank } from './pool-common.ts';
import { segmentServiceOf } from './segment-service.ts';

// /v1/analytics/lifecycle/*, /v1/analytics/concentration and /v1/analytics/trend: whole-bank analyses (admin and
// analyst), POST with the Population contract like every other analysis. "Not enough data" is an expected answer:
// 422 with code not_enough_data and the reason. The GET forms with `?segment=&rule=<JSON text>` remain for scripts
// written against them, outside the OpenAPI document: each turns its query into the POST body.

/** The population of a GET query: a segment id, or a rule given as JSON text (400 when the text is not JSON). */
export function populationOf(query: { segment?: string | undefined; rule?: string | undefined }): {
  population?: Population;
} {
  if (query.segment !== undefined && query.rule !== undefined)
    throw new AppError('bad_request', 'give a segment or a rule, not both');
  if (query.segment !== undefined) return { population: { segmentId: query.segment } };
  if (query.rule === undefined) return {};
  try {
    return { population: { rule: JSON.parse(query.rule) } };
  } catch (error) {
    throw new AppError('bad_request', `rule is not JSON: ${(error as Error).message}`);
  }
}

/** `tag:<key>`, `attribute:<name>` or `segment:<id>[,<id>…]` (the GET form) as a Breakdown. */
export function parseBreakdown(text: string | undefined): Breakdown | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'tag') return { by: 'tag', tag: rest };
  if (kind === 'attribute') return { by: 'attribute', attribute: rest };
  return { by: 'segment', segments: rest.split(',') };
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
  const trendDeps = () => ({ segments: segmentServiceOf(ctx), events, clock: ctx.clock });

  /** POST `url` with `body`, and its GET form whose query `fromQuery` turns into that body. */
  function analysis<B extends z.ZodType, Q extends z.ZodType>(
    url: string,
    summary: string,
    schemas: { body: B; query: Q; response: z.ZodType },
    fromQuery: (query: z.output<Q>) => z.output<B>,
    run: (body: z.output<B>) => Promise<unknown>,
  ): void {
    const response = { 200: schemas.response, ...s.errors };
    api.post(url, { schema: { tags: ['analytics'], summary, body: schemas.body, response } }, async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return run(req.body as z.output<B>);
    });
    api.get(url, { schema: { hide: true, querystring: schemas.query, response } }, async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return run(fromQuery(req.query as z.output<Q>));
    });
  }

  const range = (q: z.output<typeof s.rangeQuery>) => ({ from: q.from, to: q.to, ...populationOf(q) });
  const day = (q: z.output<typeof s.dayQuery>) => ({ asOf: q.asOf, ...populationOf(q) });

  analysis(
    '/v1/analytics/lifecycle/distribution',
    'Customers per lifecycle stage on every snapshot day of a range (default: 90 days)',
    { body: s.rangeBody, query: s.rangeQuery, response: s.distribution },
    range,
    async (body) => unwrap(await lifecycle.distribution(body)),
  );
  analysis(
    '/v1/analytics/lifecycle/transitions',
    'Stage-to-stage transition matrix, conversion per stage and Sankey links between two snapshot days',
    { body: s.rangeBody, query: s.rangeQuery, response: s.transitions },
    range,
    async (body) => unwrap(await lifecycle.transitions(body)),
  );
  analysis(
    '/v1/analytics/lifecycle/time-in-stage',
    'Days the customers of each stage have spent in it (median, bands, distribution)',
    { body: s.dayBody, query: s.dayQuery, response: s.timeInStage },
    day,
    async (body) => unwrap(await lifecycle.timeInStage(body)),
  );
  analysis(
    '/v1/analytics/lifecycle/aarrr',
    'Acquisition, activation, retention, revenue and referral mapped from the stages and events',
    { body: s.dayBody, query: s.dayQuery, response: s.aarrr },
    day,
    async (body) => unwrap(await lifecycle.aarrr(body)),
  );
  analysis(
    '/v1/analytics/concentration',
    'Lorenz and Pareto curves, Gini and top-20% share of AUM and of revenue contribution',
    { body: s.concentrationBody, query: s.concentrationQuery, response: s.concentration },
    day,
    async (body) => unwrap(await analyseConcentration(trendDeps(), body)),
  );
  analysis(
    '/v1/analytics/trend',
    'A metric by day, week or month, optionally broken down by tag, attribute or segment',
    { body: s.trendBody, query: s.trendQuery, response: s.trend },
    ({ segment, rule, breakdown, ...q }) => ({
      ...q,
      breakdown: parseBreakdown(breakdown),
      ...populationOf({ segment, rule }),
    }),
    async (body) => unwrap(await metricTrend(trendDeps(), body)),
  );
}
