import { z } from 'zod';
import { Breakdown, Population } from '../../contracts/population.ts';
import { kindSchemas } from '../../segments/rule.ts';
import { calendarDayNumber, civilDate, daySchema, dayOfNumber } from '../../shared/day.ts';
import { daySql } from '../../store/events/business-day.ts';
import { CUSTOMER_TRANSACTION_KINDS } from '../../store/events/store.ts';
import { text } from '../../shared/text.ts';

// The schemas of the retention table and of the churn trend (API bodies, CLI --definition files, dashboard requests),
// and the calendar of periods both use: business days of the bank (FLYWHEEL_TIMEZONE), weeks from Monday, calendar
// months. Semantics in src/analytics/README.md, "Retention and churn".

const whereSchema = kindSchemas(z.unknown()).event.shape.where;
const namedEvent = z.strictObject({
  kind: z.literal('event'),
  event: text().min(1).max(256),
  where: whereSchema,
});

export const periodSchema = z.enum(['day', 'week', 'month']);
export type Period = z.infer<typeof periodSchema>;

export const retentionDefinitionSchema = z
  .strictObject({
    start: z
      .discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('any_event') }),
        namedEvent,
        z.strictObject({ kind: z.literal('first_purchase') }),
      ])
      .describe(
        "what puts a customer in a cohort: the first time it happens (first purchase: transactions of kind 'purchase')",
      ),
    return: z
      .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('any_event') }), namedEvent])
      .describe('what counts as coming back in a period'),
    period: periodSchema,
    periods: z.number().int().min(1).max(60).describe('period offsets shown: 0 … periods − 1'),
    from: daySchema.describe('cohorts whose first occurrence is on or after this day'),
    to: daySchema.describe('… and on or before this day'),
    population: Population.optional(),
    breakdown: Breakdown.optional(),
    asOf: daySchema.optional().describe('business day of the segment index for population and groups'),
  })
  .refine((d) => d.from <= d.to, { message: 'from must not be after to', path: ['to'] });
export type RetentionDefinition = z.infer<typeof retentionDefinitionSchema>;

export const churnDefinitionSchema = z
  .strictObject({
    activity: z
      .discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('transaction'),
          kinds: z.array(z.enum(CUSTOMER_TRANSACTION_KINDS)).min(1).optional(),
        }),
        z.strictObject({ kind: z.literal('event'), event: text().min(1).max(256).optional() }),
      ])
      .describe('what keeps a customer active: transactions (customer-initiated kinds by default) or events'),
    days: z.number().int().min(1).max(366).describe('churned = no activity in this many days'),
    period: periodSchema,
    from: daySchema.describe('first period: the one containing this day'),
    to: daySchema.describe('last period: the one containing this day'),
    population: Population.optional(),
    breakdown: Breakdown.optional(),
    asOf: daySchema.optional(),
  })
  .refine((d) => d.from <= d.to, { message: 'from must not be after to', path: ['to'] });
export type ChurnDefinition = z.infer<typeof churnDefinitionSchema>;

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD'. */
export function dayNumber(day: string): number {
  const n = calendarDayNumber(day);
  if (n === undefined) throw new RangeError(`not a calendar day: ${day}`);
  return n;
}

/** 'YYYY-MM-DD' of a day number. */
export const dayText = dayOfNumber;

/** The first day of the period holding `day` (weeks start on Monday, months on the 1st). */
export function periodStart(day: number, period: Period): number {
  if (period === 'day') return day;
  if (period === 'week') return day - ((day + 3) % 7); // 1970-01-01 was a Thursday
  return day - civilDate(day).day + 1;
}

/** The first day of the period `k` periods after the one starting on `start`. */
export function addPeriods(start: number, period: Period, k: number): number {
  if (period === 'day') return start + k;
  if (period === 'week') return start + 7 * k;
  // Calendar arithmetic on day numbers (no instant, no zone): Date.UTC rolls month overflow into years.
  const { year, month } = civilDate(start);
  return Date.UTC(year, month - 1 + k, 1) / 86_400_000;
}

/**
 * ClickHouse: the period start of a DateTime64 expression, as a day number (Int32): its business day in the bank's
 * zone (the bound {tz:String}), then that day's Monday or 1st.
 */
export function periodStartSql(expr: string, period: Period): string {
  const day = daySql(expr);
  const date = period === 'day' ? day : period === 'week' ? `toMonday(${day})` : `toStartOfMonth(${day})`;
  return `toInt32(${date})`;
}

/** ClickHouse: whole periods from the period starting on day `a` to the one starting on day `b` (Int32 day numbers). */
export function periodDiffSql(a: string, b: string, period: Period): string {
  if (period === 'day') return `(${b} - ${a})`;
  if (period === 'week') return `intDiv(${b} - ${a}, 7)`;
  const months = (x: string) => `(toYear(toDate(${x})) * 12 + toMonth(toDate(${x})))`;
  return `(${months(b)} - ${months(a)})`;
}
