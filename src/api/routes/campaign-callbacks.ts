import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  callbackBodySchema,
  channelSecret,
  parseCallbackBody,
  recordCallbacks,
  signatureProblem,
} from '../../campaigns/feedback/callbacks.ts';
import { channelKeySchema } from '../../campaigns/model.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, raise, unwrap, type RouteContext, type ZodApi } from '../http.ts';

// POST /v1/channels/:key/callbacks: providers report delivered / failed / opened / clicked / replied. Public (no
// session, no API key) but signed: the HMAC of the raw body with the channel's secret is checked before the body is
// validated, so an unsigned or stale request learns nothing but 401 (an unknown channel: 404).

const callbackResult = z.object({
  index: z.number().int(),
  outcome: z.enum(['recorded', 'duplicate', 'unknown_delivery']),
  idempotencyKey: z.string().nullable(),
  consentRevoked: z.literal(true).optional(),
});
const callbackAnswer = z.object({
  recorded: z.number().int(),
  duplicate: z.number().int(),
  unknown: z.number().int(),
  results: z.array(callbackResult),
});

/** The route's own JSON parser keeps the raw body: the signature is over the bytes the provider sent. */
const rawBodies = new WeakMap<FastifyRequest, string>();

/** Registers the provider callback route. */
export function registerCampaignCallbackRoutes(api: ZodApi, ctx: RouteContext): void {
  void api.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      rawBodies.set(req, body as string);
      parseJson(req, body as string, done);
    });

    scope.post(
      '/v1/channels/:key/callbacks',
      {
        schema: {
          tags: ['campaigns'],
          summary:
            'Provider callback: one response or a batch ({ idempotencyKey | providerId, status, at, reply?, error? }), signed X-Flywheel-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<raw body>" with the channel secret>; a repeat is answered duplicate',
          security: [],
          params: z.object({ key: channelKeySchema }),
          body: callbackBodySchema,
          response: { 200: callbackAnswer, 400: errorBody, 401: errorBody, 404: errorBody },
        },
        // The body is checked in the handler, after the signature, item by item with located problems (a union of
        // "one or many" would only say that neither matched).
        validatorCompiler: () => (data) => ({ value: data }),
        // Authentication before validation: who may speak comes before what they said.
        preValidation: async (req) => {
          const { key } = req.params as { key: string };
          if (!channelKeySchema.safeParse(key).success)
            throw new AppError('not_found', `no enabled channel ${key}`);
          const secret = unwrap(
            await channelSecret(ctx.stores.operational.db, ctx.config.channelSecrets, key),
          );
          const header = req.headers['x-flywheel-signature'];
          const problem = signatureProblem(
            secret,
            typeof header === 'string' ? header : undefined,
            rawBodies.get(req) ?? '',
            ctx.clock.now(),
          );
          if (problem) raise({ code: 'unauthenticated', message: problem });
        },
      },
      async (req) => {
        const items = unwrap(parseCallbackBody(req.body));
        const results = unwrap(
          await recordCallbacks(
            { db: ctx.stores.operational.db, events: ctx.stores.events, clock: ctx.clock },
            (req.params as { key: string }).key,
            items,
          ),
        );
        const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
        return {
          recorded: count('recorded'),
          duplicate: count('duplicate'),
          unknown: count('unknown_delivery'),
          results,
        };
      },
    );
  });
}
