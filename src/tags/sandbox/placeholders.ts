import { timeZoneProblem } from '../../shared/clock.ts';

// The two placeholders an SQL tag's text may hold: `{as_of}`, the business day it is computed for, and `{tz}`, the
// bank's time zone (FLYWHEEL_TIMEZONE) as a string literal, so a tag cuts days as every other part of Flywheel does
// (event store: `toDate(time, {tz})`; operational store: `(at at time zone {tz})::date`). Neither is SQL: while a
// statement is checked they stand in as expressions of the same length, so the engines' error positions stay the
// user's; once it passed, they are bound to literals (a checked day, a checked zone name: no quote can get in).

/** The business day and the zone an SQL tag runs with. */
export interface SqlTagDay {
  readonly asOf: string;
  readonly timeZone: string;
}

const AS_OF = '{as_of}';
const TZ = '{tz}';

/** The text with each placeholder replaced by a same-length stand-in (`asOfStandIn` is 7 characters). */
export function withStandIns(source: string, asOfStandIn: string): string {
  return source.replaceAll(AS_OF, asOfStandIn).replaceAll(TZ, "'tz'");
}

/** Why the day or the zone cannot be bound into a statement, or undefined. */
export function sqlTagDayProblem(day: SqlTagDay): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day.asOf)) return `bad business day ${day.asOf}`;
  return timeZoneProblem(day.timeZone);
}

/** The text with the placeholders bound: the day through `dayLiteral` (the engine's date syntax), the zone quoted. */
export function bindPlaceholders(text: string, day: SqlTagDay, dayLiteral: (asOf: string) => string): string {
  const problem = sqlTagDayProblem(day);
  if (problem !== undefined) throw new RangeError(problem);
  return text.replaceAll(AS_OF, dayLiteral(day.asOf)).replaceAll(TZ, `'${day.timeZone}'`);
}
