// Business days in event-store SQL. Times are stored and answered as UTC instants (DateTime64(3, 'UTC'),
// session_timezone = 'UTC'); only the cut of an instant into a day is taken in the bank's time zone
// (FLYWHEEL_TIMEZONE, from the clock). The zone always travels as the bound query parameter {tz:String} — ClickHouse
// takes a bound parameter wherever a time-zone argument goes — and is never spliced into the text.

/** The bound parameter every business-day expression reads the bank's time zone from (`params.tz`). */
export const TZ = '{tz:String}';

/** ClickHouse: the business day (a Date) of a DateTime64 expression. */
export function daySql(expr: string): string {
  return `toDate(${expr}, ${TZ})`;
}

/**
 * ClickHouse: whether a DateTime64 expression falls on the business days [from, to], both ends given as Date or
 * 'YYYY-MM-DD' String expressions. Written as a range of instants (local midnight to the next local midnight, DST
 * included) so that the tables' minmax index on `time` still skips granules.
 */
export function withinDaysSql(expr: string, from: string, to: string): string {
  return `${expr} >= toDateTime64(${from}, 3, ${TZ}) AND ${expr} < toDateTime64(${to}, 3, ${TZ}) + INTERVAL 1 DAY`;
}
