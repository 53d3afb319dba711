import { z } from 'zod';
import { AppError } from '../../shared/errors.ts';
import { syncFriends } from '../../wecom/sync.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { errors, scoped } from './pool-common.ts';

const managerSync = z.object({
  staffId: z.string(),
  ok: z.boolean(),
  listed: z.number().int().optional(),
  added: z.number().int().optional(),
  removed: z.number().int().optional(),
  matched: z.number().int().optional(),
  unmatched: z.number().int().optional(),
  errcode: z.number().int().optional().describe("WeCom's errcode when the manager's list could not be read"),
  reason: z.string().optional(),
});

/** POST /v1/wecom/sync: a full friend sync from WeCom (every active account manager, or those named). */
export function registerWecomSyncRoutes(api: ZodApi, ctx: RouteContext): void {
  api.post(
    '/v1/wecom/sync',
    {
      schema: {
        tags: ['wecom'],
        summary:
          "Reads every account manager's WeCom friends (batch/get_by_user, by cursor) and links them to customers; 409 when WeCom is not connected",
        body: z.strictObject({
          staffIds: z.array(z.string().min(1).max(64)).min(1).max(500).optional(),
        }),
        response: { 200: z.object({ managers: z.array(managerSync) }), ...errors },
      },
    },
    async (req) => {
      const { scope, actor } = await scoped(req, ctx, 'pool.manage');
      if (scope.kind !== 'all')
        throw new AppError('forbidden', 'a WeCom sync reads every manager of the bank: head office only');
      if (!ctx.wecom || !ctx.config.wecom)
        throw new AppError(
          'conflict',
          'WeCom is not connected: set FLYWHEEL_WECOM_CORP_ID and FLYWHEEL_WECOM_SECRET (or run `flywheel wecom simulator`)',
        );
      const managers = await syncFriends(
        {
          db: ctx.stores.operational.db,
          api: ctx.wecom,
          clock: ctx.clock,
          logger: ctx.logger,
          match: ctx.config.wecom.match,
          actor,
        },
        req.body.staffIds,
      );
      return { managers };
    },
  );
}
