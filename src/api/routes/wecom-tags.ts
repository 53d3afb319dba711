import { z } from 'zod';
import { failureError } from '../../shared/errors.ts';
import { publishTags } from '../../wecom/tag-publish.ts';
import { beginTagSync, lastTagSync, publishedTagState, runTagSync } from '../../wecom/tag-sync.ts';
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

  // The pass this app started and has not finished: one at a time per process (the store's row guards the others);
  // the app waits for it when it closes.
  let running: Promise<unknown> | undefined;
  api.addHook('onClose', async () => {
    await running;
  });

  api.post(
    '/v1/wecom/tags/sync',
    {
      schema: {
        tags: ['wecom'],
        summary:
          "Starts a tag sync in the background (published tags marked on WeCom friends where they differ, WeCom's own tags back as manual tags) and answers the pass (202); a pass already running is answered instead (200); GET /v1/wecom/tags shows its progress; 409 when WeCom is not connected",
        body: z.strictObject({}).optional(),
        response: { 200: syncOutcome, 202: syncOutcome, ...errors },
      },
    },
    async (req, reply) => {
      const { actor } = await headOffice(req, ctx, "WeCom tags are the whole bank's");
      const wecom = connectedWecom(ctx).api;
      const deps = { db: ctx.stores.operational.db, api: wecom, clock: ctx.clock, actor };
      const begun = await beginTagSync(deps);
      if ('running' in begun) return reply.code(200).send(begun.running);
      running = runTagSync(deps, begun.started)
        .catch((error: unknown) => ctx.logger.error({ err: error }, 'WeCom tag sync failed'))
        .finally(() => {
          running = undefined;
        });
      return reply.code(202).send((await lastTagSync(deps.db))!);
    },
  );
}
