import { sql } from 'kysely';
import { z } from 'zod';
import type { RouteContext, ZodApi } from '../http.ts';

/** Liveness and readiness probes (no authentication). */
export function registerHealthRoutes(api: ZodApi, ctx: RouteContext): void {
  api.get(
    '/healthz',
    { schema: { tags: ['ops'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({
      status: 'ok' as const,
    }),
  );

  const readiness = z.object({
    status: z.enum(['ready', 'unavailable']),
    operational: z.object({ kind: z.string(), ok: z.boolean(), error: z.string().optional() }),
    events: z.object({ kind: z.string(), ok: z.boolean(), error: z.string().optional() }),
  });
  api.get(
    '/readyz',
    { schema: { tags: ['ops'], response: { 200: readiness, 503: readiness } } },
    async (_req, reply) => {
      const check = async (fn: () => Promise<unknown>) => {
        try {
          await fn();
          return { ok: true };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      };
      const operational = {
        kind: ctx.stores.operational.kind,
        ...(await check(() => sql`select 1`.execute(ctx.stores.operational.db))),
      };
      const events = {
        kind: ctx.stores.events.kind,
        ...(await check(() => ctx.stores.events.query('SELECT 1'))),
      };
      const ready = operational.ok && events.ok;
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'unavailable', operational, events });
    },
  );
}
