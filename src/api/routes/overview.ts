import { z } from 'zod';
import { bankOverview } from '../../customers/overview.ts';
import { daySchema } from '../../shared/day.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { timeZone } from './analytics-behaviour-schemas.ts';
import { wholeBank } from './pool-common.ts';

const overviewSchema = z.object({
  asOf: z.string(),
  customers: z.number(),
  aum: z.number(),
  tiers: z.array(z.object({ tier: z.string(), customers: z.number(), aum: z.number() })),
  pareto: z.array(z.object({ customerShare: z.number(), aumShare: z.number() })),
  top20AumShare: z.number(),
  newCustomersPerDay: z.array(z.object({ date: z.string(), customers: z.number() })),
  eventsPerDay: z.array(z.object({ date: z.string(), events: z.number() })),
  timeZone,
  definitions: z.record(z.string(), z.string()),
});

/** The Overview page's figures. */
export function registerOverviewRoutes(api: ZodApi, ctx: RouteContext): void {
  api.get(
    '/v1/overview',
    {
      schema: {
        tags: ['analytics'],
        querystring: z.object({
          days: z.coerce.number().int().min(1).max(366).default(30),
          asOf: daySchema.optional(),
        }),
        response: { 200: overviewSchema },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const asOf = req.query.asOf ?? ctx.clock.today();
      return bankOverview(
        { db: ctx.stores.operational.db, events: ctx.stores.events },
        { asOf, days: req.query.days, timeZone: ctx.clock.timeZone },
      );
    },
  );
}
