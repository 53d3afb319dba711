// The dashboard's view of the HTTP API: same-origin JSON under /v1, the session in an httpOnly cookie.
import type { z } from 'zod';
import type { passwordChanged } from '../../src/api/routes/accounts-schemas.ts';

export type PasswordChanged = z.output<typeof passwordChanged>;

export type Role = 'admin' | 'analyst' | 'branch_head' | 'account_manager';

export interface Me {
  readonly actor: string;
  readonly kind: 'user' | 'api_key' | 'system';
  readonly role: Role;
  readonly orgUnitId: string | null;
  readonly staffId: string | null;
  readonly permissions: readonly string[];
  /** The password was generated for this user: they must choose their own before anything else. */
  readonly mustChangePassword: boolean;
  /** The bank's time zone: every business day (today, an event's day) is cut in it, as on the server. */
  readonly timeZone: string;
}

export type TierName = 'mass' | 'gold' | 'platinum' | 'diamond' | 'private' | 'unknown';

export interface Overview {
  readonly asOf: string;
  readonly customers: number;
  readonly aum: number;
  readonly tiers: readonly { tier: TierName; customers: number; aum: number }[];
  readonly pareto: readonly { customerShare: number; aumShare: number }[];
  readonly top20AumShare: number;
  readonly newCustomersPerDay: readonly { date: string; customers: number }[];
  readonly eventsPerDay: readonly { date: string; events: number }[];
  /** The bank's time zone: the days above are its business days. */
  readonly timeZone: string;
  readonly definitions: Readonly<Record<string, string>>;
}

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

  /** The located problems in `details.issues`, when the server sent any. */
  get issues(): readonly Issue[] {
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

/** Dispatched on window when an API call answers 401 outside sign-in. */
export const UNAUTHENTICATED_EVENT = 'flywheel:unauthenticated';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One JSON call; `signal` cancels it (the promise then rejects with an AbortError). */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (e.g. a proxy's HTML error page); reported below with the status.
  }
  if (!response.ok) {
    // A session that expired mid-use sends the user back to the sign-in page.
    if (response.status === 401 && !path.startsWith('/v1/auth/'))
      window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.details,
    );
  }
  return parsed as T;
}

export const api = {
  me: () => request<Me>('GET', '/v1/auth/me'),
  login: (username: string, password: string) =>
    request<Me>('POST', '/v1/auth/login', { username, password }),
  logout: () => request<void>('POST', '/v1/auth/logout'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<PasswordChanged>('POST', '/v1/auth/password', { currentPassword, newPassword }),
  overview: (days: number) => request<Overview>('GET', `/v1/overview?days=${days}`),
};
