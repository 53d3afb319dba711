import { z } from 'zod';
import { Bilingual } from '../../contracts/common.ts';
import { PRODUCT_ROLES } from '../../contracts/product.ts';
import { METRIC_KEYS, planBodySchema, POPULATIONS, reviewSchema, SUBJECT_KINDS } from '../../ogsm/model.ts';
import { daySchema } from '../../shared/day.ts';
import { rowId } from '../http.ts';
import { comparison } from './analytics-experiments-schemas.ts';

// Request and response shapes of the OGSM routes (ogsm.ts) and the scenes analysis. The plan is the domain's own
// schema (src/ogsm/model.ts), registered as the `OgsmPlan` component; what it cannot say (a metric the subject's kind
// lacks, a population the metric does not count) is a 400 validation_failed with each problem's path and code.

export const OgsmPlan = planBodySchema.meta({ id: 'OgsmPlan' });
export const OgsmReview = reviewSchema.meta({ id: 'OgsmReview' });

const kind = z.enum(SUBJECT_KINDS).describe('campaign, journey or offline activity');
export const subjectParams = z.object({ kind, id: rowId });
export const listQuery = z.object({ kind: kind.optional() });

const metric = z.enum(METRIC_KEYS);
const unit = z.enum(['customers', 'ratio', 'CNY']);
const interval = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });
const measured = {
  value: z.number().nullable(),
  valueReason: z.string().nullable(),
  attainment: z.number().nullable().describe('value / target × 100'),
  lift: comparison
    .nullable()
    .describe('against the control group, where the metric and the subject have one'),
  liftReason: z.string().nullable(),
  window: z
    .object({ from: z.string(), until: z.string(), open: z.boolean() })
    .nullable()
    .describe("from the subject's start for windowDays, cut at now while open"),
  eventsThrough: z.string().nullable(),
  unit,
  definition: Bilingual,
};
const subject = z.object({ kind, id: z.number().int(), name: z.string() });

export const saved = z.object({ version: z.number().int() });

export const planView = z.object({
  subject,
  version: z.number().int(),
  objective: z.string(),
  goals: z.array(
    z.object({
      id: z.string(),
      metric,
      target: z.number(),
      windowDays: z.number().int(),
      population: z.enum(POPULATIONS),
      category: z.string().optional(),
      text: z.string().optional(),
      ...measured,
    }),
  ),
  strategies: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      score: z.number().int().nullable(),
      note: z.string().nullable(),
    }),
  ),
  measures: z.array(z.object({ metric, windowDays: z.number().int(), ...measured })),
  lesson: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  updatedBy: z.string(),
  updatedAt: z.string(),
  freshness: z.object({ eventsThrough: z.string().nullable(), computedAt: z.string() }),
});

/** A subject that exists and has no plan yet: 200 with `plan: null`, so a page asking is no failed request. */
export const noPlan = z.object({ subject, plan: z.null().describe('no plan yet') });

/** The plan measured now, or the subject without one. */
export const subjectPlan = z.union([planView, noPlan]);

export const attainmentList = z.object({
  items: z.array(
    z.object({
      subject,
      objective: z.string(),
      version: z.number().int(),
      reviewed: z.boolean(),
      goals: z.array(
        z.object({
          id: z.string(),
          metric,
          target: z.number(),
          value: z.number().nullable(),
          attainment: z.number().nullable(),
          lift: interval.nullable().describe('absolute lift against control with its 95% interval'),
        }),
      ),
      attained: z.number().int().describe('goals at or over 100%'),
      updatedAt: z.string(),
    }),
  ),
});

export const scenesQuery = z
  .object({
    from: daySchema.optional().describe('first business day of contacts; default 90 days before to'),
    to: daySchema.optional().describe('last business day of contacts; default today'),
    days: z.coerce
      .number()
      .int()
      .min(1)
      .max(90)
      .default(30)
      .describe('days after the contact the stage is read'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: 'from is after to' });

const stageMoves = z.object({
  customers: z.number().int(),
  measured: z.number().int(),
  advanced: z.number().int(),
  share: z.number().nullable(),
});

export const scenes = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number().int(),
  groups: z.array(
    z.object({
      source: z.enum(['campaign', 'journey', 'activity']),
      scene: z.string(),
      role: z.enum([...PRODUCT_ROLES, 'none']),
      subjects: z.number().int(),
      contacts: z.number().int(),
      treated: stageMoves,
      moves: z.array(
        z.object({ from: z.string(), to: z.string(), customers: z.number().int(), share: z.number() }),
      ),
      control: stageMoves.nullable(),
      lift: comparison.nullable(),
      liftReason: z.string().nullable(),
    }),
  ),
  stages: z.array(z.string()),
  definitions: z.record(z.string(), Bilingual),
  freshness: z.object({ snapshotsThrough: z.string().nullable(), computedAt: z.string() }),
});
