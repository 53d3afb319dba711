import { z } from 'zod';
import { Breakdown, Population } from '../../contracts/population.ts';
import { kindSchemas } from '../../segments/rule.ts';
import { daySchema } from '../../shared/day.ts';
import { text } from '../../shared/text.ts';

// The one schema of an event funnel definition: the API body, the CLI's --definition file and the dashboard's request
// all go through it. Semantics in src/analytics/README.md, "Event funnels".

/** Property conditions of a step, as in segment event conditions: `{"channel":"app","amount":{"gte":100}}`. */
const whereSchema = kindSchemas(z.unknown()).event.shape.where;

export const funnelStepSchema = z.strictObject({
  event: text().min(1).max(256),
  where: whereSchema,
});

const MAX_WINDOW_DAYS = 366;

export const conversionWindowSchema = z.union([
  z.strictObject({ days: z.number().int().min(1).max(MAX_WINDOW_DAYS) }),
  z.strictObject({
    seconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_WINDOW_DAYS * 86_400),
  }),
]);

export const funnelBreakdownSchema = z.union([
  Breakdown,
  z.strictObject({
    by: z.literal('property'),
    property: text().min(1).max(256).describe("a property of the first step's event"),
  }),
]);

export const funnelDefinitionSchema = z
  .strictObject({
    steps: z.array(funnelStepSchema).min(2, 'a funnel has 2 to 8 steps').max(8, 'a funnel has 2 to 8 steps'),
    window: conversionWindowSchema.describe('how long after the first step the last may happen'),
    from: daySchema.describe("first business day (the bank's time zone) on which the first step counts"),
    to: daySchema.describe(
      "last business day (the bank's time zone) on which the first step counts, inclusive",
    ),
    population: Population.optional(),
    breakdown: funnelBreakdownSchema.optional(),
    asOf: daySchema
      .optional()
      .describe('business day of the segment index for population and groups (default today)'),
  })
  .refine((d) => d.from <= d.to, { message: 'from must not be after to', path: ['to'] });

export type FunnelStepDefinition = z.infer<typeof funnelStepSchema>;
export type FunnelDefinition = z.infer<typeof funnelDefinitionSchema>;

/** The conversion window in milliseconds. */
export function windowMs(window: FunnelDefinition['window']): number {
  return 'days' in window ? window.days * 86_400_000 : window.seconds * 1000;
}
