import { z } from 'zod';
import { followLink } from '../../campaigns/feedback/clicks.ts';
import { errorBody, raise, type RouteContext, type ZodApi } from '../http.ts';

// GET /r/:token: a customer follows a tracked link in a message. The click is recorded and the browser sent on with
// a 302 to the URL the bank signed into the token; a bad or tampered token gets a small 400 page (the API's error
// body when the caller is not a browser), never a redirect.

const REFUSED_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>链接无效 · Invalid link</title></head>
<body><h1>链接无效</h1><p>此链接已失效或不完整。</p><p lang="en">This link is not valid.</p></body></html>`;

/** Registers the tracked-link redirect. */
export function registerTrackedLinkRoutes(api: ZodApi, ctx: RouteContext): void {
  api.get(
    '/r/:token',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'Follow a tracked link of a message: records the click, then 302 to the signed URL (400 page when the token does not verify)',
        security: [],
        params: z.object({ token: z.string().min(1).max(8000) }),
        response: {
          302: z.null().describe('redirect to the link (Location)'),
          400: errorBody.describe('the token does not verify (a browser, Accept: text/html, gets a page)'),
        },
      },
    },
    async (req, reply) => {
      const followed = await followLink(
        {
          db: ctx.stores.operational.db,
          events: ctx.stores.events,
          clock: ctx.clock,
          linkSecret: ctx.config.links.secret,
        },
        req.params.token,
      );
      // Neither the page nor the redirect is worth caching: each visit is a click.
      void reply.header('cache-control', 'no-store');
      if (!followed.ok) {
        // A browser gets a page; anything else the API's error shape.
        if (!req.headers.accept?.includes('text/html')) raise(followed.error);
        // A string body goes out as it is (no JSON serialisation), so the page is not held to the error schema.
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(REFUSED_PAGE as unknown as z.infer<typeof errorBody>);
      }
      return reply.redirect(followed.value.url, 302);
    },
  );
}
