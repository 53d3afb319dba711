import { z } from 'zod';
import { syncFriends } from '../../wecom/sync.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { errors } from './pool-common.ts';
import { connectedWecom, headOffice } from './wecom-common.ts';

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
      const { actor } = await headOffice(req, ctx, 'a WeCom sync reads every manager of the bank');
      const wecom = connectedWecom(ctx);
      const managers = await syncFriends(
        {
          db: ctx.stores.operational.db,
          api: wecom.api,
          clock: ctx.clock,
          logger: ctx.logger,
          match: wecom.config.match,
          actor,
        },
        req.body.staffIds,
      );
      return { managers };
    },
  );
}
