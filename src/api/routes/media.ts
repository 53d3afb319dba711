import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ImportReport } from '../../ingest/run.ts';
import { DEFAULT_WINDOW_DAYS, runAttribution } from '../../media/attribution.ts';
import { listChannels, saveChannel } from '../../media/channels.ts';
import { compareChannels } from '../../media/comparison.ts';
import { comparisonCsv } from '../../media/export.ts';
import { importMediaText, type MediaImportKind } from '../../media/upload.ts';
import { recordAudit } from '../../audit/audit.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, raise, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './media-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/media: the registered channels, spend and brand report imports, the attribution run and the five-dimension
 * comparison (JSON and CSV). Bank-wide: reading needs analytics.read, importing and running campaigns.write.
 */
export function registerMediaRoutes(api: ZodApi, ctx: RouteContext): void {
  const db = ctx.stores.operational.db;
  const tags = ['media'];

  api.get(
    '/v1/media/channels',
    {
      schema: { tags, summary: 'The registered media channels', response: { 200: s.channelList, ...errors } },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { items: await listChannels(db) };
    },
  );

  api.post(
    '/v1/media/channels',
    {
      schema: {
        tags,
        summary: 'Register a media channel or change its names, kind and aliases (audited)',
        body: s.channelBody,
        response: { 200: s.channel, 201: s.channel, ...errors, 422: errorBody },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'campaigns.write');
      const saved = unwrap(await saveChannel(db, req.body, principal.actor));
      return reply.code(saved.created ? 201 : 200).send(req.body);
    },
  );

  const upload = (kind: MediaImportKind, path: string, summary: string) =>
    api.post(
      path,
      {
        schema: {
          tags,
          summary,
          querystring: s.uploadQuery,
          body: s.uploadBody,
          response: { 201: s.importResult, ...errors, 413: errorBody, 422: errorBody },
        },
      },
      async (req, reply) => {
        const principal = await wholeBank(req, ctx, 'campaigns.write');
        const body = req.body;
        const csv = typeof body === 'string' ? body : body.csv;
        const mapping = typeof body === 'string' ? parseMapping(req.query.mapping) : body.mapping;
        const allowPartial =
          typeof body === 'string' ? req.query.allowPartial === 'true' : body.allowPartial === true;
        const result = await importMediaText(
          { operational: ctx.stores.operational, clock: ctx.clock, logger: ctx.logger },
          { kind, csv, ...(mapping ? { mapping } : {}), allowPartial, actor: principal.actor },
        );
        if (!result.ok) return raise(result.error);
        return sendReport(reply, result.value);
      },
    );
  upload(
    'media_spend',
    '/v1/media/spend',
    'Import spend and delivery per channel, campaign and day (CSV: channel, campaign, day, impressions, clicks, cost); ' +
      'all or nothing unless allowPartial (422 import_rejected with the rows located at /rows/<n>/<field>); re-importing changes nothing',
  );
  upload(
    'media_brand',
    '/v1/media/brand',
    'Import brand figures per channel and period (CSV: channel, period, branded_search, direct_visits, awareness); ' +
      'all or nothing unless allowPartial; re-importing changes nothing',
  );

  api.post(
    '/v1/media/attribution/run',
    {
      schema: {
        tags,
        summary:
          "Recompute every customer's first- and last-touch channel for one attribution window (default 30 days), with the acquired's quality facts",
        body: s.attributionBody.optional(),
        response: { 200: s.attributionRun, ...errors },
      },
    },
    async (req) => {
      const principal = await wholeBank(req, ctx, 'campaigns.write');
      return runAttribution(
        { db, events: ctx.stores.events, clock: ctx.clock },
        { actor: principal.actor, ...(req.body?.windowDays ? { windowDays: req.body.windowDays } : {}) },
      );
    },
  );

  const compare = (query: z.infer<typeof s.comparisonQuery>) =>
    compareChannels({ db, clock: ctx.clock }, { from: query.from, to: query.to, windowDays: query.window });

  api.get(
    '/v1/media/comparison',
    {
      schema: {
        tags,
        summary:
          'Per channel the five dimensions (scale, quality, cost, brand value, spillover) with every metric, its definition (en/zh), the window and the freshness',
        querystring: s.comparisonQuery,
        response: { 200: s.comparisonOrPending, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const result = await compare(req.query);
      // No attribution for the window yet is a state of a new installation, not a failed request: the page offers
      // to run it.
      if (!result.ok && result.error.code === 'not_enough_data')
        return {
          windowDays: req.query.window ?? DEFAULT_WINDOW_DAYS,
          attribution: null,
          message: result.error.message,
        };
      return unwrap(result);
    },
  );

  api.get(
    '/v1/media/comparison.csv',
    {
      schema: {
        tags,
        summary: 'The comparison as CSV, one row per channel (the export is audited)',
        querystring: s.comparisonQuery,
        response: { 200: z.string(), ...errors, 422: errorBody },
      },
    },
    async (req, reply) => {
      const principal = await wholeBank(req, ctx, 'analytics.read');
      const c = unwrap(await compare(req.query));
      await recordAudit(db, {
        actor: principal.actor,
        action: 'media.comparison.export',
        entityType: 'media_comparison',
        details: { from: c.from, to: c.to, windowDays: c.windowDays },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="media-${c.from}-${c.to}.csv"`)
        .send(comparisonCsv(c));
    },
  );
}

/** The mapping JSON of a text/csv upload's query, if any. */
function parseMapping(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('validation_failed', `mapping is not valid JSON: ${(error as Error).message}`);
  }
}

/** 201 with the report, or 422 import_rejected naming each rejected row at /rows/<n>/<field>. */
function sendReport(reply: FastifyReply, r: ImportReport): FastifyReply {
  const firstErrors = r.firstErrors.map((e) => ({ ...e, path: `/rows/${e.row}/${e.field}` }));
  if (r.status === 'rejected')
    throw new AppError(
      'import_rejected',
      `${r.rejected} row(s) rejected, nothing was written (fix them, or upload with allowPartial)`,
      { rejected: r.rejected, read: r.read, firstErrors },
    );
  const { runId, status, read, inserted, updated, unchanged, rejected, skipped, elapsedMs } = r;
  return reply.code(201).send({
    runId,
    status,
    read,
    inserted,
    updated,
    unchanged,
    rejected,
    skipped,
    firstErrors,
    elapsedMs,
  });
}
