import { z } from 'zod';
import { failureError } from '../../shared/errors.ts';
import { publishTags } from '../../wecom/tag-publish.ts';
import { lastTagSync, publishedTagState, syncWecomTags } from '../../wecom/tag-sync.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { errors } from './pool-common.ts';
import { connectedWecom, headOffice } from './wecom-common.ts';

// WeCom tags both ways (issue #13, item 5): what is published and how the last sync went (shaped for a "tag sync
// state" panel), publishing chosen tags as corp tags, and a sync pass now. Head office only: these act on every
// manager's friends.

const syncOutcome = z.object({
  id: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable().describe('null while the pass runs (or when it died half way)'),
  actor: z.string(),
  compared: z.number().int().describe('active, matched friendships compared'),
  marked: z.number().int().describe('mark_tag calls made'),
  failed: z.number().int(),
  errcodes: z.record(z.string(), z.number().int()).describe("failed calls by WeCom's errcode"),
  failures: z
    .array(
      z.object({
        staffId: z.string(),
        externalUserid: z.string(),
        errcode: z.number().int(),
        errmsg: z.string(),
      }),
    )
    .describe('the first 100 failed calls'),
  importedTags: z.number().int().describe("manual tags created or changed from WeCom's own groups"),
  importedValues: z.number().int().describe('customers whose imported value changed'),
  error: z.string().nullable(),
});

const publishedTag = z.object({
  tagKey: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  values: z.array(
    z.object({
      value: z.string(),
      wecomTagId: z.string(),
      tagName: z.string(),
      friendships: z.number().int().describe('active friendships carrying the tag in WeCom'),
    }),
  ),
});

const tagKey = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/);

/** GET /v1/wecom/tags, POST /v1/wecom/tags/publish, POST /v1/wecom/tags/sync. */
export function registerWecomTagRoutes(api: ZodApi, ctx: RouteContext): void {
  api.get(
    '/v1/wecom/tags',
    {
      schema: {
        tags: ['wecom'],
        summary: 'Tags published to WeCom with their WeCom ids and counts, and the last tag sync',
        response: {
          200: z.object({
            connected: z.boolean(),
            published: z.array(publishedTag),
            lastSync: syncOutcome.nullable(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      await headOffice(req, ctx, "WeCom tags are the whole bank's");
      const db = ctx.stores.operational.db;
      return {
        connected: Boolean(ctx.wecom && ctx.config.wecom),
        published: await publishedTagState(db),
        lastSync: await lastTagSync(db),
      };
    },
  );

  api.post(
    '/v1/wecom/tags/publish',
    {
      schema: {
        tags: ['wecom'],
        summary:
          'Publishes tags as WeCom corp-tag groups (one per tag, a corp tag per value); idempotent; 409 past 3,000 tags or when WeCom is not connected',
        body: z.strictObject({ tagKeys: z.array(tagKey).min(1).max(50) }),
        response: {
          200: z.object({
            tags: z.array(
              z.object({
                tagKey: z.string(),
                groupId: z.string(),
                groupName: z.string(),
                created: z.number().int(),
                renamed: z.number().int(),
                deleted: z.number().int(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { actor } = await headOffice(req, ctx, "WeCom tags are the whole bank's");
      const wecom = connectedWecom(ctx).api;
      const published = await publishTags(
        { db: ctx.stores.operational.db, api: wecom, clock: ctx.clock, actor },
        req.body.tagKeys,
      );
      if (!published.ok) throw failureError(published.error);
      return { tags: published.value };
    },
  );

  api.post(
    '/v1/wecom/tags/sync',
    {
      schema: {
        tags: ['wecom'],
        summary:
          "Marks published tags on WeCom friends where they differ and brings WeCom's own tags back as manual tags; 409 when WeCom is not connected",
        body: z.strictObject({}).optional(),
        response: { 200: syncOutcome, ...errors },
      },
    },
    async (req) => {
      const { actor } = await headOffice(req, ctx, "WeCom tags are the whole bank's");
      const wecom = connectedWecom(ctx).api;
      return syncWecomTags({ db: ctx.stores.operational.db, api: wecom, clock: ctx.clock, actor });
    },
  );
}
