import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../shared/errors.ts';
import { parseEnvelope } from '../../wecom/callback-xml.ts';
import { receiveCallback, refusal, verifyUrl, type CallbackDeps } from '../../wecom/callbacks.ts';
import { aesKeyOf, type CallbackKeys, type SignedCallback } from '../../wecom/crypto.ts';
import { linkFriend } from '../../wecom/friendships.ts';
import { listFriends, wecomCoverage } from '../../wecom/friends.ts';
import { errorBody, raise, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { errors, scoped } from './pool-common.ts';
import * as s from './wecom-schemas.ts';

// WeCom routes (src/wecom/README.md). The callback is public but signed: WeCom's msg_signature over the token,
// timestamp, nonce and ciphertext; refusals name their reason (details.reason) and change nothing. Without a corp id,
// callback token and EncodingAESKey configured, the callback answers 404. Friends and coverage are the pool's: the
// caller's data scope, masked.

/** A POSTed callback body is small: WeCom's envelope of one event. */
const CALLBACK_BODY_LIMIT = 64 * 1024;

/** The callback keys of the configuration, or undefined when WeCom callbacks are not configured. */
function callbackKeys(ctx: RouteContext): CallbackKeys | undefined {
  const wecom = ctx.config.wecom;
  if (!wecom?.callbackToken || !wecom.aesKey) return undefined;
  const aesKey = aesKeyOf(wecom.aesKey);
  return aesKey.ok
    ? { token: wecom.callbackToken, aesKey: aesKey.value, receiveId: wecom.corpId }
    : undefined;
}

const signedOf = (req: FastifyRequest, encrypted: string | undefined): SignedCallback => {
  const q = req.query as { msg_signature?: string; timestamp?: string; nonce?: string };
  return { msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypted };
};

/** Registers the WeCom callback, friends and coverage routes. */
export function registerWecomRoutes(api: ZodApi, ctx: RouteContext): void {
  const keys = callbackKeys(ctx);
  const db = ctx.stores.operational.db;
  const callbackDeps = (k: CallbackKeys): CallbackDeps => ({
    db,
    clock: ctx.clock,
    keys: k,
    match: ctx.config.wecom?.match ?? [],
  });
  const configured = (): CallbackKeys => {
    if (!keys) throw new AppError('not_found', 'WeCom callbacks are not configured');
    return keys;
  };
  const callbackErrors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody };

  void api.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'string', bodyLimit: CALLBACK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );

    scope.get(
      '/v1/wecom/callback',
      {
        schema: {
          tags: ['wecom'],
          summary: "WeCom's URL verification: answers the decrypted echostr as text/plain",
          security: [],
          querystring: s.callbackQuery,
          response: { 200: s.callbackBody, ...callbackErrors },
        },
      },
      async (req, reply) => {
        const k = configured();
        const echo = unwrap(verifyUrl({ clock: ctx.clock, keys: k }, signedOf(req, req.query.echostr)));
        return reply.type('text/plain; charset=utf-8').send(echo);
      },
    );

    scope.post(
      '/v1/wecom/callback',
      {
        schema: {
          tags: ['wecom'],
          summary:
            'A WeCom event (change_external_contact, change_external_tag), encrypted in <xml><Encrypt/></xml> (text/xml); answers "success", a replay 409',
          security: [],
          consumes: ['text/xml', 'application/xml'],
          querystring: s.callbackQuery,
          body: s.callbackBody,
          response: { 200: s.callbackAccepted, ...callbackErrors },
        },
      },
      async (req, reply) => {
        const k = configured();
        const envelope = parseEnvelope(req.body);
        if (!envelope.ok)
          raise(refusal('bad_message', `the body is not a WeCom callback envelope: ${envelope.error}`));
        unwrap(await receiveCallback(callbackDeps(k), signedOf(req, envelope.value.encrypted)));
        return reply.type('text/plain; charset=utf-8').send('success');
      },
    );
  });

  api.get(
    '/v1/wecom/friends',
    {
      schema: {
        tags: ['wecom'],
        summary: "WeCom friendships of the staff in the caller's scope, newest first (names masked)",
        querystring: s.friendsQuery,
        response: { 200: s.friendsPage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const q = req.query;
      return listFriends(db, scope, {
        staffId: q.staffId,
        matched: q.matched === undefined ? undefined : q.matched === 'true',
        includeRemoved: q.includeRemoved === 'true',
        limit: q.limit,
        offset: q.offset,
      });
    },
  );

  api.post(
    '/v1/wecom/friends/link',
    {
      schema: {
        tags: ['wecom'],
        summary: "Link a WeCom friend to a customer by hand (both in the caller's scope); audited",
        body: s.linkBody,
        response: { 200: s.linkAnswer, ...errors },
      },
    },
    async (req) => {
      const { scope, actor } = await scoped(req, ctx, 'customers.write');
      const linked = unwrap(await linkFriend({ db, clock: ctx.clock }, scope, req.body, actor));
      return {
        staffId: req.body.staffId,
        externalUserid: req.body.externalUserid,
        customerNo: linked.customerNo,
        relinked: linked.previousCustomerId !== null,
      };
    },
  );

  api.get(
    '/v1/wecom/coverage',
    {
      schema: {
        tags: ['wecom'],
        summary:
          "WeCom coverage per manager in the caller's scope: friends, matched, unmatched, added and lost this business week",
        response: { 200: s.coverageAnswer, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      return wecomCoverage(db, scope, ctx.clock);
    },
  );
}
