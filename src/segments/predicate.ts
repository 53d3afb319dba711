import { calendarDayNumber, parseDay as checkDay, dayOfNumber } from '../shared/day.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { RuleIssueCode } from './parse.ts';
import type { AttrRule, Bounds, EventRule, PropertyPredicate, Scalar } from './rule.ts';

// Turns the leaf conditions of the public rule form into normalized predicates: the one place that decides what
// an op means for each attribute type. The checking pass that validation and compilation share (rule-check.ts) uses
// it, so a rule that validates always compiles. (test/support/segments-reference.ts deliberately does not use it: it is the independent
// oracle.)

export type AttrType = 'number' | 'string' | 'date' | 'boolean';

/** One interval of values; infinite ends are ±Infinity. Dates are day numbers (days since 1970-01-01). */
export interface Interval {
  readonly lo: number;
  readonly loInclusive: boolean;
  readonly hi: number;
  readonly hiInclusive: boolean;
}

/** What an attribute condition selects. Every kind except `isNull` selects only customers with a value. */
export type AttrPredicate =
  | { readonly kind: 'intervals'; readonly intervals: readonly Interval[] }
  | { readonly kind: 'isNull' }
  | { readonly kind: 'notNull' }
  | { readonly kind: 'strings'; readonly values: readonly string[]; readonly negate: boolean }
  | { readonly kind: 'contains'; readonly needle: string }
  | { readonly kind: 'booleans'; readonly values: readonly boolean[] };

/** A problem in one rule object, before it is given the object's path. */
export interface Problem {
  readonly code: RuleIssueCode;
  readonly message: string;
  readonly field?: string;
}

/**
 * Day number (days since 1970-01-01) of a 'YYYY-MM-DD' string, or undefined unless it is a real calendar date. Any
 * calendar year: data such as birth dates predates the business days a request may name (src/shared/day.ts).
 */
export const parseDay: (text: string) => number | undefined = calendarDayNumber;

/** The 'YYYY-MM-DD' string of a day number (calendar arithmetic: no instant, no zone). */
export const formatDay: (day: number) => string = dayOfNumber;

/** The interval that bounds describe, or undefined when they admit no value. */
export function boundsInterval(b: Bounds): Interval | undefined {
  let lo = -Infinity;
  let loInclusive = false;
  let hi = Infinity;
  let hiInclusive = false;
  const raise = (v: number, inclusive: boolean) => {
    if (v > lo || (v === lo && !inclusive)) [lo, loInclusive] = [v, inclusive];
  };
  const lower = (v: number, inclusive: boolean) => {
    if (v < hi || (v === hi && !inclusive)) [hi, hiInclusive] = [v, inclusive];
  };
  if (b.gt !== undefined) raise(b.gt, false);
  if (b.gte !== undefined) raise(b.gte, true);
  if (b.eq !== undefined) {
    raise(b.eq, true);
    lower(b.eq, true);
  }
  if (b.lt !== undefined) lower(b.lt, false);
  if (b.lte !== undefined) lower(b.lte, true);
  const interval = { lo, loInclusive, hi, hiInclusive };
  return intervalIsEmpty(interval) ? undefined : interval;
}

/** True when no number lies in the interval. */
export function intervalIsEmpty(i: Interval): boolean {
  return i.lo > i.hi || (i.lo === i.hi && !(i.loInclusive && i.hiInclusive));
}

/** True when the value lies in the interval. */
export function inInterval(v: number, i: Interval): boolean {
  return (i.loInclusive ? v >= i.lo : v > i.lo) && (i.hiInclusive ? v <= i.hi : v < i.hi);
}

/** A short stable text form of an interval, e.g. `[30,40)`, for cache keys and messages. */
export function intervalText(i: Interval): string {
  return `${i.loInclusive ? '[' : '('}${i.lo},${i.hi}${i.hiInclusive ? ']' : ')'}`;
}

const point = (v: number): Interval => ({ lo: v, loInclusive: true, hi: v, hiInclusive: true });
const ALL: Interval = { lo: -Infinity, loInclusive: false, hi: Infinity, hiInclusive: false };

/** Normalizes an attribute condition for an attribute of the given type, or explains why it does not apply. */
export function attrPredicate(rule: AttrRule, type: AttrType): Result<AttrPredicate, Problem[]> {
  const wrong = (message: string, field = 'value'): Result<never, Problem[]> =>
    err([{ code: 'wrong_type', field, message }]);
  if (rule.op === 'empty') return ok({ kind: rule.value ? 'isNull' : 'notNull' });
  if (rule.op === 'contains') {
    if (type !== 'string')
      return wrong(`contains applies to string attributes; '${rule.attr}' is a ${type}`, 'op');
    return ok({ kind: 'contains', needle: rule.value });
  }
  const values: Scalar[] = rule.op === 'in' || rule.op === 'between' ? rule.value : [rule.value];
  if (type === 'string' || type === 'boolean') {
    if (rule.op !== '=' && rule.op !== '!=' && rule.op !== 'in') {
      return wrong(
        `op '${rule.op}' does not apply to ${type} attribute '${rule.attr}'; use =, !=, in or empty`,
        'op',
      );
    }
    const expected = type === 'string' ? 'string' : 'boolean';
    const bad = values.findIndex((v) => typeof v !== expected);
    if (bad >= 0) {
      const field = rule.op === 'in' ? `value[${bad}]` : 'value';
      return wrong(
        `'${rule.attr}' is a ${type} attribute; ${JSON.stringify(values[bad])} is not a ${expected}`,
        field,
      );
    }
    if (type === 'string')
      return ok({ kind: 'strings', values: [...new Set(values as string[])], negate: rule.op === '!=' });
    const bools = [...new Set(values as boolean[])];
    return ok({ kind: 'booleans', values: rule.op === '!=' ? bools.map((b) => !b) : bools });
  }
  // number and date: every value becomes a number (a day number for dates).
  const nums: number[] = [];
  for (const [i, v] of values.entries()) {
    const field = values.length > 1 || rule.op === 'in' ? `value[${i}]` : 'value';
    if (type === 'number') {
      if (typeof v !== 'number')
        return wrong(`'${rule.attr}' is a number attribute; ${JSON.stringify(v)} is not a number`, field);
      nums.push(v);
    } else {
      const day = typeof v === 'string' ? parseDay(v) : undefined;
      if (day === undefined)
        return wrong(
          `'${rule.attr}' is a date attribute; expected 'YYYY-MM-DD', got ${JSON.stringify(v)}`,
          field,
        );
      nums.push(day);
    }
  }
  const [a = NaN, b = NaN] = nums;
  switch (rule.op) {
    case '=':
      return ok({ kind: 'intervals', intervals: [point(a)] });
    case '!=':
      return ok({
        kind: 'intervals',
        intervals: [
          { lo: -Infinity, loInclusive: false, hi: a, hiInclusive: false },
          { lo: a, loInclusive: false, hi: Infinity, hiInclusive: false },
        ],
      });
    case '<':
    case '<=':
      return ok({ kind: 'intervals', intervals: [{ ...ALL, hi: a, hiInclusive: rule.op === '<=' }] });
    case '>':
    case '>=':
      return ok({ kind: 'intervals', intervals: [{ ...ALL, lo: a, loInclusive: rule.op === '>=' }] });
    case 'between':
      if (a > b) {
        return err([
          {
            code: 'bad_range',
            field: 'value',
            message: `between needs [lo, hi] with lo ≤ hi; got [${String(rule.value[0])}, ${String(rule.value[1])}]`,
          },
        ]);
      }
      return ok({ kind: 'intervals', intervals: [{ lo: a, loInclusive: true, hi: b, hiInclusive: true }] });
    case 'in':
      return ok({ kind: 'intervals', intervals: [...new Set(nums)].sort((x, y) => x - y).map(point) });
  }
}

/** The balance interval of a `holds` condition (everything when no bounds are given). */
export function balanceInterval(balance: Bounds | undefined): Result<Interval, Problem[]> {
  if (!balance) return ok(ALL);
  const interval = boundsInterval(balance);
  return interval
    ? ok(interval)
    : err([{ code: 'bad_range', field: 'balance', message: 'balance bounds admit no value' }]);
}

/**
 * An event condition as the event store is asked it: customers with at least one event named `event` in the
 * inclusive date window (either end open when null) whose properties match `where`, and whose aggregate over those
 * events (`measure`) lies in `having`. Customers without any matching event are never in the answer: the engine adds
 * them itself when `having` admits 0.
 */
export interface EventCondition {
  readonly event: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly where: Readonly<Record<string, PropertyPredicate>>;
  readonly measure: { readonly kind: 'count' } | { readonly kind: 'sum'; readonly property: string };
  readonly having: Interval;
}

/** The event condition of an event rule, with `within_days` turned into dates ending on `today` (inclusive). */
export function eventCondition(rule: EventRule, today: number): Result<EventCondition, Problem[]> {
  const problems: Problem[] = [];
  if (rule.count && rule.sum)
    problems.push({ code: 'invalid_shape', field: 'sum', message: 'use either count or sum, not both' });
  let from: number | undefined;
  let to: number | undefined;
  if (rule.within_days !== undefined) {
    if (rule.from !== undefined || rule.to !== undefined) {
      problems.push({
        code: 'bad_window',
        field: 'within_days',
        message: 'use either within_days or from/to, not both',
      });
    }
    // within_days N = the N calendar days ending today, today included.
    [from, to] = [today - (rule.within_days - 1), today];
  } else {
    for (const key of ['from', 'to'] as const) {
      const text = rule[key];
      if (text === undefined) continue;
      // A window is read from the event store: a business day, in the range it holds.
      const day = checkDay(text);
      if (!day.ok) problems.push({ code: 'bad_window', field: key, message: `${key}: ${day.error}` });
      else if (key === 'from') from = calendarDayNumber(day.value);
      else to = calendarDayNumber(day.value);
    }
    if (from !== undefined && to !== undefined && from > to) {
      problems.push({
        code: 'bad_window',
        field: 'from',
        message: `from (${rule.from}) is after to (${rule.to})`,
      });
    }
  }
  const bounds = rule.sum ?? rule.count ?? { gte: 1 };
  let having = boundsInterval(bounds);
  // A count is never negative: bounds that only admit negative counts select nobody, which is surely a mistake.
  if (having && !rule.sum && (having.hi < 0 || (having.hi === 0 && !having.hiInclusive))) having = undefined;
  if (!having)
    problems.push({
      code: 'bad_range',
      field: rule.sum ? 'sum' : 'count',
      message: `${rule.sum ? 'sum' : 'count'} bounds admit no value`,
    });
  if (problems.length > 0 || !having) return err(problems);
  const where: Record<string, PropertyPredicate> = {};
  for (const [key, value] of Object.entries(rule.where ?? {})) {
    where[key] = typeof value === 'object' ? value : { eq: value };
  }
  return ok({
    event: rule.event,
    from: from === undefined ? null : formatDay(from),
    to: to === undefined ? null : formatDay(to),
    where,
    measure: rule.sum ? { kind: 'sum', property: rule.sum.property } : { kind: 'count' },
    having,
  });
}

/** A stable key of an event condition: equal conditions (whatever their key order) give equal keys. */
export function eventConditionKey(c: EventCondition): string {
  const where = Object.keys(c.where)
    .sort()
    .map((k) => [k, Object.entries(c.where[k] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))]);
  const measure = c.measure.kind === 'sum' ? `sum:${c.measure.property}` : 'count';
  return JSON.stringify([c.event, c.from, c.to, measure, intervalText(c.having), where]);
}
