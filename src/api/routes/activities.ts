import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { checkIn, checkInCode } from '../../activities/attend.ts';
import { importAttendance } from '../../activities/attendance.ts';
import { generateFollowUps } from '../../activities/follow-up.ts';
import { inviteToActivity, type InviteDeps } from '../../activities/invite.ts';
import { captureLead } from '../../activities/leads.ts';
import { getActivity, inviteePage, listActivities, onActivityStaff } from '../../activities/read.ts';
import { activityResults } from '../../activities/results.ts';
import { createActivity, finishActivity, updateActivity } from '../../activities/service.ts';
import type { Principal } from '../../auth/principal.ts';
import { AppError } from '../../shared/errors.ts';
import { errorBody, requireSignedIn, unwrap, type RouteContext, type ZodApi } from '../http.ts';
import { registerActivityLinkRoutes } from './activity-links.ts';
import { campaignDeps } from './campaigns.ts';
import { wholeBank } from './pool-common.ts';
import * as s from './activities-schemas.ts';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

/**
 * /v1/activities: offline activities (create, edit, invite, invitees, check-in, attendance sheets, leads, finish,
 * follow-ups, results) and the invitee's public /a/:token. Bank-wide like journeys: reading needs analytics.read,
 * changing campaigns.write — except the door: listing and reading the activities they work, checking a guest in and
 * taking a lead are also open to a signed-in user whose staff id is on that activity's staff (the branch head or
 * account manager hosting it).
 */
export function registerActivityRoutes(api: ZodApi, ctx: RouteContext): void {
  const deps: InviteDeps = {
    db: ctx.stores.operational.db,
    clock: ctx.clock,
    audience: campaignDeps(ctx).audience,
  };
  const db = deps.db;
  const links = ctx.config.links;
  const tags = ['activities'];
  registerActivityLinkRoutes(api, ctx);

  /**
   * Who reads activities: a bank-wide reader (analytics.read) every one — undefined; else a signed-in user with a
   * staff id reads the activities they work (`activityId`: that one must be theirs) — their staff id; anyone else 403.
   */
  const reader = async (req: FastifyRequest, activityId?: number): Promise<string | undefined> => {
    const principal = requireSignedIn(req);
    if (principal.permissions.has('analytics.read')) {
      try {
        await wholeBank(req, ctx, 'analytics.read');
        return undefined;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'forbidden') throw error;
      }
    }
    const staffId = principal.kind === 'user' ? principal.staffId : null;
    if (staffId !== null && (activityId === undefined || (await onActivityStaff(db, activityId, staffId))))
      return staffId;
    throw new AppError(
      'forbidden',
      activityId === undefined
        ? `role ${principal.role} reads no bank-wide figures and works no activity`
        : `role ${principal.role} reads no bank-wide figures and is not on activity ${activityId}'s staff`,
    );
  };

  api.get(
    '/v1/activities',
    {
      schema: {
        tags,
        summary: 'Activities, most recent start first, with invited, registered, checked-in and lead counts',
        response: { 200: s.activityList, ...errors },
      },
    },
    async (req) => {
      const staffId = await reader(req);
      return { items: await listActivities(db, staffId) };
    },
  );

  api.post(
    '/v1/activities',
    {
      schema: {
        tags,
        summary: 'Create an activity (a draft); unknown products, staff or member customers refused, located',
        body: s.ActivityBody,
        response: { 201: s.saved, ...errors },
      },
    },
    async (req, reply) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return reply.code(201).send(unwrap(await createActivity(deps, who.actor, req.body)));
    },
  );

  api.get(
    '/v1/activities/:id',
    {
      schema: {
        tags,
        summary: "An activity with its partner's members (names masked)",
        params: s.activityId,
        response: { 200: s.activityDetail, ...errors },
      },
    },
    async (req) => {
      const staffId = await reader(req, req.params.id);
      const found = await getActivity(db, req.params.id);
      if (!found) throw new AppError('not_found', `no activity ${req.params.id}`);
      return { ...found, door: staffId !== undefined };
    },
  );

  api.put(
    '/v1/activities/:id',
    {
      schema: {
        tags,
        summary: 'Edit an activity (not once finished; capacity never below the registrations taken)',
        params: s.activityId,
        body: s.ActivityBody,
        response: { 200: s.saved, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await updateActivity(deps, who.actor, req.params.id, req.body));
    },
  );

  api.post(
    '/v1/activities/:id/invitations',
    {
      schema: {
        tags,
        summary:
          "Invite a population through the campaign engine's one path (contact policy, deliveries), a control " +
          'group held out; the activity opens',
        params: s.activityId,
        body: s.Invitation,
        response: { 200: s.invitationReport, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await inviteToActivity(deps, who.actor, req.params.id, req.body));
    },
  );

  api.get(
    '/v1/activities/:id/invitees',
    {
      schema: {
        tags,
        summary: "A page of the activity's invitees (names and phones masked) with RSVP and check-in",
        params: s.activityId,
        querystring: s.pageQuery,
        response: { 200: s.inviteePage, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      if (!(await getActivity(db, req.params.id)))
        throw new AppError('not_found', `no activity ${req.params.id}`);
      return inviteePage(db, req.params.id, req.query);
    },
  );

  api.get(
    '/v1/activities/:id/invitees/:customerNo/check-in-code',
    {
      schema: {
        tags,
        summary: "An invitee's check-in code: the signed check-in URL and its QR code (SVG)",
        params: s.inviteeParams,
        response: { 200: s.checkInCode, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      const code = unwrap(await checkInCode(deps, links, req.params.id, req.params.customerNo));
      return { ...code, svg: await QRCode.toString(code.url, { type: 'svg', margin: 1 }) };
    },
  );

  /**
   * Who may work an activity's door: a campaigns.write holder (bank-wide, as every other change), or a signed-in user
   * whose staff id is on this activity's staff; anyone else 403.
   */
  const atTheDoor = async (req: FastifyRequest, activityId: number): Promise<Principal> => {
    const principal = requireSignedIn(req);
    if (principal.permissions.has('campaigns.write')) return wholeBank(req, ctx, 'campaigns.write');
    if (
      principal.kind === 'user' &&
      principal.staffId !== null &&
      (await onActivityStaff(deps.db, activityId, principal.staffId))
    )
      return principal;
    throw new AppError(
      'forbidden',
      `role ${principal.role} lacks permission campaigns.write and is not on activity ${activityId}'s staff`,
    );
  };

  api.post(
    '/v1/activities/:id/check-in',
    {
      schema: {
        tags,
        summary:
          'Check an invitee in by their scanned code, within the check-in window; a second scan changes nothing',
        params: s.activityId,
        body: s.checkInRequest,
        response: { 200: s.checkInAnswer, ...errors },
      },
    },
    async (req) => {
      const who = await atTheDoor(req, req.params.id);
      return unwrap(await checkIn(deps, links, who.actor, req.params.id, req.body.token));
    },
  );

  api.post(
    '/v1/activities/:id/attendance',
    {
      schema: {
        tags,
        summary:
          'Import an attendance sheet (CSV text): every row or none; problems answered (validation_failed) at ' +
          '/rows/<n>/<field>',
        params: s.activityId,
        body: s.attendanceImport,
        response: { 200: s.attendanceReport, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await importAttendance(deps, who.actor, req.params.id, req.body.csv));
    },
  );

  api.post(
    '/v1/activities/:id/leads',
    {
      schema: {
        tags,
        summary:
          'A lead captured on site: the customer the phone finds, else a new prospect; present at the activity',
        params: s.activityId,
        body: s.Lead,
        response: { 200: s.leadOutcome, ...errors },
      },
    },
    async (req) => {
      const who = await atTheDoor(req, req.params.id);
      return unwrap(await captureLead(deps, who.actor, req.params.id, req.body));
    },
  );

  api.post(
    '/v1/activities/:id/finish',
    {
      schema: {
        tags,
        summary: 'Finish an activity (no more answers, check-ins or leads; follow-ups may run)',
        params: s.activityId,
        response: { 200: s.finished, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await finishActivity(deps, who.actor, req.params.id));
    },
  );

  api.post(
    '/v1/activities/:id/follow-ups',
    {
      schema: {
        tags,
        summary:
          'Follow-up tasks of a finished activity by rule, once per customer (a re-run adds who is missing)',
        params: s.activityId,
        body: s.FollowUpRule.nullish(),
        response: { 200: s.followUpReport, ...errors },
      },
    },
    async (req) => {
      const who = await wholeBank(req, ctx, 'campaigns.write');
      return unwrap(await generateFollowUps(deps, who.actor, req.params.id, req.body ?? {}));
    },
  );

  api.get(
    '/v1/activities/:id/results',
    {
      schema: {
        tags,
        summary:
          'Counts and conversion by group (attendees, invited non-attendees, control, leads); invited vs control ' +
          'is randomised, the rest descriptive',
        params: s.activityId,
        querystring: s.resultsQuery,
        response: { 200: s.results, ...errors },
      },
    },
    async (req) => {
      await wholeBank(req, ctx, 'analytics.read');
      return unwrap(await activityResults({ db, events: ctx.stores.events }, req.params.id, req.query));
    },
  );
}
