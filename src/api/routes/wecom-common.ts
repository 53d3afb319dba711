import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema.ts';
import { AppError } from '../../shared/errors.ts';
import type { WecomApi } from '../../wecom/port.ts';
import type { RouteContext } from '../http.ts';
import { scoped } from './pool-common.ts';

// What the WeCom actions that reach every manager (friend sync, tags) share: a head-office caller and a connected client.

/** The caller's actor when their scope is the whole bank (pool.manage), else 403 saying `what` is head office's. */
export async function headOffice(
  req: FastifyRequest,
  ctx: RouteContext,
  what: string,
): Promise<{ actor: string }> {
  const { scope, actor } = await scoped(req, ctx, 'pool.manage');
  if (scope.kind !== 'all') throw new AppError('forbidden', `${what}: head office only`);
  return { actor };
}

/** WeCom's client and settings, or 409 saying how to connect it. */
export function connectedWecom(ctx: RouteContext): { api: WecomApi; config: NonNullable<Config['wecom']> } {
  if (!ctx.wecom || !ctx.config.wecom)
    throw new AppError(
      'conflict',
      'WeCom is not connected: set FLYWHEEL_WECOM_CORP_ID and FLYWHEEL_WECOM_SECRET (or run `flywheel wecom simulator`)',
    );
  return { api: ctx.wecom, config: ctx.config.wecom };
}
