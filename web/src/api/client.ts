// The dashboard's one HTTP client: same-origin JSON under /v1, the session in an httpOnly cookie, every path,
// parameter, body and answer typed by the server's OpenAPI document (schema.d.ts, `npm run api:types`).
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

/** One located problem of a validation_failed answer (path a JSON pointer, line and column inside a template). */
export type ValidationIssue = components['schemas']['ValidationIssue'];

/** One located problem in a request body, as the server reports it (`$.all[2].any[0]`, `spec.buckets[1]`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
  readonly field?: string;
  readonly code?: string;
}

/** A failed API call: the HTTP status and the server's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The located problems of a validation_failed (`details` is their list), read, not trusted. */
  get validationIssues(): readonly ValidationIssue[] {
    if (this.code !== 'validation_failed' || !Array.isArray(this.details)) return [];
    return (this.details as unknown[]).filter(
      (i): i is ValidationIssue =>
        typeof i === 'object' && i !== null && typeof (i as ValidationIssue).path === 'string',
    );
  }

  /** The located problems in `details.issues` (invalid_rule, invalid_tag), when the server sent any. */
  get issues(): readonly Issue[] {
    // The document describes `details` as free-form: the issues are read, not trusted.
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    return Array.isArray(issues)
      ? issues.filter((i): i is Issue => typeof i === 'object' && i !== null && 'message' in i)
      : [];
  }
}

/** True when a fetch was cancelled through its AbortSignal (a superseded request, a page left). */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** The message of anything thrown, for display. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An error as a form shows it: each located problem (`/path: reason`) when the server named them, else its text. */
export function issuesText(e: unknown): string {
  return e instanceof ApiError && e.validationIssues.length > 0
    ? e.validationIssues.map((i) => `${i.path}: ${i.message}`).join('; ')
    : errorText(e);
}

/** Dispatched on window when an API call answers 401 outside sign-in. */
export const UNAUTHENTICATED_EVENT = 'flywheel:unauthenticated';

/** `a=1&b=x` from the defined, non-empty values (the server reads lists as comma-separated text). */
export function queryText(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params) as [string, unknown][])
    if (v !== undefined && v !== null && v !== '') q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return q.toString();
}

/** `?a=1&b=x`, or nothing, for a plain link (an export the session cookie authenticates). */
export function withQuery(path: string, params: object): string {
  const q = queryText(params);
  return q ? `${path}?${q}` : path;
}

/** The typed client: `client.GET('/v1/segments/{id}', { params: { path: { id } }, signal })`. */
export const client = createClient<paths>({
  credentials: 'same-origin',
  headers: { accept: 'application/json' },
  querySerializer: queryText,
});

client.use({
  onResponse({ request, response }) {
    // A session that expired mid-use sends the user back to the sign-in page.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/v1/auth/'))
      window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  },
});

/** What every client call resolves to: the answer, or the error body of a failed call. */
interface Outcome<D> {
  readonly data?: D;
  readonly error?: unknown;
  readonly response: Response;
}

/** The answer of a call, or an `ApiError` from the server's error body (or the status when it sent none). */
export async function ok<D>(pending: Promise<Outcome<D>>): Promise<[D] extends [never] ? void : D> {
  const { data, error, response } = await pending;
  if (response.ok) return data as [D] extends [never] ? void : D;
  // Not the API's error shape (e.g. a proxy's HTML page): reported with the status.
  const body = (typeof error === 'object' && error !== null ? error : {}) as {
    error?: { code?: string; message?: string; details?: unknown };
  };
  throw new ApiError(
    response.status,
    body.error?.code ?? `http_${response.status}`,
    body.error?.message ?? `${response.status} ${response.statusText}`,
    body.error?.details,
  );
}
