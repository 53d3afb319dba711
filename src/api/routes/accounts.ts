import { z } from 'zod';
import { listApiKeys, type ApiKeyView } from '../../auth/api-keys.ts';
import { GRANTABLE_PERMISSIONS } from '../../auth/principal.ts';
import { changeOwnPassword, listUsers, updateUser, type UserAccount } from '../../auth/users.ts';
import { AppError } from '../../shared/errors.ts';
import {
  errorBody,
  PASSWORD_ROUTE_RATE_LIMIT,
  requirePermission,
  SESSION_COOKIE,
  raise,
  throttledOr,
  type RouteContext,
  type ZodApi,
} from '../http.ts';
import * as s from './accounts-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** Account administration: users (list, change), API keys (list, revoke), and changing one's own password. */
export function registerAccountRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };

  api.get(
    '/v1/users',
    {
      schema: {
        tags: ['auth'],
        summary: 'Users, by username (users.manage)',
        querystring: s.userQuery,
        response: { 200: s.userList, ...errors },
      },
    },
    async (req) => {
      requirePermission(req, 'users.manage');
      const page = await listUsers(db, req.query);
      return { total: page.total, items: page.items.map(presentUser), grantable: [...GRANTABLE_PERMISSIONS] };
    },
  );

  api.patch(
    '/v1/users/:id',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Change a user: role, scope, status (disabling signs them out at once), grants, display name',
        params: s.numericId,
        body: s.userPatch,
        response: { 200: s.userAccount, ...errors },
      },
    },
    async (req, reply) => {
      const principal = requirePermission(req, 'users.manage');
      const result = await updateUser(deps, req.params.id, req.body, principal.actor);
      if (!result.ok) throw throttledOr(reply, result.error);
      return presentUser(result.value);
    },
  );

  api.post(
    '/v1/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: "Change one's own password; clears must-change-password and ends one's other sessions",
        body: s.passwordChange,
        response: { 200: s.passwordChanged, ...errors, 429: errorBody },
      },
      config: { rateLimit: PASSWORD_ROUTE_RATE_LIMIT },
    },
    async (req, reply) => {
      const principal = req.principal;
      if (!principal) throw new AppError('unauthenticated', 'sign in first');
      if (principal.kind !== 'user') throw new AppError('forbidden', 'only a signed-in user has a password');
      const result = await changeOwnPassword(
        deps,
        {
          userId: Number(principal.id),
          current: req.body.currentPassword,
          next: req.body.newPassword,
          sessionToken: req.cookies[SESSION_COOKIE],
          address: req.ip,
        },
        ctx.auth.passwordCost,
      );
      if (!result.ok) throw throttledOr(reply, result.error);
      return result.value;
    },
  );

  api.get(
    '/v1/api-keys',
    {
      schema: {
        tags: ['auth'],
        summary: 'API keys, newest first, never their secret (apikeys.manage)',
        querystring: s.apiKeyQuery,
        response: { 200: s.apiKeyList, ...errors },
      },
    },
    async (req) => {
      requirePermission(req, 'apikeys.manage');
      const page = await listApiKeys(db, req.query);
      return { total: page.total, items: page.items.map(presentKey) };
    },
  );

  api.delete(
    '/v1/api-keys/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API key: refused from the next request on',
        params: s.numericId,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const principal = requirePermission(req, 'apikeys.manage');
      const result = await ctx.auth.revokeApiKey(req.params.id, principal.actor);
      if (!result.ok) raise(result.error);
      return reply.code(204).send(null);
    },
  );
}

function presentUser(u: UserAccount): z.output<typeof s.userAccount> {
  return { ...u, createdAt: u.createdAt.toISOString(), updatedAt: u.updatedAt.toISOString() };
}

function presentKey(k: ApiKeyView): z.output<typeof s.apiKeyView> {
  return {
    ...k,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}
