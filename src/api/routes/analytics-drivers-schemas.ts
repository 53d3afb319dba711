import { z } from 'zod';
import { Bilingual as bilingual } from '../../contracts/common.ts';
import { Population } from '../../contracts/population.ts';
import { RuleSchema } from '../../contracts/rule.ts';
import { text } from '../../shared/text.ts';
import { asOfDay } from './segment-schemas.ts';

// Request and response shapes of the drivers ("key factors") route (analytics-drivers.ts): the outcome is a Rule and
// the population a Population (src/contracts), checked against the catalogue by the segment service (problems
// reported with their JSON path). Definitions: src/analytics/README.md.

const share = z.number().describe('0..1');

const driversOptions = {
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
  /** Customers matching this rule have the outcome (1), the rest of the population 0. */
  outcome: RuleSchema,
  /** Default: every customer. */
  population: Population.optional(),
  ...driversOptions,
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
    outcome: z.unknown().describe('the outcome rule'),
    population: z
      .unknown()
      .describe('the population as a rule ({"segment": id} for a saved segment); null: all'),
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
