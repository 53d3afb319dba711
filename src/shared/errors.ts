/** Stable error codes the API and CLI expose; clients may branch on them. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'password_change_required'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'too_many_attempts'
  | 'config_invalid'
  | 'import_rejected'
  | 'not_enough_data'
  | 'invalid_rule'
  | 'invalid_tag'
  | 'unknown_customers'
  | 'store_unavailable'
  | 'wecom_unavailable'
  | 'internal';

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  // A user whose password was generated for them (or reset) must choose their own before anything else.
  password_change_required: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  // Sign-in throttled after repeated failures (details say which counter and when to retry; Retry-After too).
  too_many_attempts: 429,
  config_invalid: 500,
  import_rejected: 422,
  // An analysis that cannot be computed from the data there is (one snapshot day, an empty group): said, never NaN.
  not_enough_data: 422,
  // A customer-group rule with problems (details.issues locate each one); customer numbers the bank does not know.
  invalid_rule: 400,
  // A tag definition with problems (details.issues: the field path and message of each).
  invalid_tag: 400,
  unknown_customers: 422,
  store_unavailable: 503,
  // WeCom's server API did not answer usably after the client's retries (timeouts, garbage, blocked): try later.
  wecom_unavailable: 503,
  internal: 500,
};

/** The one exception type for unexpected outcomes; expected ones are returned as tagged results. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

/**
 * An expected failure as domain code returns it. `details` is the one place for its particulars: for
 * `validation_failed` always a list of `ValidationIssue` (`{ path, message }`, path a JSON pointer into the request,
 * plus `line`/`column`/`code` where known; build it with `validationFailed`); `{ issues: [...] }` for the located
 * problems of a rule (`invalid_rule`) or tag definition (`invalid_tag`); `{ reason, ... }` for a stable sub-code.
 */
export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

/**
 * One problem of a `validation_failed` answer: where in the request (a JSON pointer such as "/variants/sms/text"),
 * why, and — where it has them — the 1-based line and column inside a template text and a stable sub-code
 * (`unknown_variable`, `sensitive_word` …) clients may branch on.
 */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly code?: string;
}

/** A problem as domain code locates it: the path as keys and indexes, turned into a pointer by `validationFailed`. */
export type LocatedIssue = Omit<ValidationIssue, 'path'> & { readonly path: readonly PropertyKey[] };

/** The RFC 6901 JSON pointer of a path: ['variants', 'sms', 'text'] → "/variants/sms/text" ('~' → ~0, '/' → ~1). */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The validation_failed failure of located issues: the one details shape, a list of `ValidationIssue`. */
export function validationFailed(
  message: string,
  issues: readonly LocatedIssue[],
): Failure & { readonly code: 'validation_failed'; readonly details: ValidationIssue[] } {
  return {
    code: 'validation_failed',
    message,
    // Field by field: a zod issue (or any richer object) passed in leaks nothing else into the answer.
    details: issues.map((i) => ({
      path: jsonPointer(i.path),
      message: i.message,
      ...(i.line !== undefined ? { line: i.line } : {}),
      ...(i.column !== undefined ? { column: i.column } : {}),
      ...(i.code !== undefined ? { code: i.code } : {}),
    })),
  };
}

/** The AppError of a domain failure: the one mapping from failure to answer (the HTTP status follows the code). */
export function failureError(failure: Failure): AppError {
  return new AppError(failure.code, failure.message, failure.details);
}

/** A tagged result: `ok: true` with a value, or `ok: false` with a reason. */
export type Result<T, E = Failure> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** Builds a successful result. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
/** Builds a failed result. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** The located issues of a schema's refusal (zod's `error.issues`): path and message only, zod's own codes left out. */
export function schemaIssues(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
): LocatedIssue[] {
  return issues.map((i) => ({ path: i.path, message: i.message }));
}
