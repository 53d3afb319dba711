import { attainmentList, subjectPlan } from '../../ogsm/review.ts';
import { scenesAnalysis } from '../../ogsm/scenes.ts';
import { reviewPlan, savePlan } from '../../ogsm/service.ts';
import type { OgsmDeps } from '../../ogsm/subjects.ts';
import { shiftDay } from '../../shared/day.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './ogsm-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/** Most business days the scenes analysis spans. */
const MAX_SCENE_DAYS = 366;

/**
 * /v1/ogsm: a campaign's or journey's OGSM plan (read with each goal measured now, saved, reviewed) and the
 * bank-wide attainment list; /v1/analytics/scenes. Bank-wide like campaigns: reading needs analytics.read, changes
 * campaigns.write.
 */
export function registerOgsmRoutes(api: ZodApi, ctx: RouteContext): void {
  const deps: OgsmDeps = { db: ctx.stores.operational.db, events: ctx.stores.events, clock: ctx.clock };
  const tags = ['ogsm'];

  api.get(
    '/v1/ogsm',
    {
      schema: {
        tags,
        summary: "Every OGSM plan's goal attainment (of one kind of subject), most recently changed first",
        querystring: s.listQuery,
        response: { 200: s.attainmentList, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { items: await attainmentList(deps, req.query.kind) };
    },
  );

  api.get(
    '/v1/ogsm/:kind/:id',
    {
      schema: {
        tags,
        summary:
          'A plan with each goal measured now: value, target, attainment, lift against control where one exists, ' +
          'window and freshness; a subject without a plan answers its subject and `plan: null` (404: no such subject)',
        params: s.subjectParams,
        response: { 200: s.subjectPlan, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await subjectPlan(deps, req.params));
    },
  );

  api.put(
    '/v1/ogsm/:kind/:id',
    {
      schema: {
        tags,
        summary:
          "Save the subject's plan (its next version); a strategy sent without a score keeps its score",
        params: s.subjectParams,
        body: s.OgsmPlan,
        response: { 200: s.saved, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await savePlan(deps, who.actor, req.params, req.body));
    },
  );

  api.post(
    '/v1/ogsm/:kind/:id/review',
    {
      schema: {
        tags,
        summary: 'Score strategies (1–5) and write the lesson: the plan’s next version',
        params: s.subjectParams,
        body: s.OgsmReview,
        response: { 200: s.saved, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await reviewPlan(deps, who.actor, req.params, req.body));
    },
  );

  api.get(
    '/v1/analytics/scenes',
    {
      schema: {
        tags: ['analytics'],
        summary:
          'Contacts grouped by scene and product role: the lifecycle-stage moves of the treated N days after ' +
          'contact, against the control group',
        querystring: s.scenesQuery,
        response: { 200: s.scenes, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const to = req.query.to ?? ctx.clock.today();
      const from = req.query.from ?? shiftDay(to, -90);
      if (from > to) throw new AppError('bad_request', 'from is after to', { reason: 'range' });
      if (shiftDay(from, MAX_SCENE_DAYS) <= to)
        throw new AppError('bad_request', `the range spans more than ${MAX_SCENE_DAYS} days`, {
          reason: 'range',
        });
      return scenesAnalysis(deps, { from, to, days: req.query.days });
    },
  );
}
