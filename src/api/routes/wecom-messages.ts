import { z } from 'zod';
import { page } from '../../contracts/common.ts';
import { WECOM_GROUP_MESSAGE_STATES } from '../../store/operational/wecom-message-tables.ts';
import { listGroupMessages } from '../../wecom/group-message-list.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { errors, scoped } from './pool-common.ts';

// WeCom group messages sent by campaigns (issue #13, items 7–8): the tasks waiting for a manager's confirmation and how
// each message went, for the senders in the caller's scope (a manager sees their own).

const groupMessage = z.object({
  id: z.number().int(),
  msgid: z.string().nullable().describe("WeCom's id of the message; null when WeCom never answered"),
  state: z.enum(WECOM_GROUP_MESSAGE_STATES),
  senderId: z.string().describe('the staff member who must confirm it (their WeCom userid)'),
  senderName: z.string().nullable(),
  campaignId: z.number().int(),
  campaignName: z.string(),
  text: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().describe('not confirmed by then, its customers expire'),
  polledAt: z.string().nullable().describe('when WeCom was last asked how it went'),
  reason: z.string().nullable(),
  customers: z.object({
    awaiting: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    expired: z.number().int(),
  }),
});

/** GET /v1/wecom/group-messages. */
export function registerWecomMessageRoutes(api: ZodApi, ctx: RouteContext): void {
  api.get(
    '/v1/wecom/group-messages',
    {
      schema: {
        tags: ['wecom'],
        summary:
          "WeCom group messages of the senders in the caller's scope, waiting for confirmation first, with their customers by state",
        querystring: z.object({
          state: z.enum(WECOM_GROUP_MESSAGE_STATES).optional(),
          ...page,
        }),
        response: {
          200: z.object({
            connected: z.boolean(),
            total: z.number().int(),
            awaitingConfirmation: z.number().int(),
            items: z.array(groupMessage),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const listed = await listGroupMessages(ctx.stores.operational.db, scope, {
        ...(req.query.state ? { state: req.query.state } : {}),
        limit: req.query.limit,
        offset: req.query.offset,
      });
      return { connected: Boolean(ctx.wecom && ctx.config.wecom), ...listed };
    },
  );
}
