import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from '../auth/service.ts';
import type { Permission, Principal } from '../auth/principal.ts';
import type { AppDeps } from './deps.ts';
import type { SegmentService } from '../segments/service.ts';
import type { TagService } from '../tags/service.ts';
import { ErrorBody } from '../contracts/common.ts';
import { asFailure, type SegmentFailure } from '../segments/service.ts';
import { AppError, failureError, type ErrorCode, type Failure, type Result } from '../shared/errors.ts';
import type { WecomApi } from '../wecom/port.ts';

/** The Fastify instance with zod as its type provider, as routes see it. */
export type ZodApi = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Services the routes call; built once in createApp. */
export interface RouteContext extends AppDeps {
  readonly auth: AuthService;
  /** The tag engine (one per process: it holds the in-memory snapshot for portraits). */
  readonly tags: TagService;
  /** The segment engine (one per process: its index cache holds every customer column and tag bitmap). */
  readonly segments: SegmentService;
  /** WeCom's server API (one client per process: it holds the access token and the rate budgets); undefined when not configured. */
  readonly wecom: WecomApi | undefined;
}

export const SESSION_COOKIE = 'fw_session';

/** A row id in a path (tasks, reminders, rules, handover jobs): a PostgreSQL `integer`, so bounded to its range. */
export const rowId = z.coerce.number().int().positive().max(2_147_483_647);

/** The error body every failing route answers with (the contract's). */
export const errorBody = ErrorBody;

/** The value of a domain result; its failure thrown as the API's error (`failureError`: status from the code). */
export function unwrap<T>(result: Result<T, Failure | SegmentFailure>): T {
  if (result.ok) return result.value;
  throw failureError(asFailure(result.error));
}

/** Throws a domain failure as the API's error. */
export function raise(failure: Failure | SegmentFailure): never {
  throw failureError(asFailure(failure));
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Resolves the caller from a bearer API key or the session cookie; null when anonymous. */
export async function resolvePrincipal(req: FastifyRequest, auth: AuthService): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <API key>"');
    const principal = await auth.principalForApiKey(match[1]);
    if (!principal) throw new AppError('unauthenticated', 'unknown or revoked API key');
    return principal;
  }
  const token = req.cookies[SESSION_COOKIE];
  return token ? auth.principalForSession(token) : null;
}

/** The caller, signed in or by API key; 401 otherwise. */
export function requireSignedIn(req: FastifyRequest): Principal {
  const principal = req.principal;
  if (!principal) throw new AppError('unauthenticated', 'sign in or send an API key');
  return principal;
}

/** Authenticates the request and checks one permission; the route's first step. */
export function requirePermission(req: FastifyRequest, permission: Permission): Principal {
  const principal = requireSignedIn(req);
  if (!principal.permissions.has(permission)) {
    throw new AppError('forbidden', `role ${principal.role} lacks permission ${permission}`);
  }
  return principal;
}

/** Whether the session cookie goes out marked Secure: configured so, or (auto) the request came over HTTPS. */
export function secureCookie(req: FastifyRequest, mode: 'auto' | 'always' | 'never'): boolean {
  return mode === 'always' || (mode === 'auto' && req.protocol === 'https');
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a browser write sent from another site: a write without an API key whose Origin header is not this
 * server's own (scheme, host and port the request was addressed to). The SameSite=Lax cookie already stays home on
 * cross-site POSTs; this also covers same-site subdomains and older browsers. Requests without Origin (curl, the CLI)
 * and bearer calls are not affected.
 */
export function refuseCrossOriginWrite(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (!WRITES.has(req.method) || origin === undefined || req.headers.authorization) return;
  const own = originOf(`${req.protocol}://${req.host}`);
  if (own !== null && originOf(origin) === own) return;
  throw new AppError(
    'forbidden',
    `cross-origin write refused: Origin ${origin} is not this server's origin`,
    {
      reason: 'cross_origin',
      origin,
      expected: own,
    },
  );
}

function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null;
}

/** Routes a user who must change their password may still call. */
const OPEN_BEFORE_PASSWORD_CHANGE = new Set([
  'GET /v1/auth/me',
  'POST /v1/auth/login',
  'POST /v1/auth/logout',
  'POST /v1/auth/password',
]);

/** Refuses every other route to a user whose password was generated for them, until they choose their own. */
export function requirePasswordChosen(req: FastifyRequest): void {
  if (!req.principal?.mustChangePassword) return;
  if (OPEN_BEFORE_PASSWORD_CHANGE.has(`${req.method} ${req.routeOptions.url ?? ''}`)) return;
  throw new AppError(
    'password_change_required',
    'change your password first (POST /v1/auth/password): it was generated for you',
  );
}

/** Password checks per client address per minute in one process: the coarse limit on sign-in and password change. */
export const PASSWORD_ROUTE_RATE_LIMIT = { max: 30, timeWindow: 60_000 };

/** The AppError for a refused sign-in or password change; a throttled one also sets Retry-After. */
export function throttledOr(
  reply: FastifyReply,
  failure: { code: ErrorCode; message: string; details?: unknown },
): AppError {
  const retry = (failure.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (failure.code === 'too_many_attempts' && typeof retry === 'number')
    reply.header('retry-after', String(retry));
  return failureError(failure);
}

/** Sends an AppError as `{ error: { code, message, details } }`. */
export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  return reply.code(error.httpStatus).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  });
}
