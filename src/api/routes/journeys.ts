import { journeyCounts } from '../../journeys/counts.ts';
import { getJourney, listJourneys } from '../../journeys/read.ts';
import { journeyResults } from '../../journeys/results.ts';
import {
  createJourney,
  journeyProblems,
  setJourneyStatus,
  type JourneyServiceDeps,
} from '../../journeys/service.ts';
import { previewMigration, publishVersion, reviseJourney } from '../../journeys/versions.ts';
import { AppError, jsonPointer } from '../../shared/errors.ts';
import { errorBody, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './journeys-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/journeys: journeys as versions (create, check, revise, publish with an optional migration of the customers
 * inside), pause/resume/stop, counts per node and results. Bank-wide like campaigns: reading needs analytics.read,
 * changing campaigns.write (admins and analysts; an account manager or a branch head may not edit journeys).
 */
export function registerJourneyRoutes(api: ZodApi, ctx: RouteContext): void {
  const deps: JourneyServiceDeps = {
    db: ctx.stores.operational.db,
    clock: ctx.clock,
    segments: ctx.segments,
  };
  const db = deps.db;
  const tags = ['journeys'];

  api.get(
    '/v1/journeys',
    {
      schema: {
        tags,
        summary: 'Journeys, most recently changed first, with customers inside, entered and converted',
        response: { 200: s.journeyList, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return { items: await listJourneys(db) };
    },
  );

  api.post(
    '/v1/journeys',
    {
      schema: {
        tags,
        summary: 'Create a journey (a draft) with its body as version 1',
        body: s.journeyDraft,
        response: { 201: s.created, ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      const done = unwrap(await createJourney(deps, who.actor, req.body));
      return reply.code(201).send({ id: done.journeyId, versionId: done.versionId });
    },
  );

  api.post(
    '/v1/journeys/check',
    {
      schema: {
        tags,
        summary:
          'Every problem of a journey body, each located and naming its node (the canvas asks as it draws)',
        body: s.checkRequest,
        response: { 200: s.checkAnswer, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const { problems } = await journeyProblems(deps, req.body.body);
      return { problems: problems.map((p) => ({ ...p, path: jsonPointer(p.path) })) };
    },
  );

  api.get(
    '/v1/journeys/:id',
    {
      schema: {
        tags,
        summary: 'A journey: its latest body and every version with the customers inside it',
        params: s.journeyId,
        response: { 200: s.journeyDetail, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const journey = await getJourney(db, req.params.id);
      if (!journey) throw new AppError('not_found', `no journey ${req.params.id}`);
      return journey;
    },
  );

  api.put(
    '/v1/journeys/:id',
    {
      schema: {
        tags,
        summary: 'Save an edit as the next version (customers inside are untouched until it is published)',
        params: s.journeyId,
        body: s.journeyRevision,
        response: { 200: s.revised, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await reviseJourney(deps, who.actor, req.params.id, req.body));
    },
  );

  api.post(
    '/v1/journeys/:id/migration-preview',
    {
      schema: {
        tags,
        summary:
          'What moving the live customers of a version onto the latest one by this mapping would do: moves per ' +
          'node, and the nodes it would orphan',
        params: s.journeyId,
        body: s.migration,
        response: { 200: s.migrationPreview, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await previewMigration(deps, req.params.id, req.body));
    },
  );

  api.post(
    '/v1/journeys/:id/publish',
    {
      schema: {
        tags,
        summary:
          'Publish the latest version: new entries take it; with `migrate`, the customers of a version move onto ' +
          'it (refused, naming the nodes, when the mapping orphans anyone)',
        params: s.journeyId,
        body: s.publishRequest,
        response: { 200: s.published, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await publishVersion(deps, who.actor, req.params.id, req.body?.migrate));
    },
  );

  const control = (action: 'pause' | 'resume' | 'stop', summary: string) =>
    api.post(
      `/v1/journeys/:id/${action}`,
      {
        schema: { tags, summary, params: s.journeyId, response: { 200: s.statusAnswer, ...errors } },
      },
      async (req) => {
        const who = await wholeBank(req, ctx, 'campaigns.write');
        return unwrap(await setJourneyStatus(deps, who.actor, req.params.id, action));
      },
    );
  control('pause', 'Pause a live journey: timers wait, nobody enters');
  control('resume', 'Resume a paused journey: what fell due meanwhile goes on');
  control('stop', 'Stop a journey: everyone inside exits (reason stopped); it takes no new version');

  api.get(
    '/v1/journeys/:id/counts',
    {
      schema: {
        tags,
        summary: 'Per node: arrivals, customers resting there, exits taken, conversions; and the totals',
        params: s.journeyId,
        querystring: s.countsQuery,
        response: { 200: s.counts, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await journeyCounts(db, req.params.id, req.query.versionId));
    },
  );

  api.get(
    '/v1/journeys/:id/results',
    {
      schema: {
        tags,
        summary:
          'Conversion (the goal reached) of entries against the control group, per split arm (vs control and the ' +
          'first arm) and per branch arm (descriptive); null figures carry their reason',
        params: s.journeyId,
        response: { 200: s.results, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await journeyResults(db, req.params.id));
    },
  );
}
