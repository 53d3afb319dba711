import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Bilingual } from '../../contracts/common.ts';
import { daySchema } from '../../shared/day.ts';
import { AppError, failureError } from '../../shared/errors.ts';
import type { Principal } from '../../auth/principal.ts';
import type { TagAuthor, TagFailure } from '../../tags/service.ts';
import { jsonObject, text } from '../../shared/text.ts';
import { findCustomerInScope } from '../../pool/scope.ts';
import { errorBody, sendError, type RouteContext, type ZodApi } from '../http.ts';
import { scoped, wholeBank } from './pool-common.ts';

// Tag catalogue, computation and portraits (label portrait engine, src/tags). Thin: authenticate, validate, call the
// TagService, present. Definition bodies are validated by the domain so that every problem comes back as
// 400 invalid_tag with { issues: [{ path, message }] }. The catalogue, runs and trends count every customer of the
// bank, so those routes are for whole-bank roles (admin, analyst; 403 otherwise: `wholeBank`); a portrait is one
// customer, checked against the caller's scope (404 outside it).

const label = Bilingual;
const valueItem = z.object({ value: z.string(), label, members: z.number(), share: z.number() });
const tagItem = z.object({
  key: z.string(),
  version: z.number(),
  name: label,
  description: z.string().nullable(),
  category: z.string(),
  kind: z.string(),
  status: z.string(),
  builtin: z.boolean(),
  spec: z.unknown(),
  coverage: z.number(),
  values: z.array(valueItem),
});
const tagResult = z.object({
  key: z.string(),
  status: z.enum(['ok', 'failed']),
  values: z.number(),
  members: z.number(),
  elapsedMs: z.number(),
  error: z.string().optional(),
});
const run = z.object({
  id: z.number(),
  asOf: z.string(),
  trigger: z.string(),
  status: z.string(),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  results: z.array(tagResult),
});
const keyParam = z.object({ key: text().min(1).max(63) });
const definitionBody = jsonObject().describe(
  '{ key, name_en, name_zh, description?, category, kind, spec } — see src/tags/README.md for each kind',
);
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** The definition's author as the tag service needs it: who, and whether they hold tags.sql. */
const authorOf = (principal: Principal): TagAuthor => ({
  actor: principal.actor,
  maySql: principal.permissions.has('tags.sql'),
});

/** Answers a domain refusal with the usual error body (invalid_tag: 400 with its issues). */
function refuse(reply: FastifyReply, failure: TagFailure): FastifyReply {
  return sendError(reply, failureError(failure));
}

/** /v1/tags… and /v1/customers/:customerNo/portrait. */
export function registerTagRoutes(api: ZodApi, ctx: RouteContext): void {
  const tags = ctx.tags;
  // Manual tag values may be posted as a CSV file (customer_no,value).
  api.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  api.get(
    '/v1/tags',
    {
      schema: {
        tags: ['tags'],
        summary: 'Every active tag with its values, members and shares on the latest snapshot day',
        response: {
          200: z.object({ asOf: z.string().nullable(), customers: z.number(), tags: z.array(tagItem) }),
          ...errors,
        },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'customers.read');
      return tags.list();
    },
  );

  api.get(
    '/v1/tags/runs',
    {
      schema: {
        tags: ['tags'],
        summary: 'The latest tag computations, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
        response: { 200: z.object({ runs: z.array(run) }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'customers.read');
      return { runs: await tags.runs(req.query.limit) };
    },
  );

  api.get(
    '/v1/tags/:key',
    {
      schema: {
        tags: ['tags'],
        summary: 'One tag with its versions',
        params: keyParam,
        response: {
          200: tagItem.extend({
            versions: z.array(
              z.object({ version: z.number(), created_by: z.string(), created_at: z.string() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      await wholeBank(req, ctx, 'customers.read');
      const result = await tags.get(req.params.key);
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );

  api.get(
    '/v1/tags/:key/trend',
    {
      schema: {
        tags: ['tags'],
        summary: 'Members per value on each snapshot day of the last `days` days',
        params: keyParam,
        querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
        response: {
          200: z.object({
            key: z.string(),
            points: z.array(
              z.object({
                asOf: z.string(),
                values: z.array(z.object({ value: z.string(), members: z.number() })),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      await wholeBank(req, ctx, 'customers.read');
      const result = await tags.trend(req.params.key, req.query.days);
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );

  api.post(
    '/v1/tags',
    {
      schema: {
        tags: ['tags'],
        summary: 'Create a tag',
        body: definitionBody,
        response: { 200: tagItem, ...errors },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'tags.manage');
      const result = await tags.create(req.body, authorOf(principal));
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );

  api.put(
    '/v1/tags/:key',
    {
      schema: {
        tags: ['tags'],
        summary: 'Write a new version of a tag (body as for create, without key)',
        params: keyParam,
        body: definitionBody,
        response: { 200: tagItem, ...errors },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'tags.manage');
      const result = await tags.update(req.params.key, req.body, authorOf(principal));
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );

  api.delete(
    '/v1/tags/:key',
    {
      schema: {
        tags: ['tags'],
        summary: 'Retire a tag (past snapshots stay)',
        params: keyParam,
        response: {
          200: z.object({ key: z.string(), status: z.literal('retired'), version: z.number() }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'tags.manage');
      const result = await tags.retire(req.params.key, authorOf(principal));
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );

  api.post(
    '/v1/tags/compute',
    {
      schema: {
        tags: ['tags'],
        summary:
          'Compute tags for a day (default today; all active tags unless keys) and wait for the result',
        body: z
          .object({ asOf: daySchema.optional(), keys: z.array(text().min(1)).min(1).max(500).optional() })
          .default({}),
        response: {
          200: z.object({
            runId: z.number(),
            asOf: z.string(),
            status: z.enum(['done', 'failed']),
            results: z.array(tagResult),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'tags.manage');
      const result = await tags.compute(
        {
          ...(req.body.asOf ? { asOf: req.body.asOf } : {}),
          ...(req.body.keys ? { keys: req.body.keys } : {}),
        },
        'manual',
        principal.actor,
      );
      if (!result.ok) return refuse(reply, result.error);
      const { runId, asOf, status, results } = result.value;
      return { runId, asOf, status, results };
    },
  );

  api.post(
    '/v1/tags/:key/values',
    {
      schema: {
        tags: ['tags'],
        summary:
          'Import values of a manual tag: JSON { rows: [{ customer_no, value }] } or text/csv customer_no,value; all or nothing',
        params: keyParam,
        querystring: z.object({ replace: z.enum(['true', 'false']).optional() }),
        body: z.union([
          z.object({
            rows: z.array(z.object({ customer_no: text().min(1), value: text() })).max(1_000_000),
          }),
          // Not text(): the import refuses a row with NUL on that row (src/tags/manual.ts), not the whole file.
          z.string(),
        ]),
        response: {
          200: z.object({ imported: z.number(), unknownCustomerNos: z.array(z.string()) }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'tags.manage');
      const input = typeof req.body === 'string' ? { csv: req.body } : { rows: req.body.rows };
      const result = await tags.importValues(req.params.key, input, principal.actor, {
        replace: req.query.replace === 'true',
      });
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );

  api.get(
    '/v1/customers/:customerNo/portrait',
    {
      schema: {
        tags: ['tags'],
        summary: "A customer's label portrait: every tag value on the latest snapshot day",
        params: z.object({ customerNo: text().min(1).max(64) }),
        response: {
          200: z.object({
            customerNo: z.string(),
            customerId: z.number(),
            asOf: z.string().nullable(),
            elapsedMs: z.number(),
            tags: z.array(
              z.object({ key: z.string(), name: label, category: z.string(), value: z.string(), label }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      // A single customer: the pool's scope check, so a customer outside the caller's scope is not found (404).
      const { scope } = await scoped(req, ctx, 'customers.read');
      if (!(await findCustomerInScope(ctx.stores.operational.db, scope, req.params.customerNo)))
        throw new AppError('not_found', `no customer ${req.params.customerNo}`);
      const result = await tags.portrait(req.params.customerNo);
      return result.ok ? result.value : refuse(reply, result.error);
    },
  );
}
