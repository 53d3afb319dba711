import { z } from 'zod';
import { EXPERIMENT_ID } from '../../analytics/experiments/model.ts';
import { daySchema } from '../../shared/day.ts';
import { jsonObject, text } from '../../shared/text.ts';
import { importCounts, rowRejection } from './import-schemas.ts';
import { Population } from '../../contracts/population.ts';
import { RuleSchema } from '../../contracts/rule.ts';

// Request and response shapes of the experiment routes (analytics-experiments.ts). A null figure always travels with
// its reason (`<field>Reason` or the object's `reason`): see src/analytics/experiments/lift.ts.

export const experimentId = z.object({
  id: text().regex(EXPERIMENT_ID, 'id: 1-64 letters, digits, _ or -'),
});

export const experimentItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  control: z.string(),
  metrics: z.array(z.object({ name: z.string(), kind: z.enum(['binary', 'numeric']) })),
  allocation: z.record(z.string(), z.number()).nullable().describe('expected weight per arm; null: equal'),
  arms: z.array(z.object({ arm: z.string(), units: z.number().int() })),
  units: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  dataChangedAt: z.string().describe('when an import last changed the definition or any unit'),
});

const interval = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });

const armSummary = z.object({
  arm: z.string(),
  control: z.boolean(),
  units: z.number().int(),
  n: z.number().int().describe('units with a value of this metric'),
  conversions: z.number().optional().describe('binary metrics: units with value 1'),
  mean: z.number().nullable().describe('binary: the rate; numeric: the mean'),
  sd: z.number().nullable().describe('sample standard deviation'),
  reason: z.string().nullable(),
});

export const comparison = z.object({
  arm: z.string(),
  control: z.string(),
  absolute: interval.nullable().describe('treatment − control with its confidence interval'),
  absoluteReason: z.string().nullable(),
  relative: interval.nullable().describe('treatment / control − 1 with its confidence interval'),
  relativeReason: z.string().nullable(),
  standardError: z.number().nullable(),
  standardErrorReason: z.string().nullable(),
  test: z.object({
    kind: z.enum(['z', 'welch_t']).describe('z: Wald z test of two proportions; welch_t: Welch t test'),
    statistic: z.number().nullable(),
    df: z.number().nullable().optional().describe('Welch–Satterthwaite degrees of freedom (welch_t only)'),
    pValue: z.number().nullable().describe('two-sided'),
    significant: z.boolean().nullable(),
    reason: z.string().nullable(),
  }),
  mde: z
    .object({ absolute: z.number(), relative: z.number().nullable(), relativeReason: z.string().nullable() })
    .nullable()
    .describe('minimum detectable effect at the analysis power and α'),
  mdeReason: z.string().nullable(),
  power: z.number().nullable().describe('power to detect the observed lift at α'),
  powerReason: z.string().nullable(),
});

const metricLift = z.object({
  metric: z.string(),
  kind: z.enum(['binary', 'numeric']),
  arms: z.array(armSummary),
  comparisons: z.array(comparison),
});

export const liftAnalysis = z.object({
  experiment: experimentItem,
  control: z.string(),
  confidence: z.number(),
  alpha: z.number(),
  power: z.number(),
  srm: z
    .object({
      chiSquare: z.number(),
      df: z.number().int(),
      pValue: z.number(),
      flagged: z.boolean(),
      threshold: z.number(),
      arms: z.array(
        z.object({
          arm: z.string(),
          units: z.number().int(),
          expectedShare: z.number(),
          expectedUnits: z.number(),
        }),
      ),
    })
    .nullable(),
  srmReason: z.string().nullable(),
  metrics: z.array(metricLift),
  dataChangedAt: z.string(),
  elapsedMs: z.number(),
});

export const liftQuery = z.object({
  metric: text().min(1).max(63).optional().describe('one metric (default: all)'),
  confidence: z.coerce.number().gt(0.5).lt(1).default(0.95).describe('confidence level of the intervals'),
  control: text()
    .min(1)
    .max(100)
    .optional()
    .describe("compare against this arm instead of the experiment's control"),
});

const overrides = {
  experimentId: text().regex(EXPERIMENT_ID).optional().describe('overrides the mapping\'s "experiment.id"'),
  experimentName: text().min(1).max(200).optional().describe('overrides "experiment.name"'),
  control: text().min(1).max(100).optional().describe('overrides "experiment.control"'),
};

export const uploadBody = z.union([
  z.object({
    // Not text(): the import refuses a row with NUL where it is (row, line), rather than the whole file.
    csv: z.string().min(1).describe('the CSV file (header line first)'),
    mapping: jsonObject().describe('the mapping, with its "experiment" section (examples/hillstrom)'),
    allowPartial: z.boolean().optional().describe('commit the valid rows even when some are rejected'),
    ...overrides,
  }),
  z.string().describe('text/csv: the file itself; the mapping goes in the query string'),
]);

export const uploadQuery = z.object({
  mapping: text().optional().describe('text/csv uploads: the mapping JSON'),
  allowPartial: z.enum(['true', 'false']).optional(),
  ...overrides,
});

export const importResult = z.object({
  runId: z.number().int(),
  ...importCounts,
  experiment: z.object({ id: z.string(), definition: z.enum(['created', 'updated', 'unchanged']) }),
  firstErrors: z.array(rowRejection).describe('the first rejected rows (row, line, field, reason, value)'),
});

export const groupLiftBody = z.object({
  /** The treated customers. */
  treatment: Population,
  /** The comparison customers (customers in both groups are left out of both). */
  control: Population,
  outcome: z
    .union([z.object({ attribute: text().min(1).max(100) }), z.object({ rule: RuleSchema })])
    .describe(
      '{ rule }: binary outcome (share of each group in the rule); { attribute }: mean of a numeric attribute',
    ),
  asOf: daySchema.optional().describe('business day of the segment index (default today)'),
  confidence: z.number().gt(0.5).lt(1).optional().describe('confidence level (default 0.95)'),
});

export const groupLift = z.object({
  asOf: z.string(),
  outcome: z.union([
    z.object({ kind: z.literal('rule') }),
    z.object({ kind: z.literal('attribute'), attribute: z.string() }),
  ]),
  groups: z.object({ treatment: z.number().int(), control: z.number().int(), overlap: z.number().int() }),
  confidence: z.number(),
  alpha: z.number(),
  power: z.number(),
  lift: metricLift.describe(
    'arms "control" and "treatment"; an association between groups, not a randomised effect',
  ),
  elapsedMs: z.number(),
});
