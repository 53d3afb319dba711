import { z } from 'zod';
import { USER_ROLES } from '../../auth/principal.ts';
import { PASSWORD_MIN_LENGTH } from '../../auth/passwords.ts';
import { AppError } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import { apiKeyCreated, userCreated } from './accounts-schemas.ts';
import {
  raise,
  errorBody,
  PASSWORD_ROUTE_RATE_LIMIT,
  requirePermission,
  secureCookie,
  SESSION_COOKIE,
  throttledOr,
  type RouteContext,
  type ZodApi,
} from '../http.ts';

const me = z.object({
  actor: z.string(),
  kind: z.enum(['user', 'api_key', 'system']),
  role: z.enum(USER_ROLES),
  orgUnitId: z.string().nullable(),
  staffId: z.string().nullable(),
  permissions: z.array(z.string()),
  mustChangePassword: z
    .boolean()
    .describe(
      'the password was generated: every route but me, logout and POST /v1/auth/password answers 403',
    ),
  timeZone: z
    .string()
    .describe(
      "the bank's time zone (FLYWHEEL_TIMEZONE): the dashboard's days, like the server's, are cut in it",
    ),
});

/** Sign-in, sign-out, who am I, users and API keys. */
export function registerAuthRoutes(api: ZodApi, ctx: RouteContext): void {
  api.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: z.object({ username: text().min(1).max(64), password: text().min(1).max(256) }),
        response: { 200: me, 401: errorBody, 429: errorBody },
      },
      config: { rateLimit: PASSWORD_ROUTE_RATE_LIMIT },
    },
    async (req, reply) => {
      const result = await ctx.auth.login(req.body.username, req.body.password, req.ip);
      if (!result.ok) throw throttledOr(reply, result.error);
      reply.setCookie(SESSION_COOKIE, result.value.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookie(req, ctx.config.cookieSecure),
        expires: result.value.expiresAt,
      });
      return presentPrincipal(result.value.principal, ctx.clock.timeZone);
    },
  );

  api.post(
    '/v1/auth/logout',
    { schema: { tags: ['auth'], response: { 204: z.null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await ctx.auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/', secure: secureCookie(req, ctx.config.cookieSecure) });
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/v1/auth/me',
    { schema: { tags: ['auth'], response: { 200: me, 401: errorBody } } },
    async (req) => {
      const principal = req.principal;
      if (!principal) throw new AppError('unauthenticated', 'not signed in');
      return presentPrincipal(principal, ctx.clock.timeZone);
    },
  );

  api.post(
    '/v1/users',
    {
      schema: {
        tags: ['auth'],
        body: z.object({
          username: text().min(2).max(64),
          role: z.enum(USER_ROLES),
          password: text().min(PASSWORD_MIN_LENGTH).max(256).optional(),
          displayName: text().max(128).optional(),
          staffId: text().optional(),
          orgUnitId: text().optional(),
        }),
        response: {
          201: userCreated,
          409: errorBody,
        },
      },
    },
    async (req, reply) => {
      const principal = requirePermission(req, 'users.manage');
      const result = await ctx.auth.createUser(
        { ...req.body, mustChangePassword: req.body.password === undefined },
        principal.actor,
      );
      if (!result.ok) raise(result.error);
      return reply
        .code(201)
        .send({ id: result.value.id, username: req.body.username, password: result.value.password });
    },
  );

  api.post(
    '/v1/api-keys',
    {
      schema: {
        tags: ['auth'],
        body: z.object({
          name: text().min(1).max(64),
          role: z.enum(USER_ROLES),
          orgUnitId: text().optional(),
        }),
        response: { 201: apiKeyCreated },
      },
    },
    async (req, reply) => {
      const principal = requirePermission(req, 'apikeys.manage');
      const references = await ctx.auth.checkReferences(req.body);
      if (!references.ok) raise(references.error);
      const created = await ctx.auth.createApiKey(req.body, principal.actor);
      return reply.code(201).send(created);
    },
  );
}

function presentPrincipal(p: NonNullable<import('fastify').FastifyRequest['principal']>, timeZone: string) {
  return {
    actor: p.actor,
    kind: p.kind,
    role: p.role,
    orgUnitId: p.orgUnitId,
    staffId: p.staffId,
    permissions: [...p.permissions].sort(),
    mustChangePassword: p.mustChangePassword ?? false,
    timeZone,
  };
}
