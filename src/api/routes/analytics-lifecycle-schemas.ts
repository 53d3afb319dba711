import { z } from 'zod';
import { TREND_INTERVALS, TREND_METRICS } from '../../analytics/trend/metric-trend.ts';
import { Bilingual as bilingual, optionalDay } from '../../contracts/common.ts';
import { Breakdown, Population, PopulationView as populationView } from '../../contracts/population.ts';
import { text } from '../../shared/text.ts';
import { errorBody } from '../http.ts';
import { timeZone } from './analytics-behaviour-schemas.ts';

// Request and response shapes of the lifecycle, concentration and trend routes (analytics-lifecycle.ts). Requests are
// POST bodies taking the Population and Breakdown contracts; the query strings of the older GET forms are at the end.

export const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  422: errorBody.describe('not_enough_data: e.g. only one lifecycle snapshot day'),
};

const share = z.number().describe('0..1');

const range = {
  from: optionalDay('first day, YYYY-MM-DD'),
  to: optionalDay('last day, YYYY-MM-DD'),
};
const onDay = { asOf: optionalDay('the day, YYYY-MM-DD (default: the latest snapshot)') };

/** Distribution and transitions: a range of snapshot days. */
export const rangeBody = z.object({ ...range, population: Population.optional() });
/** Time in stage and AARRR: one snapshot day. */
export const dayBody = z.object({ ...onDay, population: Population.optional() });
export const concentrationBody = z.object({
  asOf: optionalDay('the day, YYYY-MM-DD (default today)'),
  population: Population.optional(),
});

const trendOptions = {
  metric: z.enum(TREND_METRICS),
  interval: z.enum(TREND_INTERVALS).optional(),
  ...range,
  event: text().min(1).max(200).optional().describe('events, active_customers: only this event'),
  kind: text().min(1).max(50).optional().describe('transaction_amount: only this transaction kind'),
};
const top = z.coerce
  .number()
  .int()
  .min(1)
  .max(20)
  .optional()
  .describe('groups kept (default 5); the rest are other');

export const trendBody = z.object({
  ...trendOptions,
  breakdown: Breakdown.optional(),
  top,
  population: Population.optional(),
});

const meta = {
  population: populationView,
  stages: z.array(z.object({ value: z.string(), label: bilingual })),
  computedAt: z.string().nullable().describe('when the newest snapshot read was computed'),
  timeZone,
  elapsedMs: z.number(),
};

export const distribution = z.object({
  ...meta,
  from: z.string(),
  to: z.string(),
  points: z.array(
    z.object({ asOf: z.string(), total: z.number().int(), counts: z.record(z.string(), z.number().int()) }),
  ),
});

const matrixKey = z.string().describe('a stage or not_in_base');
export const transitions = z.object({
  ...meta,
  from: z.string().describe('the snapshot day used as the start'),
  to: z.string().describe('the snapshot day used as the end'),
  requested: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  keys: z.array(matrixKey),
  matrix: z.array(z.array(z.number().int())).describe('rows: stage on from; columns: stage on to'),
  flows: z.array(
    z.object({
      stage: z.string(),
      from: z.number().int(),
      stayed: z.number().int(),
      forward: z.number().int(),
      backward: z.number().int(),
      left: z.number().int(),
      forwardRate: share.nullable(),
      entered: z.number().int(),
    }),
  ),
  links: z.array(z.object({ source: matrixKey, target: matrixKey, value: z.number().int() })),
});

export const timeInStage = z.object({
  ...meta,
  asOf: z.string(),
  firstDay: z.string().describe('the earliest snapshot day read'),
  snapshotDays: z.number().int(),
  bands: z.array(z.object({ label: z.string(), min: z.number().int(), max: z.number().int().nullable() })),
  perStage: z.array(
    z.object({
      stage: z.string(),
      customers: z.number().int(),
      medianDays: z.number().nullable(),
      meanDays: z.number().nullable(),
      censored: z
        .number()
        .int()
        .describe('in the stage since the first snapshot read: at least the days shown'),
      bands: z.array(z.number().int()),
      distribution: z.array(z.object({ days: z.number().int(), customers: z.number().int() })),
    }),
  ),
});

export const aarrr = z.object({
  ...meta,
  asOf: z.string(),
  activeFrom: z.string().describe('first day of the 30-day activity window'),
  base: z.number().int(),
  steps: z.array(
    z.object({
      step: z.enum(['acquisition', 'activation', 'retention', 'revenue', 'referral']),
      customers: z.number().int(),
      shareOfBase: share.nullable(),
      rate: share.nullable(),
      rateOf: z.enum(['base', 'acquisition', 'revenue']),
    }),
  ),
});

const measure = z.object({
  total: z.number(),
  holders: z.number().int(),
  gini: z.number(),
  top20Share: share,
  pareto: z.array(z.object({ customerShare: share, valueShare: share })),
  lorenz: z.array(z.object({ customerShare: share, valueShare: share })),
});

export const concentration = z.object({
  asOf: z.string(),
  population: populationView,
  customers: z.number().int(),
  aum: measure,
  revenue: measure.extend({
    margins: z.record(z.string(), z.number()).describe('annual margin assumed per product category'),
    feeWindow: z.object({ from: z.string(), to: z.string() }),
    fees: z.number(),
  }),
  timeZone,
  computedAt: z.string(),
  elapsedMs: z.number(),
});

export const trend = z.object({
  metric: z.enum(TREND_METRICS),
  interval: z.enum(TREND_INTERVALS),
  from: z.string(),
  to: z.string(),
  timeZone,
  event: z.string().nullable(),
  kind: z.string().nullable(),
  breakdown: Breakdown.nullable(),
  population: populationView,
  periods: z.array(z.string()),
  stockDays: z.array(z.string()).nullable(),
  series: z.array(
    z.object({
      key: z.string(),
      label: bilingual,
      customers: z.number().int().nullable(),
      values: z.array(z.number()),
    }),
  ),
  totals: z.array(z.number()),
  computedAt: z.string(),
  elapsedMs: z.number(),
});

// ---- the GET forms (query strings), kept for scripts written against them; not in the OpenAPI document ----------

/** The population as query parameters: a saved segment's id, or a rule as JSON text. */
const populationQuery = {
  segment: text().min(1).max(64).optional().describe('a saved segment id: analyse its members only'),
  rule: text()
    .max(100_000)
    .optional()
    .describe('a segment rule as JSON text (URL-encoded): analyse its members only'),
};
export const rangeQuery = z.object({ ...range, ...populationQuery });
export const dayQuery = z.object({ ...onDay, ...populationQuery });
export const concentrationQuery = z.object({
  asOf: concentrationBody.shape.asOf,
  ...populationQuery,
});

export const trendQuery = z.object({
  ...trendOptions,
  breakdown: text()
    .regex(
      /^(tag:[a-z][a-z0-9_]{0,62}|attribute:[A-Za-z0-9_]{1,100}|segment:[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,19})$/,
      'expected tag:<key>, attribute:<name> or segment:<id>[,<id>…]',
    )
    .optional(),
  top,
  ...populationQuery,
});
