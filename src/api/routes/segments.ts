import { Readable } from 'node:stream';
import { z } from 'zod';
import { analyseGroup } from '../../analytics/group.ts';
import { catalogueView } from '../../segments/catalogue.ts';
import { exportSegment } from '../../segments/export.ts';
import { listLists, uploadList } from '../../segments/lists.ts';
import { materializeAll, materializeSegment } from '../../segments/materialize.ts';
import {
  archiveSegment,
  createSegment,
  getSegment,
  listSegments,
  segmentVersions,
  updateSegment,
} from '../../segments/segment-store.ts';
import type { Population } from '../../contracts/population.ts';
import { RuleSchema } from '../../contracts/rule.ts';
import type { Day } from '../../shared/day.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './segment-schemas.ts';
import { segmentServiceOf } from './segment-service.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** /v1/segments and /v1/lists: the rule builder's catalogue and preview, saved segments, lists, analysis, export. */
export function registerSegmentRoutes(api: ZodApi, ctx: RouteContext): void {
  // One service (and so one index cache) per app: every request of the process shares the built indexes.
  const service = segmentServiceOf(ctx);
  const db = ctx.stores.operational.db;

  api.get(
    '/v1/segments/catalogue',
    {
      schema: {
        tags: ['segments'],
        summary: 'Everything a rule may name: tags, attributes, holdings, events, segments, lists',
        querystring: z.object({ asOf: s.asOfDay }),
        response: { 200: s.catalogue, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return catalogueView(await service.entry(req.query.asOf));
    },
  );

  api.post(
    '/v1/segments/preview',
    {
      schema: {
        tags: ['segments'],
        summary: 'Count the members of a rule (invalid rule: 400 invalid_rule with the path of each problem)',
        body: z.object({ rule: RuleSchema, asOf: s.asOfDay }),
        response: { 200: z.object({ count: z.number().int(), elapsed_ms: z.number() }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await service.preview(req.body.rule, req.body.asOf));
    },
  );

  api.get(
    '/v1/segments',
    {
      schema: {
        tags: ['segments'],
        querystring: z.object({ includeArchived: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ segments: z.array(s.segmentItem) }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { segments: await listSegments(db, { includeArchived: req.query.includeArchived === 'true' }) };
    },
  );

  api.post(
    '/v1/segments',
    { schema: { tags: ['segments'], body: s.segmentInput, response: { 201: s.segmentItem, ...errors } } },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'segments.manage');
      const item = unwrap(await createSegment(service, req.body, who.actor));
      return reply.code(201).send(item);
    },
  );

  api.get(
    '/v1/segments/:id',
    { schema: { tags: ['segments'], params: s.segmentId, response: { 200: s.segmentItem, ...errors } } },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const item = await getSegment(db, req.params.id);
      if (!item) throw new AppError('not_found', `no segment ${req.params.id}`);
      return item;
    },
  );

  api.put(
    '/v1/segments/:id',
    {
      schema: {
        tags: ['segments'],
        params: s.segmentId,
        body: s.segmentInput.omit({ id: true }),
        response: { 200: s.segmentItem, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'segments.manage');
      return unwrap(await updateSegment(service, req.params.id, req.body, who.actor));
    },
  );

  api.delete(
    '/v1/segments/:id',
    {
      schema: {
        tags: ['segments'],
        summary: 'Archive a segment (refused with 409 while another active segment uses it)',
        params: s.segmentId,
        response: { 200: s.segmentItem, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'segments.manage');
      return unwrap(await archiveSegment(service, req.params.id, who.actor));
    },
  );

  api.get(
    '/v1/segments/:id/versions',
    {
      schema: {
        tags: ['segments'],
        params: s.segmentId,
        response: { 200: z.object({ versions: z.array(s.versionItem) }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const versions = await segmentVersions(db, req.params.id);
      if (!versions) throw new AppError('not_found', `no segment ${req.params.id}`);
      return { versions };
    },
  );

  api.post(
    '/v1/segments/:id/materialize',
    {
      schema: {
        tags: ['segments'],
        summary: "Store the segment's members for a day (replaces that day's snapshot)",
        params: s.segmentId,
        body: z.object({ asOf: s.asOfDay }).optional(),
        response: { 200: s.materialized, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'segments.manage');
      const asOf = req.body?.asOf;
      return unwrap(
        await materializeSegment(service, req.params.id, { actor: who.actor, ...(asOf ? { asOf } : {}) }),
      );
    },
  );

  api.post(
    '/v1/segments/materialize',
    {
      schema: {
        tags: ['segments'],
        summary: 'The daily job: store every active segment for a day; reports each segment',
        body: z.object({ asOf: s.asOfDay }).optional(),
        response: { 200: s.materializeRun, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'segments.manage');
      return materializeAll(service, req.body?.asOf ?? service.today(), who.actor);
    },
  );

  api.get(
    '/v1/segments/:id/export',
    {
      schema: {
        tags: ['segments'],
        summary: "The segment's customer numbers as CSV (audited): the day's snapshot with asOf, else live",
        params: s.segmentId,
        querystring: z.object({ asOf: s.asOfDay }),
        response: errors,
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'segments.export');
      const asOf = req.query.asOf;
      const result = unwrap(
        await exportSegment(service, req.params.id, { actor: who.actor, ...(asOf ? { asOf } : {}) }),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="segment-${result.segmentId}-${result.asOf}.csv"`,
        )
        .header('x-members', String(result.members))
        .send(Readable.from(result.csv) as never); // a stream is piped as it is: no schema applies to it
    },
  );

  /** The group analysis of a population: a saved segment's has its growth over the segment's snapshots. */
  async function analyse(population: Population, options: { asOf?: Day; minSupport?: number }) {
    const members = unwrap(await service.populationMembers(population, options.asOf));
    return analyseGroup(db, members.entry, members.bitmap, {
      ...('segmentId' in population ? { segmentId: population.segmentId } : {}),
      ...(options.minSupport ? { minSupport: options.minSupport } : {}),
    });
  }

  api.post(
    '/v1/segments/analysis',
    {
      schema: {
        tags: ['segments'],
        summary:
          'Scale, growth, reach, stickiness, portrait and concentration of a group: a saved segment (with its growth ' +
          'over its snapshots) or a rule',
        body: s.analysisInput,
        response: { 200: s.analysis, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { population, ...options } = req.body;
      return analyse(population, options);
    },
  );

  api.get(
    '/v1/segments/:id/analysis',
    {
      schema: {
        tags: ['segments'],
        summary: 'The group analysis of a saved segment (POST /v1/segments/analysis with {"segmentId": id})',
        params: s.segmentId,
        querystring: s.analysisInput.omit({ population: true }),
        response: { 200: s.analysis, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return analyse({ segmentId: req.params.id }, req.query);
    },
  );

  api.post(
    '/v1/lists',
    {
      schema: {
        tags: ['segments'],
        summary:
          'Upload a customer list (422 unknown_customers when numbers are unknown, unless allowUnknown)',
        body: s.listInput,
        response: {
          201: s.listItem.extend({ unknownCustomerNos: z.array(z.string()) }),
          ...errors,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'segments.manage');
      const item = unwrap(await uploadList(service, req.body, who.actor));
      return reply.code(201).send(item);
    },
  );

  api.get(
    '/v1/lists',
    {
      schema: { tags: ['segments'], response: { 200: z.object({ lists: z.array(s.listItem) }), ...errors } },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { lists: await listLists(db) };
    },
  );
}
