import { z } from 'zod';
import { TREND_INTERVALS, TREND_METRICS } from '../../analytics/trend/metric-trend.ts';
import { daySchema } from '../../shared/day.ts';
import { text } from '../../shared/text.ts';
import { errorBody } from '../http.ts';
import { timeZone } from './analytics-behaviour-schemas.ts';

// Request and response shapes of the lifecycle, concentration and trend routes (analytics-lifecycle.ts).

export const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  422: errorBody.describe('not_enough_data: e.g. only one lifecycle snapshot day'),
};

const bilingual = z.object({ en: z.string(), zh: z.string() });
const share = z.number().describe('0..1');

/** The optional population every analysis takes. */
export const population = {
  segment: text().min(1).max(64).optional().describe('a saved segment id: analyse its members only'),
  rule: text()
    .max(100_000)
    .optional()
    .describe('a segment rule as JSON text (URL-encoded): analyse its members only'),
};

export const range = {
  from: daySchema.optional().describe('first day, YYYY-MM-DD'),
  to: daySchema.optional().describe('last day, YYYY-MM-DD'),
};

export const onDay = {
  asOf: daySchema.optional().describe('the day, YYYY-MM-DD (default: the latest snapshot)'),
};

const populationView = z.object({
  kind: z.enum(['bank', 'segment', 'rule']),
  segment: z.string().nullable(),
  evaluatedOn: z.string().nullable().describe('the day the segment or rule was evaluated on'),
  customers: z.number().int().nullable(),
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

export const trendQuery = z.object({
  metric: z.enum(TREND_METRICS),
  interval: z.enum(TREND_INTERVALS).optional(),
  ...range,
  event: text().min(1).max(200).optional().describe('events, active_customers: only this event'),
  kind: text().min(1).max(50).optional().describe('transaction_amount: only this transaction kind'),
  breakdown: text()
    .regex(
      /^(tag:[a-z][a-z0-9_]{0,62}|attribute:[A-Za-z0-9_]{1,100}|segment:[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,19})$/,
      'expected tag:<key>, attribute:<name> or segment:<id>[,<id>…]',
    )
    .optional(),
  top: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe('groups kept (default 5); the rest are other'),
  ...population,
});

const breakdown = z.union([
  z.object({ kind: z.literal('tag'), key: z.string() }),
  z.object({ kind: z.literal('attribute'), name: z.string() }),
  z.object({ kind: z.literal('segment'), ids: z.array(z.string()) }),
]);

export const trend = z.object({
  metric: z.enum(TREND_METRICS),
  interval: z.enum(TREND_INTERVALS),
  from: z.string(),
  to: z.string(),
  timeZone,
  event: z.string().nullable(),
  kind: z.string().nullable(),
  breakdown: breakdown.nullable(),
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
