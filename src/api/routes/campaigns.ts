import { z } from 'zod';
import { campaignVersions } from '../../campaigns/progress.ts';
import { reviewStep, type ReviewStep } from '../../campaigns/review.ts';
import {
  controlCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  reviewCampaign,
  saveCampaignVersion,
  type CampaignDeps,
} from '../../campaigns/service.ts';
import { asFailure } from '../../segments/service.ts';
import { AppError, err, ok } from '../../shared/errors.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { registerCampaignRunRoutes } from './campaign-runs.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './campaigns-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** The campaign service's dependencies on the app: its audiences resolved by the app's one segment service. */
export function campaignDeps(ctx: Pick<RouteContext, 'stores' | 'clock' | 'segments'>): CampaignDeps {
  return {
    db: ctx.stores.operational.db,
    clock: ctx.clock,
    audience: async (population) => {
      const members = await ctx.segments.populationMembers(population);
      return members.ok
        ? ok({ bitmap: members.value.bitmap, asOf: members.value.entry.asOf })
        : err(asFailure(members.error));
    },
  };
}

/**
 * /v1/campaigns: campaigns as versions (create, save), maker-checker review, pause/resume/cancel; runs, progress,
 * preview and outbox in campaign-runs.ts. Audiences are bank-wide groups, so admins and analysts only; authoring and
 * control need campaigns.write, deciding campaigns.approve (never on one's own version).
 */
export function registerCampaignRoutes(api: ZodApi, ctx: RouteContext): void {
  const deps = campaignDeps(ctx);
  const db = deps.db;

  api.get(
    '/v1/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Campaigns, newest first',
        response: { 200: z.object({ campaigns: z.array(s.campaign) }), ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { campaigns: await listCampaigns(db) };
    },
  );

  api.post(
    '/v1/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Create a campaign with its first version (a draft)',
        body: s.campaignDraft,
        response: { 201: s.campaign, ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return reply.code(201).send(unwrap(await createCampaign(deps, who.actor, req.body)));
    },
  );

  api.get(
    '/v1/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'A campaign with every version, newest first',
        params: s.campaignId,
        response: { 200: s.campaignDetail, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const campaign = await getCampaign(db, req.params.id);
      if (!campaign) throw new AppError('not_found', `no campaign ${req.params.id}`);
      return { campaign, versions: await campaignVersions(db, req.params.id) };
    },
  );

  api.put(
    '/v1/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Save a new version (runs already started keep theirs)',
        params: s.campaignId,
        body: s.campaignDraft,
        response: { 200: s.campaign, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await saveCampaignVersion(deps, who.actor, req.params.id, req.body));
    },
  );

  const review = (
    action: ReviewStep['action'],
    permission: 'campaigns.write' | 'campaigns.approve',
    summary: string,
  ) =>
    api.post(
      `/v1/campaigns/:id/versions/:version/${action}`,
      {
        schema: {
          tags: ['campaigns'],
          summary,
          params: s.campaignVersionId,
          body: s.decision,
          response: { 200: s.campaign, ...errors },
        },
      },
      async (req) => {
        const who = await wholeBank(req, ctx, permission);
        const step = reviewStep(action, req.body?.note);
        return unwrap(await reviewCampaign(deps, who.actor, req.params.id, req.params.version, step));
      },
    );
  review('submit', 'campaigns.write', 'Submit a draft (or rejected) version for approval');
  review(
    'approve',
    'campaigns.approve',
    'Approve a submitted version (not your own): new runs use it; scheduled now, the first run starts',
  );
  review('reject', 'campaigns.approve', 'Reject a submitted version (not your own), with a note');

  const control = (action: 'pause' | 'resume' | 'cancel', summary: string) =>
    api.post(
      `/v1/campaigns/:id/${action}`,
      {
        schema: {
          tags: ['campaigns'],
          summary,
          params: s.campaignId,
          response: { 200: s.campaign, ...errors },
        },
      },
      async (req) => {
        const who = await wholeBank(req, ctx, 'campaigns.write');
        return unwrap(await controlCampaign(deps, who.actor, req.params.id, action));
      },
    );
  control('pause', 'Pause a campaign: its sending runs hold (nothing queued leaves)');
  control('resume', 'Resume a paused campaign: its runs send again');
  control('cancel', 'Cancel a campaign: queued deliveries are cancelled, no new run starts');

  registerCampaignRunRoutes(api, ctx, deps);
}
