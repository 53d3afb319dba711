import { z } from 'zod';
import { exportHeaders } from '../../dictionary/headers.ts';
import {
  CUSTOMER_EXPORT_COLUMNS,
  CUSTOMER_EXPORT_NAMES,
  exportCustomersCsv,
  listCustomers,
  unassignedQueue,
} from '../../pool/customers.ts';
import { recordAudit } from '../../audit/audit.ts';
import { parseReveal } from '../../pool/mask.ts';
import { assignCustomers } from '../../pool/ownership.ts';
import { customerProfile } from '../../pool/profile.ts';
import { assignByRules } from '../../pool/rules.ts';
import { findCustomerInScope } from '../../pool/scope.ts';
import { customerTimeline, parseTimelineSources } from '../../pool/timeline.ts';
import { AppError } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import type { RouteContext, ZodApi } from '../http.ts';
import { countBy, errors, scoped, withTags } from './pool-common.ts';
import * as s from './pool-schemas.ts';
import { page, Tier } from '../../contracts/common.ts';

/** Parses `tier=gold,platinum`. */
export function parseTiers(text: string | undefined): Tier[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const tiers = text.split(',').map((t) => t.trim());
  const bad = tiers.filter((t) => !Tier.options.includes(t as Tier));
  if (bad.length > 0) throw new AppError('validation_failed', `unknown tier: ${bad.join(', ')}`);
  return tiers as Tier[];
}

/** /v1/customers (scoped, masked list; 360 profile; timeline), assignment and the unassigned queue. */
export function registerPoolCustomerRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const deps = { db, clock: ctx.clock };

  api.get(
    '/v1/customers',
    {
      schema: {
        tags: ['pool'],
        summary: 'Customers in your scope (own pool, branch subtree or all), personal fields masked',
        querystring: s.customerListQuery,
        response: { 200: s.customerPage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const { tier, ...rest } = req.query;
      return withTags(ctx, await listCustomers(db, scope, { ...rest, tiers: parseTiers(tier) }));
    },
  );

  api.get(
    '/v1/customers/export',
    {
      schema: {
        tags: ['pool'],
        summary: 'The scoped, masked customer list as CSV (same filters as /v1/customers; audited)',
        querystring: s.customerListQuery.omit({ limit: true, offset: true }).extend({
          lang: z
            .enum(['zh', 'en'])
            .optional()
            .describe('header row by display name in this language; column keys without it'),
        }),
        response: errors, // 200 is text/csv, outside the JSON schemas
      },
    },
    async (req, reply) => {
      const { scope, actor } = await scoped(req, ctx, 'customers.export');
      const { tier, lang, ...rest } = req.query;
      const filters = { ...rest, tiers: parseTiers(tier) };
      const header = lang
        ? await exportHeaders(db, CUSTOMER_EXPORT_COLUMNS, lang, CUSTOMER_EXPORT_NAMES)
        : CUSTOMER_EXPORT_COLUMNS;
      const result = await exportCustomersCsv(db, scope, filters, header);
      if ('tooMany' in result)
        throw new AppError(
          'bad_request',
          `${result.tooMany} customers match: narrow the filters (at most 100,000)`,
        );
      await recordAudit(db, {
        actor,
        action: 'customers.export',
        entityType: 'customer_batch',
        details: { filters: req.query, rows: result.rows },
      });
      return reply
        .header('content-disposition', 'attachment; filename="customers.csv"')
        .type('text/csv; charset=utf-8')
        .send(result.csv as never); // text, not the JSON the error schemas describe
    },
  );

  api.get(
    '/v1/customers/:customerNo',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Customer 360: profile (masked), owner, holdings, consents; ?reveal=phone,id_number (audited)',
        params: s.customerNoParam,
        querystring: z.object({ reveal: text().max(200).optional() }),
        response: { 200: s.profile, ...errors },
      },
    },
    async (req) => {
      const { principal, scope, actor } = await scoped(req, ctx, 'customers.read');
      const reveal = parseReveal(req.query.reveal);
      if (reveal.unknown.length > 0)
        throw new AppError('validation_failed', `cannot reveal: ${reveal.unknown.join(', ')}`);
      // Without the permission a reveal is refused outright, before looking the customer up.
      if (reveal.fields.size > 0 && !principal.permissions.has('customers.reveal_pii'))
        throw new AppError('forbidden', `role ${principal.role} lacks permission customers.reveal_pii`);
      const profile = await customerProfile(db, { actor, scope }, req.params.customerNo, reveal.fields);
      if (!profile) throw new AppError('not_found', `no customer ${req.params.customerNo}`);
      return profile;
    },
  );

  api.get(
    '/v1/customers/:customerNo/timeline',
    {
      schema: {
        tags: ['pool'],
        summary: 'Interactions, app events, holdings, ownership and consent changes, newest first, paged',
        params: s.customerNoParam,
        querystring: s.timelineQuery,
        response: { 200: s.timelinePage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const customer = await findCustomerInScope(db, scope, req.params.customerNo);
      if (!customer) throw new AppError('not_found', `no customer ${req.params.customerNo}`);
      const sources = parseTimelineSources(req.query.sources);
      if (!sources.ok) throw new AppError('validation_failed', sources.error);
      const page = await customerTimeline({ db, events: ctx.stores.events, clock: ctx.clock }, customer.id, {
        limit: req.query.limit,
        before: req.query.before,
        sources: sources.value,
      });
      if (!page.ok) throw new AppError('bad_request', page.error);
      for (const source of page.value.sources)
        if (source.error)
          req.log.warn({ source: source.source, error: source.error }, 'timeline source unavailable');
      return page.value;
    },
  );

  api.post(
    '/v1/customers/assign',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Assign customers by hand ({items}) or by the assignment rules ({byRules: true}); per-item results',
        body: s.assignBody,
        response: { 200: s.assignResponse, ...errors },
      },
    },
    async (req) => {
      const who = await scoped(req, ctx, 'pool.assign');
      if ('byRules' in req.body) {
        const results = await assignByRules(deps, who, { limit: req.body.limit });
        return { results, counts: countBy(results) };
      }
      const results = await assignCustomers(deps, who, req.body.items, req.body.reason ?? null);
      return { results, counts: countBy(results) };
    },
  );

  api.get(
    '/v1/pool/unassigned',
    {
      schema: {
        tags: ['pool'],
        summary: 'Customers without an owner, or whose owner departed, richest first',
        querystring: z.object({ orgUnitId: text().optional(), ...page }),
        response: { 200: s.unassignedPage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'pool.assign');
      return unassignedQueue(db, scope, req.query);
    },
  );
}
