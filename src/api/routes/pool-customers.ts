import { z } from 'zod';
import { runBulkAction } from '../../pool/bulk.ts';
import { browseCustomers, exportFiltered } from '../../pool/customer-list.ts';
import { exportHeaders } from '../../dictionary/headers.ts';
import { CUSTOMER_EXPORT_COLUMNS, CUSTOMER_EXPORT_NAMES, unassignedQueue } from '../../pool/customers.ts';
import { recordAudit } from '../../audit/audit.ts';
import { parseReveal } from '../../pool/mask.ts';
import { assignCustomers } from '../../pool/ownership.ts';
import { customerProfile } from '../../pool/profile.ts';
import { assignByRules } from '../../pool/rules.ts';
import { findCustomerInScope } from '../../pool/scope.ts';
import { customerTimeline, parseTimelineSources } from '../../pool/timeline.ts';
import { AppError, validationFailed } from '../../shared/errors.ts';
import { text } from '../../shared/text.ts';
import { raise, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import * as list from './customer-list-schemas.ts';
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
        summary:
          'Customers in your scope (own pool, branch subtree or all), filtered, sorted and paged, with the exact total; personal fields masked',
        querystring: list.customerListQuery,
        response: { 200: list.browsePage, ...errors },
      },
    },
    async (req) => {
      const { scope } = await scoped(req, ctx, 'customers.read');
      const { sort, order, limit, offset, ...query } = req.query;
      const filter = unwrap(list.parseFilter(query));
      const page = unwrap(
        await browseCustomers({ db, segments: ctx.segments }, scope, filter, {
          sort,
          limit,
          offset,
          ...(order ? { order } : {}),
        }),
      );
      return withTags(ctx, page);
    },
  );

  api.get(
    '/v1/customers/export',
    {
      schema: {
        tags: ['pool'],
        summary: 'The scoped, masked customer list as CSV (same filters as /v1/customers; audited)',
        querystring: list.customerExportQuery,
        response: errors, // 200 is text/csv, outside the JSON schemas
      },
    },
    async (req, reply) => {
      const { scope, actor } = await scoped(req, ctx, 'customers.export');
      const { sort, order, lang, ...query } = req.query;
      const filter = unwrap(list.parseFilter(query));
      const header = lang
        ? await exportHeaders(db, CUSTOMER_EXPORT_COLUMNS, lang, CUSTOMER_EXPORT_NAMES)
        : undefined;
      const result = unwrap(
        await exportFiltered(
          { db, segments: ctx.segments },
          scope,
          filter,
          { sort, ...(order ? { order } : {}) },
          header,
        ),
      );
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

  api.post(
    '/v1/customers/bulk',
    {
      schema: {
        tags: ['pool'],
        summary:
          'A bulk action (assign, create a task, add to a new list) on picked customers or on everyone a filter selects in your scope; counts done and refused by reason',
        body: list.bulkBody,
        response: { 200: list.bulkOutcome, ...errors },
      },
    },
    async (req) => {
      const { action, target } = req.body;
      const permission = { assign: 'pool.assign', task: 'customers.write', list: 'segments.manage' } as const;
      const { principal, scope, actor } = await scoped(req, ctx, permission[action.kind]);
      const resolved =
        'filter' in target
          ? { filter: unwrap(list.parseFilter(target.filter, ['target', 'filter'])) }
          : target;
      const bulkDeps = { ...deps, segments: ctx.segments };
      return unwrap(
        await runBulkAction(bulkDeps, { actor, scope, staffId: principal.staffId }, resolved, action),
      );
    },
  );

  api.get(
    '/v1/customers/:customerNo',
    {
      schema: {
        tags: ['pool'],
        summary:
          'Customer 360: profile (masked), owner, holdings, consents; ?reveal=phone&reason=… shows the chosen fields (audited with the reason)',
        params: s.customerNoParam,
        querystring: z.object({
          reveal: text()
            .max(200)
            .optional()
            .describe('the personal fields to show unmasked, comma-separated'),
          reason: text()
            .max(200)
            .optional()
            .describe('why the fields are revealed (required with reveal; kept in the audit log)'),
        }),
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
      const reason = req.query.reason?.trim() ?? '';
      if (reveal.fields.size > 0 && reason.length < 2)
        raise(
          validationFailed('revealing personal data needs a reason', [
            { path: ['reason'], message: 'required with reveal: why the fields are needed' },
          ]),
        );
      const profile = await customerProfile(
        db,
        { actor, scope },
        req.params.customerNo,
        reveal.fields,
        reason,
      );
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
