import type { FastifyRequest } from 'fastify';
import type { Permission, Principal } from '../../auth/principal.ts';
import type { CustomerPage } from '../../pool/customers.ts';
import { resolveScope, type DataScope } from '../../pool/scope.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, requirePermission, type RouteContext } from '../http.ts';

/** Error responses every pool route may answer with. */
export const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** Who is calling and what they may see: checks the permission, then derives the data scope. */
export async function scoped(
  req: FastifyRequest,
  ctx: RouteContext,
  permission: Permission,
): Promise<{ principal: Principal; scope: DataScope; actor: string }> {
  const principal = requirePermission(req, permission);
  const scope = await resolveScope(ctx.stores.operational.db, principal);
  return { principal, scope, actor: principal.actor };
}

/**
 * Bank-wide figures (the overview, the tag catalogue and its counts, segments and lists, their previews, analyses and
 * exports) count every customer of the bank, so only callers whose scope is the whole bank (admin, analyst) may see
 * them: a branch head or an account manager is refused with 403 rather than shown counts of customers outside their
 * scope (src/pool/README.md, "Scope by route").
 */
export async function wholeBank(
  req: FastifyRequest,
  ctx: RouteContext,
  permission: Permission,
): Promise<Principal> {
  const { principal, scope } = await scoped(req, ctx, permission);
  if (scope.kind !== 'all')
    throw new AppError(
      'forbidden',
      `bank-wide figures are for roles that see every customer; role ${principal.role} sees its own scope only`,
    );
  return principal;
}

/** Counts results by their status. */
export function countBy<T extends { status: string }>(results: readonly T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** A customer page as the API answers it: each row with its tag values (from memory), without the internal ordinal. */
export async function withTags<P extends CustomerPage>(ctx: RouteContext, page: P) {
  const { byOrdinal } = await ctx.tags.tagsOf(page.items.map((i) => i.customerId));
  return {
    ...page,
    items: page.items.map(({ customerId, ...item }: P['items'][number]) => ({
      ...item,
      tags: byOrdinal.get(customerId) ?? [],
    })),
  };
}
