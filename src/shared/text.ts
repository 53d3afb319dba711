import { z } from 'zod';

// Text from outside that the operational store must be able to keep. PostgreSQL `text` and `jsonb` cannot hold
// U+0000, and a lone UTF-16 surrogate has no UTF-8 form (the driver would store U+FFFD in its place, or jsonb refuse
// the escape): a value carrying either used to reach the database and come back as a 500. Every string the API takes
// goes through `text()`, and every free-form JSON value it stores through `jsonValue()`, so such input is refused
// with the field that carries it — and JSON nesting is bounded, since serialising 10,000 levels overflows the stack.

// A lone surrogate is a `\p{Cs}` code point only in `u` mode, where a well-formed pair reads as one astral code point.
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** Most levels of nesting a free-form JSON value (an event's properties, a rule, a mapping) may have. */
export const MAX_JSON_DEPTH = 32;

/** Why a value with U+0000 is refused (file imports say it of the row that has one). */
export const NUL_REASON = 'contains a NUL character (U+0000), which cannot be stored';

/** Why PostgreSQL cannot store `value`, or undefined when it can. */
export function unstorableText(value: string): string | undefined {
  const found = UNSTORABLE.exec(value);
  if (!found) return undefined;
  return found[0] === '\u0000'
    ? NUL_REASON
    : 'contains a lone UTF-16 surrogate, which is not valid Unicode text';
}

/** A string of text from outside: refuses NUL and lone surrogates; chain `.min()`, `.max()`, `.regex()` as usual. */
export function text(): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = unstorableText(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
}

/** A problem in a JSON value: where (a path of keys and indexes below the value) and why. */
export interface JsonProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** What one look at a JSON value found: its first problem, if any, and a lower bound of its serialised length. */
export interface JsonExamination {
  readonly problem?: JsonProblem;
  /** At most JSON.stringify(value).length (escapes only add), counted on the way. */
  readonly chars: number;
}

/**
 * Examines a parsed JSON value: objects and arrays nested more than `maxDepth` levels (`{"a":{"b":1}}` has two), or
 * (unless `text: false`) a key or string PostgreSQL cannot store. Iterative, so any depth is examined without
 * recursion; it runs on every ingested event, so it allocates nothing per node unless there is a problem to locate.
 */
export function examineJson(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  options: { text?: boolean } = {},
): JsonExamination {
  const checkText = options.text ?? true;
  const values: unknown[] = [value];
  const depths: number[] = [0]; // objects and arrays above each value
  let chars = 0;
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop()!;
    if (typeof v === 'string') {
      chars += v.length + 2;
      if (checkText && UNSTORABLE.test(v)) return { problem: locate(value, maxDepth, checkText)!, chars };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) return { problem: locate(value, maxDepth, checkText)!, chars };
      chars += 2; // brackets; then a comma between items, and `"key":` before each value of an object
      if (Array.isArray(v)) {
        chars += Math.max(0, v.length - 1);
        for (const item of v) {
          values.push(item);
          depths.push(depth + 1);
        }
      } else {
        const keys = Object.keys(v);
        chars += Math.max(0, keys.length - 1);
        for (const key of keys) {
          chars += key.length + 3;
          if (checkText && UNSTORABLE.test(key))
            return { problem: locate(value, maxDepth, checkText)!, chars };
          values.push((v as Record<string, unknown>)[key]);
          depths.push(depth + 1);
        }
      }
    } else chars += 1;
  }
  return { chars };
}

/** The first problem of a parsed JSON value (see examineJson), with where it is; undefined when there is none. */
export function jsonProblem(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  options: { text?: boolean } = {},
): JsonProblem | undefined {
  return examineJson(value, maxDepth, options).problem;
}

/** The same walk as examineJson, keeping each value's path: run only once a problem is known to be there. */
function locate(value: unknown, maxDepth: number, checkText: boolean): JsonProblem | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = checkText ? unstorableText(v) : undefined;
      if (problem) return { path, message: problem };
    } else if (v !== null && typeof v === 'object') {
      if (path.length >= maxDepth) return { path, message: `nests deeper than ${maxDepth} levels` };
      if (Array.isArray(v)) v.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      else
        for (const key of Object.keys(v)) {
          const problem = checkText ? unstorableText(key) : undefined;
          if (problem) return { path: [...path, key], message: `key ${problem}` };
          stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
        }
    }
  }
  return undefined;
}

/** A zod refinement refusing a JSON value with a jsonProblem, located at the problem's path. */
export function storableJson(maxDepth = MAX_JSON_DEPTH): (value: unknown, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const problem = jsonProblem(value, maxDepth);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path, input: value });
  };
}

/** A free-form JSON value the API stores or serialises as given: bounded nesting, storable keys and strings. */
export function jsonValue(maxDepth = MAX_JSON_DEPTH): z.ZodUnknown {
  return z.unknown().superRefine(storableJson(maxDepth));
}

/** A free-form JSON object (a tag definition, a mapping, an event's properties): as jsonValue, and an object. */
export function jsonObject(maxDepth = MAX_JSON_DEPTH): z.ZodRecord<z.ZodString, z.ZodUnknown> {
  return z.record(z.string(), z.unknown()).superRefine(storableJson(maxDepth));
}
