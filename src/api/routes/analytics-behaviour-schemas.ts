import { z } from 'zod';
import { Bilingual as bilingual } from '../../contracts/common.ts';

// Response shapes of the behaviour analyses (analytics-behaviour.ts). The request bodies are the domain's own
// definition schemas (src/analytics/funnels/definition.ts, src/analytics/retention/definition.ts), which the CLI's
// --definition files go through as well.

const rate = z
  .number()
  .nullable()
  .describe('0..1; null when the denominator is 0 or the period has not started');
/** The zone every day of an answer is a business day in (FLYWHEEL_TIMEZONE). */
export const timeZone = z
  .string()
  .describe(
    "the bank's time zone (IANA, FLYWHEEL_TIMEZONE): every day of the answer is a business day cut in it",
  );

export const freshness = z.object({
  latestEventTime: z.string().nullable().describe('latest event time in the event store (ISO, UTC)'),
  latestReceivedAt: z.string().nullable().describe('when the latest event arrived'),
  latestTransactionTime: z.string().nullable().optional(),
});

const funnelStep = z.object({
  step: z.number().int(),
  event: z.string(),
  customers: z.number().int(),
  conversionFromPrevious: rate,
  conversionFromFirst: rate,
  medianSecondsFromPrevious: z.number().nullable(),
});
const funnelGroup = z.object({
  key: z.string().nullable().describe('null: the overall funnel, or a first-step event without the property'),
  label: bilingual.nullable(),
  steps: z.array(funnelStep),
});

export const funnelResult = z.object({
  definition: z.unknown(),
  timeZone,
  window: z.object({ from: z.string(), to: z.string(), conversionSeconds: z.number() }),
  overall: funnelGroup,
  breakdown: z
    .object({ by: z.string(), groups: z.array(funnelGroup), omittedGroups: z.number().int() })
    .nullable(),
  freshness,
  notEnoughData: z.string().nullable(),
  elapsedMs: z.number(),
});

const retentionTable = z.object({
  cohorts: z.array(
    z.object({
      cohort: z.string().describe("first day of the cohort's period"),
      size: z.number().int(),
      retained: z.array(z.number().int().nullable()),
      rates: z.array(rate),
    }),
  ),
  average: z.array(rate),
});

export const retentionResult = z.object({
  definition: z.unknown(),
  timeZone,
  window: z.object({ from: z.string(), to: z.string(), observedUntil: z.string().nullable() }),
  overall: retentionTable,
  breakdown: z
    .object({
      by: z.string(),
      groups: z.array(retentionTable.extend({ key: z.string(), label: bilingual.nullable() })),
      omittedGroups: z.number().int(),
    })
    .nullable(),
  freshness,
  notEnoughData: z.string().nullable(),
  elapsedMs: z.number(),
});

const churnPoint = z.object({
  period: z.string(),
  periodEnd: z.string(),
  complete: z.boolean(),
  enoughHistory: z
    .boolean()
    .describe('false when the D days before the period reach back before the earliest data: no rate'),
  atRisk: z.number().int(),
  churned: z.number().int().nullable(),
  churnRate: rate,
});

export const churnResult = z.object({
  definition: z.unknown(),
  timeZone,
  window: z.object({ from: z.string(), to: z.string(), observedUntil: z.string().nullable() }),
  trend: z.array(churnPoint),
  breakdown: z
    .object({
      by: z.string(),
      groups: z.array(z.object({ key: z.string(), label: bilingual.nullable(), trend: z.array(churnPoint) })),
      omittedGroups: z.number().int(),
    })
    .nullable(),
  freshness,
  notEnoughData: z.string().nullable(),
  elapsedMs: z.number(),
});

export const eventNames = z.object({
  events: z.array(z.object({ name: z.string(), properties: z.array(z.string()) })),
  freshness,
});
