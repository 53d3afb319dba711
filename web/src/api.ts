// The dashboard's view of the HTTP API: same-origin JSON under /v1, the session in an httpOnly cookie.

export type Role = 'admin' | 'analyst' | 'branch_head' | 'account_manager';

export interface Me {
  readonly actor: string;
  readonly kind: 'user' | 'api_key' | 'system';
  readonly role: Role;
  readonly orgUnitId: string | null;
  readonly staffId: string | null;
  readonly permissions: readonly string[];
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
  readonly definitions: Readonly<Record<string, string>>;
}

/** A failed API call: the HTTP status and the server's `{ error: { code, message } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Dispatched on window when an API call answers 401 outside sign-in. */
export const UNAUTHENTICATED_EVENT = 'flywheel:unauthenticated';

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
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
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return parsed as T;
}

export const api = {
  me: () => request<Me>('GET', '/v1/auth/me'),
  login: (username: string, password: string) =>
    request<Me>('POST', '/v1/auth/login', { username, password }),
  logout: () => request<void>('POST', '/v1/auth/logout'),
  overview: (days: number) => request<Overview>('GET', `/v1/overview?days=${days}`),
};
