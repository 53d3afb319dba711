import { client, ok } from '../../api/client.ts';
import type { Answer, Body, Query } from '../../api/types.ts';
import { every } from '../../api/types.ts';

// The OGSM endpoints (src/api/routes/ogsm.ts) and the scenes analysis, typed by the server's OpenAPI document.

/** The plan read: measured now, or the subject without a plan (`plan: null`; 404 is a subject that does not exist). */
export type SubjectPlan = Answer<'get', '/v1/ogsm/{kind}/{id}'>;
export type PlanView = Exclude<SubjectPlan, { plan: null }>;
export type PlanGoal = PlanView['goals'][number];
export type PlanInput = Body<'put', '/v1/ogsm/{kind}/{id}'>;
export type GoalInput = PlanInput['goals'][number];
export type ReviewInput = Body<'post', '/v1/ogsm/{kind}/{id}/review'>;
export type SubjectKind = PlanView['subject']['kind'];
export type MetricKey = PlanGoal['metric'];
export type Population = PlanGoal['population'];
export type Category = NonNullable<GoalInput['category']>;
export type AttainmentItem = Answer<'get', '/v1/ogsm'>['items'][number];
export type Scenes = Answer<'get', '/v1/analytics/scenes'>;
export type ScenesQuery = Query<'get', '/v1/analytics/scenes'>;
export type Comparison = NonNullable<PlanGoal['lift']>;

/** Every metric a goal or a measure may name (the document's list, checked by `every`; which a kind has, the server says). */
export const METRICS = every<MetricKey>()([
  'conversions',
  'conversion_rate',
  'reached',
  'new_buyers',
  'aum_change',
  'leads',
  'attendees',
]);
/** Metrics only an activity has (the server refuses them for campaigns and journeys). */
const ACTIVITY_ONLY: readonly MetricKey[] = ['leads', 'attendees'];
/** The metrics a plan of this kind may name. */
export const metricsOf = (kind: SubjectKind): readonly MetricKey[] =>
  kind === 'activity' ? METRICS : METRICS.filter((m) => !ACTIVITY_ONLY.includes(m));
/** Whom a goal counts; campaigns and journeys take treated or group, attendees is an activity's. */
export const POPULATIONS = every<Population>()(['treated', 'group', 'attendees']);
/** The product categories a new_buyers goal names (the rule grammar's, as the plan schema takes them). */
// The dashboard imports the server only as types: the list is written here and checked against the document.
export const CATEGORIES = every<Category>()([
  'current_deposit',
  'time_deposit',
  'wealth',
  'fund',
  'insurance',
  'loan',
  'credit_card',
]);
/** Subjects the bank-wide list filters by. */
export const SUBJECT_KINDS = every<SubjectKind>()(['campaign', 'journey', 'activity']);

const subject = (kind: SubjectKind, id: number) => ({ path: { kind, id } });

/** The measured plan of an answer, or null when the subject has none yet. */
export const planOf = (answer: SubjectPlan): PlanView | null => ('plan' in answer ? null : answer);

export const ogsmApi = {
  // openapi-fetch types the no-plan member without its `plan: null` key: the document's own union is the type.
  get: (kind: SubjectKind, id: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/ogsm/{kind}/{id}', { params: subject(kind, id), signal })) as Promise<SubjectPlan>,
  save: (kind: SubjectKind, id: number, body: PlanInput) =>
    ok(client.PUT('/v1/ogsm/{kind}/{id}', { params: subject(kind, id), body })),
  review: (kind: SubjectKind, id: number, body: ReviewInput) =>
    ok(client.POST('/v1/ogsm/{kind}/{id}/review', { params: subject(kind, id), body })),
  list: (kind: SubjectKind | undefined, signal?: AbortSignal) =>
    ok(client.GET('/v1/ogsm', { params: { query: kind ? { kind } : {} }, signal })).then((r) => r.items),
  scenes: (query: ScenesQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/analytics/scenes', { params: { query }, signal })),
};
