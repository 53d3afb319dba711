import { client, ok } from '../../api/client.ts';
import { every, type Answer, type Body } from '../../api/types.ts';

// The Activities area's endpoints (src/api/routes/activities.ts), typed by the server's OpenAPI document.

export type ActivitySummary = Answer<'get', '/v1/activities'>['items'][number];
export type ActivityView = Answer<'get', '/v1/activities/{id}'>;
export type ActivityInput = Body<'post', '/v1/activities'>;
export type Scene = ActivityInput['scene'];
export type ActivityProductRole = NonNullable<ActivityInput['products']>[number]['role'];
export type Invitation = Body<'post', '/v1/activities/{id}/invitations'>;
export type InvitationOutcome = Answer<'post', '/v1/activities/{id}/invitations'>;
export type InviteesPage = Answer<'get', '/v1/activities/{id}/invitees'>;
export type Invitee = InviteesPage['items'][number];
export type CheckInCode = Answer<'get', '/v1/activities/{id}/invitees/{customerNo}/check-in-code'>;
export type Lead = Body<'post', '/v1/activities/{id}/leads'>;
export type FollowUpRule = NonNullable<Body<'post', '/v1/activities/{id}/follow-ups'>>;
export type FollowUpWho = NonNullable<FollowUpRule['who']>[number];
export type ActivityResults = Answer<'get', '/v1/activities/{id}/results'>;

export const SCENE_MODES = every<Scene['mode']>()(['offline', 'online']);
export const SCENE_FREQUENCIES = every<Scene['frequency']>()(['high', 'low']);
export const SCENE_AIMS = every<Scene['aim']>()(['engagement', 'transaction']);
export const PRODUCT_ROLES = every<ActivityProductRole>()(['traffic', 'hot_selling', 'profit']);
export const FOLLOW_UP_WHO = every<FollowUpWho>()(['attendees', 'leads', 'no_shows']);

const id = (n: number) => ({ path: { id: n } });

export const activitiesApi = {
  list: (signal?: AbortSignal) => ok(client.GET('/v1/activities', { signal })).then((r) => r.items),
  get: (n: number, signal?: AbortSignal) => ok(client.GET('/v1/activities/{id}', { params: id(n), signal })),
  create: (input: ActivityInput) => ok(client.POST('/v1/activities', { body: input })),
  update: (n: number, input: ActivityInput) =>
    ok(client.PUT('/v1/activities/{id}', { params: id(n), body: input })),
  checkIn: (n: number, token: string) =>
    ok(client.POST('/v1/activities/{id}/check-in', { params: id(n), body: { token } })),
  invite: (n: number, invitation: Invitation) =>
    ok(client.POST('/v1/activities/{id}/invitations', { params: id(n), body: invitation })),
  invitees: (n: number, limit: number, offset: number, signal?: AbortSignal) =>
    ok(
      client.GET('/v1/activities/{id}/invitees', { params: { ...id(n), query: { limit, offset } }, signal }),
    ),
  checkInCode: (n: number, customerNo: string, signal?: AbortSignal) =>
    ok(
      client.GET('/v1/activities/{id}/invitees/{customerNo}/check-in-code', {
        params: { path: { id: n, customerNo } },
        signal,
      }),
    ),
  attendance: (n: number, csv: string) =>
    ok(client.POST('/v1/activities/{id}/attendance', { params: id(n), body: { csv } })),
  lead: (n: number, lead: Lead) =>
    ok(client.POST('/v1/activities/{id}/leads', { params: id(n), body: lead })),
  finish: (n: number) => ok(client.POST('/v1/activities/{id}/finish', { params: id(n) })),
  followUps: (n: number, rule: FollowUpRule) =>
    ok(client.POST('/v1/activities/{id}/follow-ups', { params: id(n), body: rule })),
  results: (n: number, event: string | undefined, signal?: AbortSignal) =>
    ok(
      client.GET('/v1/activities/{id}/results', {
        params: { ...id(n), query: event ? { event } : {} },
        signal,
      }),
    ),
};
