import { WECOM_ERRCODES } from '../port.ts';

// How the simulator's handlers read requests and answer: WeCom's { errcode, errmsg, ... } bodies, opaque cursors,
// and readers for the JSON fields WeCom expects (a wrong shape answers 40058, as WeCom's "invalid parameter").

/** A WeCom answer body. */
export type Answer = { errcode: number; errmsg: string } & Record<string, unknown>;

/** A request as the handlers see it. */
export interface SimRequest {
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
}

/** Success with the answer's fields. */
export const okAnswer = (fields: Record<string, unknown> = {}): Answer => ({
  errcode: 0,
  errmsg: 'ok',
  ...fields,
});

/** An errcode answer. */
export const failAnswer = (errcode: number, errmsg: string): Answer => ({ errcode, errmsg });

/** 40058 with what was wrong. */
export const invalid = (what: string): Answer =>
  failAnswer(WECOM_ERRCODES.invalidParameter, `invalid parameter: ${what}`);

/** An opaque cursor for a position in a listing. */
export function encodeCursor(position: readonly number[]): string {
  return Buffer.from(position.join(':'), 'utf8').toString('base64url');
}

/** The position a cursor names; [] for none, undefined when it is not one of ours. */
export function decodeCursor(cursor: unknown, parts: number): number[] | undefined {
  if (cursor === undefined || cursor === '') return new Array<number>(parts).fill(0);
  if (typeof cursor !== 'string') return undefined;
  const numbers = Buffer.from(cursor, 'base64url').toString('utf8').split(':').map(Number);
  return numbers.length === parts && numbers.every((n) => Number.isInteger(n) && n >= 0)
    ? numbers
    : undefined;
}

/** A string field, or undefined when missing or not a string. */
export function text(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/** A list of strings; [] when missing, undefined when not a list of strings. */
export function texts(body: Record<string, unknown>, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined) return [];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** A whole number in [min, max], `fallback` when missing, undefined when out of range. */
export function wholeNumber(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  fallback: number,
): number | undefined {
  const value = body[key];
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : undefined;
}
