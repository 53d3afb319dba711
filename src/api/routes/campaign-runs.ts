import { Readable } from 'node:stream';
import { recordAudit } from '../../audit/audit.ts';
import { campaignRuns, outboxPage } from '../../campaigns/progress.ts';
import { resultsByProductRole } from '../../campaigns/results/by-product-role.ts';
import { resultsCsv } from '../../campaigns/results/export.ts';
import { campaignResults } from '../../campaigns/results/service.ts';
import { getCampaign, previewCampaign, type CampaignDeps } from '../../campaigns/service.ts';
import { shiftDay } from '../../shared/day.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './campaigns-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * A campaign's preview waterfall, its runs with live progress, the outbox's messages, a run's results, and the
 * results of every campaign compared by product role.
 */
export function registerCampaignRunRoutes(api: ZodApi, ctx: RouteContext, deps: CampaignDeps): void {
  const db = deps.db;
  const existing = async (id: number) => {
    if (!(await getCampaign(db, id))) throw new AppError('not_found', `no campaign ${id}`);
  };

  api.post(
    '/v1/campaigns/preview',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'The waterfall of a draft now: audience → consent → do-not-contact → caps → control/holdout → to send ' +
          '(+ deferred by quiet hours); a run started now sends these numbers',
        body: s.campaignDraft,
        querystring: s.previewQuery,
        response: { 200: s.previewAnswer, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const id = req.query.campaignId;
      if (id !== undefined) await existing(id);
      return unwrap(await previewCampaign(deps, req.body, id));
    },
  );

  api.get(
    '/v1/campaigns/:id/runs',
    {
      schema: {
        tags: ['campaigns'],
        summary: "A campaign's runs, newest first, with deliveries counted by status and channel now",
        params: s.campaignId,
        response: { 200: s.runs, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      await existing(req.params.id);
      return { runs: await campaignRuns(db, req.params.id) };
    },
  );

  api.get(
    '/v1/campaigns/:id/outbox',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Messages a campaign put in the demo outbox, newest first (personal values masked)',
        params: s.campaignId,
        querystring: s.outboxQuery,
        response: { 200: s.outboxPage, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      await existing(req.params.id);
      const { runId, ...page } = req.query;
      return outboxPage(db, req.params.id, { ...page, ...(runId === undefined ? {} : { runId }) });
    },
  );

  const resultsDeps = { db, events: ctx.stores.events, clock: ctx.clock };

  api.get(
    '/v1/campaigns/:id/results',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "A run's results: funnel, by tier and lifecycle stage, lift over the control group, cost; each figure " +
          'with its definition, and how fresh the events are',
        params: s.campaignId,
        querystring: s.resultsQuery,
        response: { 200: s.results, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const run = req.query.run;
      return unwrap(
        await campaignResults(resultsDeps, req.params.id, run === undefined ? {} : { runId: run }),
      );
    },
  );

  api.get(
    '/v1/campaigns/:id/results.csv',
    {
      schema: {
        tags: ['campaigns'],
        summary: "A run's results as CSV (totals, by tier, by lifecycle stage); the export is audited",
        params: s.campaignId,
        querystring: s.resultsCsvQuery,
        response: errors,
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'analytics.read');
      const run = req.query.run;
      const results = unwrap(
        await campaignResults(resultsDeps, req.params.id, run === undefined ? {} : { runId: run }),
      );
      await recordAudit(db, {
        actor: who.actor,
        action: 'campaign.results.export',
        entityType: 'campaign',
        entityId: String(req.params.id),
        details: { run: results.run.id },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="campaign-${req.params.id}-run-${results.run.id}.csv"`,
        )
        .send(Readable.from([resultsCsv(results, req.query.lang ?? 'zh')]) as never);
    },
  );

  api.get(
    '/v1/campaign-results/by-product-role',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          "Runs completed in a range of business days, every campaign, summed by the role of their content's " +
          'product (traffic, hot-selling, main profit, none): targeted, sent, clicked, converted, conversion rate',
        querystring: s.byProductRoleQuery,
        response: { 200: s.byProductRole, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const to = req.query.to ?? ctx.clock.today();
      const from = req.query.from ?? shiftDay(to, -89);
      if (from > to) throw new AppError('bad_request', `from: the range starts after it ends (${to})`);
      return resultsByProductRole(resultsDeps, { from, to });
    },
  );
}
