import { z } from 'zod';
import {
  addDoNotContact,
  listDoNotContact,
  removeDoNotContact,
} from '../../campaigns/policy/do-not-contact.ts';
import { contactPolicy, saveContactPolicy } from '../../campaigns/policy/store.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './contact-policy-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/contact-policy and /v1/channels: the hard limits every message passes (quiet hours, caps, holdout, service
 * exemptions), the do-not-contact list, and the bank's channels. Reading the policy and channels is for whoever plans
 * campaigns; changing them, and the do-not-contact list (customers by number), is policy.manage (admins).
 */
export function registerContactPolicyRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };

  api.get(
    '/v1/contact-policy',
    {
      schema: {
        tags: ['campaigns'],
        summary: "The bank's contact policy (the defaults until an admin saves one)",
        response: { 200: s.policyAnswer, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { policy: await contactPolicy(db), timeZone: ctx.clock.timeZone };
    },
  );

  api.put(
    '/v1/contact-policy',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Replace the contact policy (audited with the whole new policy)',
        body: s.contactPolicy,
        response: { 200: s.policyAnswer, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'policy.manage');
      await saveContactPolicy(deps, who.actor, req.body);
      return { policy: await contactPolicy(db), timeZone: ctx.clock.timeZone };
    },
  );

  api.get(
    '/v1/contact-policy/do-not-contact',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Customers the bank must not contact, newest first (names masked)',
        querystring: s.doNotContactQuery,
        response: { 200: s.doNotContactPage, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'policy.manage');
      return listDoNotContact(db, req.query);
    },
  );

  api.post(
    '/v1/contact-policy/do-not-contact',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Put a customer on the do-not-contact list (again: the reason is replaced)',
        body: s.doNotContactInput,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'policy.manage');
      unwrap(await addDoNotContact(deps, who.actor, req.body.customerNo, req.body.reason));
      return reply.code(204).send(null);
    },
  );

  api.delete(
    '/v1/contact-policy/do-not-contact/:customerNo',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Take a customer off the do-not-contact list',
        params: s.doNotContactKey,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'policy.manage');
      unwrap(await removeDoNotContact(deps, who.actor, req.params.customerNo));
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/v1/channels',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "The bank's channels: key, kind, the touchpoint each reaches, the variant it sends (no secrets)",
        response: { 200: s.channelList, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const channels = await db
        .selectFrom('channels')
        .select(['key', 'kind', 'reaches', 'variant', 'enabled'])
        .orderBy('key')
        .execute();
      return { channels };
    },
  );
}
