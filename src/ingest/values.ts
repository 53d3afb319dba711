import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BusinessCalendar } from '../shared/clock.ts';
import { unstorableText } from '../shared/text.ts';

// Value parsers shared by file imports and the ingest API. Each accepts what a CSV cell (a string) or a JSON value
// may carry and yields the stored form, or fails with a short reason that ends up in the error file.

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * A field schema: parses one raw value (never null/empty: the caller handles those) into its stored form. The plain
 * parse function rides along on the schema, so the bulk import path can call it without zod's per-object overhead.
 */
function parser<T>(parse: (value: unknown) => T | Failure) {
  const schema = z.unknown().transform((value, ctx) => {
    const out = parse(value);
    if (out instanceof Failure) {
      ctx.addIssue({ code: 'custom', message: out.reason });
      return z.NEVER;
    }
    return out;
  });
  PARSE_FNS.set(schema, parse);
  return schema;
}

const PARSE_FNS = new WeakMap<z.ZodType, (value: unknown) => unknown>();

/** The plain parse function behind a field schema built here (unwrapping nullable/optional). */
export function parseFnOf(schema: z.ZodType): ((value: unknown) => unknown) | undefined {
  let s: z.ZodType = schema;
  // nullable()/optional() wrap the inner schema; walk down to the one `parser` registered.
  for (let depth = 0; depth < 4 && !PARSE_FNS.has(s); depth++) {
    const inner = (s as unknown as { unwrap?: () => z.ZodType }).unwrap?.();
    if (!inner) break;
    s = inner;
  }
  return PARSE_FNS.get(s);
}

/** Why a value did not parse. */
export class Failure {
  constructor(readonly reason: string) {}
}

/** Parses a decimal number from a number or a plain decimal string (no thousands separators). */
export function toNumber(value: unknown): number | Failure {
  if (typeof value === 'number') return Number.isFinite(value) ? value : new Failure('not a finite number');
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  return new Failure('not a number');
}

/** Parses a whole number. */
export function toInteger(value: unknown): number | Failure {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? value : new Failure('not a whole number');
  if (typeof value === 'string' && INTEGER.test(value.trim())) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  return new Failure('not a whole number');
}

const TRUE = new Set(['true', 't', '1', 'yes', 'y']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n']);

/** Parses true/false, 1/0, yes/no, y/n, t/f (any case). */
export function toBoolean(value: unknown): boolean | Failure {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
  }
  return new Failure('not a boolean (true/false, 1/0, yes/no)');
}

/** Date layouts a mapping can name with `convert: "date:<layout>"`. */
export const DATE_LAYOUTS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'YYYYMMDD'] as const;
export type DateLayout = (typeof DATE_LAYOUTS)[number];

const LAYOUT_PATTERNS: Record<DateLayout, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{2})-(\d{2})$/, y: 1, m: 2, d: 3 },
  'DD/MM/YYYY': { re: /^(\d{2})\/(\d{2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parses a calendar date in one layout into 'YYYY-MM-DD', refusing impossible days such as 2024-02-30. */
export function toDate(value: unknown, layout: DateLayout = 'YYYY-MM-DD'): string | Failure {
  if (layout === 'YYYY-MM-DD' && typeof value === 'string' && value.length === 10) {
    // Fast path for the common layout (hot in bulk imports): digits checked by char code, no RegExp or Date.
    const d = (i: number) => value.charCodeAt(i) - 48;
    let digits = true;
    for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (d(i) < 0 || d(i) > 9) digits = false;
    if (digits && value[4] === '-' && value[7] === '-') {
      const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
      const m = d(5) * 10 + d(6);
      const day = d(8) * 10 + d(9);
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      const max = m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0);
      if (y >= 1000 && m >= 1 && m <= 12 && day >= 1 && day <= max) return value;
      return new Failure(`not a valid calendar date (${layout})`);
    }
  }
  const text = typeof value === 'number' && layout === 'YYYYMMDD' ? String(value) : value;
  const p = LAYOUT_PATTERNS[layout];
  const m = typeof text === 'string' ? p.re.exec(text.trim()) : null;
  if (!m) return new Failure(`not a date (${layout})`);
  const y = Number(m[p.y]);
  const mo = Number(m[p.m]);
  const d = Number(m[p.d]);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1000 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return new Failure(`not a valid calendar date (${layout})`);
  }
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
// Plausible range for event times: rejects seconds given where milliseconds are expected (1970 dates) and typos.
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);

/**
 * Parses an instant into ms since the epoch: a millisecond epoch (number or digits), or ISO 8601 / 'YYYY-MM-DD hh:mm:ss'
 * (UTC unless an offset is given). A bare day 'YYYY-MM-DD' names no instant: it is the start of that business day, the
 * bank's midnight in `calendar`'s zone (UTC midnight without one). Times before 2000 or after 2100 are refused as
 * likely unit mistakes.
 */
export function toTimestamp(value: unknown, calendar?: BusinessCalendar): number | Failure {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d{12,14}$/.test(value.trim())) ms = Number(value.trim());
  else if (typeof value === 'string') {
    const m = ISO_TIME.exec(value.trim());
    if (!m) return new Failure('not a time (ms epoch or ISO 8601)');
    const day = toDate(`${m[1]}-${m[2]}-${m[3]}`);
    if (day instanceof Failure) return new Failure('not a valid calendar date');
    const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (h > 23 || mi > 59 || s > 59) return new Failure('not a valid time of day');
    if (calendar !== undefined && m[4] === undefined && m[8] === undefined) {
      // Otherwise a day given to a bank west of UTC would land on the business day before.
      const start = calendar.startOf(day).getTime();
      return start < MIN_TIME || start >= MAX_TIME
        ? new Failure('time outside 2000–2099 (seconds given instead of milliseconds?)')
        : start;
    }
    ms = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      h,
      mi,
      s,
      Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)),
    );
    const zone = m[8];
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
  } else return new Failure('not a time (ms epoch or ISO 8601)');
  if (!Number.isFinite(ms) || !Number.isInteger(ms)) return new Failure('not a whole millisecond epoch');
  if (ms < MIN_TIME || ms >= MAX_TIME)
    return new Failure('time outside 2000–2099 (seconds given instead of milliseconds?)');
  return ms;
}

/** Parses a JSON object (an object, or its JSON text). */
export function toObject(value: unknown): Record<string, unknown> | Failure {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return new Failure('not a JSON object');
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return new Failure('not a JSON object');
  return v as Record<string, unknown>;
}

/** Text: strings as given, numbers and booleans as their text; at most `max` characters. */
export function toText(value: unknown, max: number): string | Failure {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : null;
  if (text === null) return new Failure('not text');
  const unstorable = unstorableText(text);
  if (unstorable !== undefined) return new Failure(unstorable);
  if (text.length > max) return new Failure(`longer than ${max} characters`);
  return text;
}

/** Schema of a text field. */
export const text = (max = 200) => parser((v) => toText(v, max));
/** Schema of a required, non-blank identifier (natural keys). */
export const key = (max = 64) =>
  parser((v) => {
    const t = toText(v, max);
    if (t instanceof Failure) return t;
    return t.trim() === '' ? new Failure('is blank') : t.trim();
  });
// Money columns are numeric(18, 2) / Decimal(18, 2): at most 16 digits before the point.
const MAX_MONEY = 1e16;

/** Schema of a money field (may be negative). */
export const decimal = () =>
  parser((v) => {
    const n = toNumber(v);
    return n instanceof Failure || Math.abs(n) < MAX_MONEY
      ? n
      : new Failure('too large (at most 16 digits before the point)');
  });
/** Schema of a non-negative amount of money. */
export const amount = () =>
  parser((v) => {
    const n = toNumber(v);
    if (n instanceof Failure) return n;
    if (n < 0) return new Failure('negative amount');
    return n < MAX_MONEY ? n : new Failure('too large (at most 16 digits before the point)');
  });
/** Schema of an integer in [min, max]. */
export const integer = (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
  parser((v) => {
    const n = toInteger(v);
    return n instanceof Failure || (n >= min && n <= max) ? n : new Failure(`not between ${min} and ${max}`);
  });
/** Schema of a 'YYYY-MM-DD' date field. */
export const date = () => parser((v) => toDate(v));
/** Schema of an instant, stored as ms epoch. */
export const timestamp = () => parser(toTimestamp);
/** Schema of a boolean field. */
export const bool = () => parser(toBoolean);
/** Schema of a JSON-object field. */
export const object = () => parser(toObject);
/** Schema of a closed set of values, compared after trimming. */
export const oneOf = <const T extends readonly string[]>(values: T) =>
  parser((v): T[number] | Failure => {
    const t = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null;
    return t !== null && values.includes(t)
      ? (t as T[number])
      : new Failure(`not one of ${values.join(', ')}`);
  });

/** Value conversions a mapping column can name. */
export const CONVERSIONS = [
  'number',
  'integer',
  'boolean',
  'upper',
  'lower',
  'trim',
  'md5',
  'sha256',
  ...DATE_LAYOUTS.map((l) => `date:${l}` as const),
] as const;
export type Conversion = (typeof CONVERSIONS)[number];

/** Applies a mapping's `convert` to a raw value before the target field parses it. */
export function convert(value: unknown, how: Conversion): unknown {
  switch (how) {
    case 'number':
      return toNumber(value);
    case 'integer':
      return toInteger(value);
    case 'boolean':
      return toBoolean(value);
    case 'upper':
      return typeof value === 'string' ? value.toUpperCase() : value;
    case 'lower':
      return typeof value === 'string' ? value.toLowerCase() : value;
    case 'trim':
      return typeof value === 'string' ? value.trim() : value;
    case 'md5':
    case 'sha256':
      // Device ids and phones are matched by hash (RTA, identity resolution); normalise case and spaces first.
      return createHash(how).update(String(value).trim().toLowerCase()).digest('hex');
    default:
      return toDate(value, how.slice(5) as DateLayout);
  }
}
