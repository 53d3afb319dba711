import { z } from 'zod';
import { Population } from '../contracts/population.ts';
import { kindSchemas, RuleSchema } from '../contracts/rule.ts';
import { channelKeySchema } from '../campaigns/model.ts';
import { purposeSchema } from '../campaigns/policy/settings.ts';
import { scheduleSchema } from '../campaigns/schedule.ts';
import { HOLDING_REMINDER_KINDS } from '../pool/reminders.ts';
import { LIFECYCLE_STAGES } from '../tags/labels.ts';
import { text } from '../shared/text.ts';

// A journey version as its author saves it: how customers enter, the graph they move through (nodes joined by edges
// leaving named exits), whether they may enter again, the control group held out, and the goal that ends the journey
// for a customer wherever they are. One schema is the type; what the schema cannot say (the graph's shape, content
// approved, events known) is src/journeys/validate.ts.

/** A node id: short, stable, used in idempotency keys and step logs. */
export const nodeIdSchema = text().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a node id such as send_1');
const name = text().min(1).max(128);
const where = kindSchemas(RuleSchema).event.shape.where;

/** A span of time; at least one part. */
export const durationSchema = z
  .strictObject({
    days: z.int().min(0).max(365).optional(),
    hours: z
      .int()
      .min(0)
      .max(23 * 365)
      .optional(),
    minutes: z
      .int()
      .min(0)
      .max(59 * 365)
      .optional(),
  })
  .refine((d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0, 'a duration longer than zero');
export type Duration = z.infer<typeof durationSchema>;

/** An event with optional property conditions (the rule language's `where`). */
export const eventMatchSchema = z.strictObject({ event: name, where: where.optional() });
export type EventMatch = z.infer<typeof eventMatchSchema>;

/** The dates a journey may start relative to: a holding's due date (the pool's reminder kinds) or a birthday. */
export const DATE_FIELDS = [...HOLDING_REMINDER_KINDS, 'birthday'] as const;
export type DateField = (typeof DATE_FIELDS)[number];

export const entrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('event'), ...eventMatchSchema.shape }),
  z
    .strictObject({
      kind: z.literal('date'),
      field: z.enum(DATE_FIELDS),
      daysBefore: z.int().min(0).max(90).describe('T−N: enter N days before the date'),
    })
    .describe(
      'deposit maturity T−7, insurance renewal T−30, loan repayment T−3, fund auto-investment T−1, birthday',
    ),
  z.strictObject({ kind: z.literal('segment'), segmentId: name, on: z.enum(['enter', 'leave']) }),
  z.strictObject({
    kind: z.literal('lifecycle'),
    to: z.enum(LIFECYCLE_STAGES),
    from: z.enum(LIFECYCLE_STAGES).optional(),
  }),
  z.strictObject({ kind: z.literal('schedule'), population: Population, schedule: scheduleSchema }),
]);
export type Entry = z.infer<typeof entrySchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a wall-clock time HH:MM');
const armKey = text().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an arm key such as a or high_value');

export const nodeSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      id: nodeIdSchema,
      kind: z.literal('wait'),
      duration: durationSchema.optional(),
      until: hhmm.optional().describe("the next time the bank's wall clock shows this"),
    })
    .refine((n) => (n.duration === undefined) !== (n.until === undefined), 'a duration or an until time'),
  z.strictObject({
    id: nodeIdSchema,
    kind: z.literal('branch'),
    arms: z
      .array(z.strictObject({ key: armKey, rule: RuleSchema }))
      .min(1)
      .max(10)
      .describe('in order: the first arm whose rule holds now; else the exit default'),
  }),
  z.strictObject({
    id: nodeIdSchema,
    kind: z.literal('split'),
    arms: z
      .array(z.strictObject({ key: armKey, share: z.number().min(0).max(100) }))
      .min(2)
      .max(10),
  }),
  z.strictObject({
    id: nodeIdSchema,
    kind: z.literal('send'),
    content: z.strictObject({ id: z.int().positive(), version: z.int().positive() }),
    channels: z.array(channelKeySchema).min(1).max(5).describe('in fallback order'),
    purpose: purposeSchema,
  }),
  z.strictObject({
    id: nodeIdSchema,
    kind: z.literal('task'),
    title: text().min(1).max(200),
    dueDays: z.int().min(0).max(60),
  }),
  z.strictObject({
    id: nodeIdSchema,
    kind: z.literal('tag'),
    action: z.enum(['add', 'remove']),
    tag: name.describe('a manual tag'),
    value: text().min(1).max(64),
  }),
  z.strictObject({
    id: nodeIdSchema,
    kind: z.literal('wait_for_event'),
    ...eventMatchSchema.shape,
    timeout: durationSchema,
  }),
  z.strictObject({ id: nodeIdSchema, kind: z.literal('exit') }),
]);
export type JourneyNode = z.infer<typeof nodeSchema>;
export type NodeKind = JourneyNode['kind'];

export const edgeSchema = z.strictObject({
  from: nodeIdSchema,
  exit: armKey.describe("'next'; a branch's arm or 'default'; a split's arm; 'event' or 'timeout'"),
  to: nodeIdSchema,
});
export type Edge = z.infer<typeof edgeSchema>;

export const reentrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('once') }),
  z.strictObject({ kind: z.literal('afterDays'), days: z.int().min(1).max(3650) }),
  z.strictObject({ kind: z.literal('always') }),
]);
export type Reentry = z.infer<typeof reentrySchema>;

export const journeyBodySchema = z.strictObject({
  entry: entrySchema,
  start: nodeIdSchema.describe('the node entering customers go to first'),
  nodes: z.array(nodeSchema).min(1).max(200),
  edges: z.array(edgeSchema).max(1000),
  reentry: reentrySchema,
  controlPercent: z.number().min(0).max(50).describe('a fixed sample of customers held out of the journey'),
  goal: eventMatchSchema
    .optional()
    .describe('a conversion event: it ends the journey for the customer wherever they are'),
  layout: z
    .record(
      nodeIdSchema,
      z.strictObject({ x: z.number().min(-1e6).max(1e6), y: z.number().min(-1e6).max(1e6) }),
    )
    .refine((l) => Object.keys(l).length <= 200, 'at most 200 node positions')
    .optional()
    .describe('where the canvas draws each node (the engine ignores it)'),
});
/** A journey version's body. */
export type JourneyBody = z.infer<typeof journeyBodySchema>;

export { exitsOf } from './exits.ts';

/** The experiment of a split node's first arms and shares (later allocations: split-experiments.ts). */
export const splitExperimentId = (journeyId: number, nodeId: string) => `journey-${journeyId}-${nodeId}`;

/** Milliseconds of a duration. */
export function durationMs(d: Duration): number {
  return (((d.days ?? 0) * 24 + (d.hours ?? 0)) * 60 + (d.minutes ?? 0)) * 60_000;
}
