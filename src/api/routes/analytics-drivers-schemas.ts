import { z } from 'zod';
import { text } from '../../shared/text.ts';
import { asOfDay, rule } from './segment-schemas.ts';

// Request and response shapes of the drivers ("key factors") routes (analytics-drivers.ts). Rules are checked by the
// segment service (problems reported with their JSON path); zod fixes the envelope. Definitions: src/analytics/README.md.

const bilingual = z.object({ en: z.string(), zh: z.string() });
const share = z.number().describe('0..1');

export const driversOptions = {
  features: z
    .array(text().min(1).max(256))
    .min(1)
    .max(200)
    .optional()
    .describe('attribute names or tag keys (attr:<name>, tag:<key>); default every tag and attribute'),
  bins: z.coerce
    .number()
    .int()
    .min(2)
    .max(20)
    .optional()
    .describe('quantile bins of numeric attributes (default 5)'),
  holdoutPercent: z.coerce
    .number()
    .int()
    .min(10)
    .max(50)
    .optional()
    .describe('share of the population held out for the AUC (default 30)'),
  minShare: z.coerce
    .number()
    .min(0)
    .max(0.2)
    .optional()
    .describe('values held by less than this share are pooled into "(other)" (default 0.01)'),
  maxFeatures: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .optional()
    .describe('most features in the regression, by information value (default 12)'),
  asOf: asOfDay,
};

export const driversInput = z.object({
  outcome: rule.describe(
    'customers matching this segment rule have the outcome (1), the rest of the population 0',
  ),
  population: rule
    .optional()
    .describe('a segment rule ({"segment": "<id>"} for a saved segment); default every customer'),
  ...driversOptions,
});

export const keyFactorsQuery = z.object({
  outcome: text().min(2).max(20_000).describe('the outcome rule as JSON text'),
  ...driversOptions,
  features: text().max(10_000).optional().describe('comma-separated attribute names or tag keys'),
});

const level = z.object({
  value: z.string(),
  label: bilingual.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  customers: z.number().int(),
  positives: z.number().int(),
  rate: share,
  lift: z.number(),
  woe: z.number(),
  iv: z.number(),
  share,
});

const feature = z.object({
  id: z.string(),
  source: z.enum(['attribute', 'tag']),
  name: z.string(),
  title: bilingual.optional(),
  kind: z.enum(['tag', 'categorical', 'boolean', 'discrete', 'binned']),
  multiValued: z.boolean(),
  iv: z.number(),
  levels: z.array(level),
  top: z.object({ value: z.string(), lift: z.number(), rate: share, customers: z.number().int() }),
});

const coefficient = z.object({
  term: z.string(),
  feature: z.string().nullable(),
  kind: z.enum(['intercept', 'level', 'zscore', 'missing']),
  level: z.string().optional(),
  reference: z.string().optional(),
  mean: z.number().optional(),
  sd: z.number().optional(),
  estimate: z.number(),
  stdError: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  z: z.number(),
  pValue: z.number(),
  oddsRatio: z.number(),
  orLow: z.number(),
  orHigh: z.number(),
});

const regression = z.union([
  z.object({
    status: z.literal('fitted'),
    features: z.array(z.string()),
    coefficients: z.array(coefficient),
    auc: z.object({ training: z.number().nullable(), holdout: z.number().nullable() }),
    trainingCustomers: z.number().int(),
    holdoutCustomers: z.number().int(),
    fittedRows: z.number().int(),
    scoredHoldoutRows: z.number().int(),
    iterations: z.number().int(),
    converged: z.boolean(),
    ridge: z.number(),
    holdoutPercent: z.number(),
  }),
  z.object({ status: z.literal('not_enough_data'), reason: z.string() }),
]);

export const driversAnalysis = z.object({
  asOf: z.string(),
  tagsAsOf: z.string().nullable(),
  dataReadAt: z.string().describe('when the customer data analysed was read from the store (ISO instant)'),
  definition: z.object({
    outcome: z.unknown(),
    population: z.unknown(),
    bins: z.number().int(),
    minShare: z.number(),
    holdoutPercent: z.number(),
  }),
  population: z.object({ customers: z.number().int(), positives: z.number().int(), rate: share }),
  features: z.array(feature),
  excluded: z.array(z.object({ id: z.string(), reason: z.enum(['outcome', 'constant']) })),
  regression,
  elapsedMs: z.number(),
  timings: z.object({ featuresMs: z.number(), regressionMs: z.number() }),
});
