import { z } from 'zod';
// The product categories of the rule grammar's `holds` (core banking's `products.category`).
import { PRODUCT_CATEGORIES } from '../contracts/rule.ts';
import { text } from '../shared/text.ts';

// An OGSM plan (Objective, Goals, Strategies, Measures) as its author saves it: one zod schema is the type. What the
// schema cannot say — a metric the subject's kind has, a population the metric allows, a parameter it needs — is
// checked against the metric registry (metrics.ts) with located problems (service.ts).

/** What a plan is about: a campaign, a journey, or an offline activity (src/activities, wired after it merges). */
export const SUBJECT_KINDS = ['campaign', 'journey', 'activity'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** A plan's subject. */
export interface Subject {
  readonly kind: SubjectKind;
  readonly id: number;
}

/**
 * The metrics a goal or a measure may name (which ones a kind has is its adapter's: subjects.ts; `leads` and
 * `attendees` are an activity's).
 */
export const METRIC_KEYS = [
  'conversions',
  'conversion_rate',
  'reached',
  'new_buyers',
  'aum_change',
  'leads',
  'attendees',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** Whom a goal counts: the customers the subject treated, an activity's attendees, or the whole group (treated). */
export const POPULATIONS = ['treated', 'attendees', 'group'] as const;
export type GoalPopulation = (typeof POPULATIONS)[number];

/** Most days a goal's window may span. */
export const MAX_WINDOW_DAYS = 365;

const id = text()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'an id such as g1 or fund-buyers')
  .describe('stable within the plan: reviews score strategies by it');

export const goalSchema = z.strictObject({
  id,
  metric: z.enum(METRIC_KEYS),
  target: z.number().positive().max(1e15).describe('the value that is 100% attainment, in the metric unit'),
  windowDays: z
    .int()
    .min(1)
    .max(MAX_WINDOW_DAYS)
    .describe("days from the subject's start over which the metric is measured"),
  population: z.enum(POPULATIONS).optional().describe('left out: treated'),
  category: z.enum(PRODUCT_CATEGORIES).optional().describe('the product category, for new_buyers'),
  text: text().max(500).optional().describe('the goal in words, e.g. 200 new fund buyers among attendees'),
});
/** A goal as stored: its population resolved. */
export type Goal = z.infer<typeof goalSchema> & { readonly population: GoalPopulation };

export const strategySchema = z.strictObject({
  id,
  text: text().min(1).max(2000),
  score: z
    .int()
    .min(1)
    .max(5)
    .nullable()
    .optional()
    .describe('1–5, given at the review; left out on an edit: the score the strategy of this id had'),
  note: text().max(2000).nullable().optional(),
});
/** A strategy as stored: its score and note resolved. */
export interface Strategy {
  readonly id: string;
  readonly text: string;
  readonly score: number | null;
  readonly note: string | null;
}

/** The plan an author saves (PUT). */
export const planBodySchema = z.strictObject({
  objective: text().min(1).max(2000),
  goals: z.array(goalSchema).max(20),
  strategies: z.array(strategySchema).max(20),
  measures: z
    .array(z.enum(METRIC_KEYS))
    .max(METRIC_KEYS.length)
    .optional()
    .describe('metrics tracked alongside the goals; left out: none'),
});
/** A plan as its author sends it. */
export type PlanInput = z.infer<typeof planBodySchema>;
/** A plan as stored: populations, strategies and measures resolved. */
export interface PlanBody {
  readonly objective: string;
  readonly goals: Goal[];
  readonly strategies: Strategy[];
  readonly measures: MetricKey[];
}

/** A review: scores of strategies by id, and the lesson. */
export const reviewSchema = z.strictObject({
  scores: z
    .array(
      z.strictObject({
        id,
        score: z.int().min(1).max(5).nullable(),
        note: text().max(2000).nullable().optional(),
      }),
    )
    .max(20)
    .optional(),
  lesson: text().max(10_000).nullable().optional().describe('left out: unchanged'),
});
export type Review = z.infer<typeof reviewSchema>;
