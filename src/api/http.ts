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
import type { AppDeps } from '../server/deps.ts';
import type { SegmentService } from '../segments/service.ts';
import type { TagService } from '../tags/service.ts';
import { AppError } from '../shared/errors.ts';

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
}

export const SESSION_COOKIE = 'fw_session';

/** A row id in a path (tasks, reminders, rules, handover jobs): a PostgreSQL `integer`, so bounded to its range. */
export const rowId = z.coerce.number().int().positive().max(2_147_483_647);

/** The error body every failing route answers with. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

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

/** Authenticates the request and checks one permission; the route's first step. */
export function requirePermission(req: FastifyRequest, permission: Permission): Principal {
  const principal = req.principal;
  if (!principal) throw new AppError('unauthenticated', 'sign in or send an API key');
  if (!principal.permissions.has(permission)) {
    throw new AppError('forbidden', `role ${principal.role} lacks permission ${permission}`);
  }
  return principal;
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
