import { client, ok } from './client.ts';
import { every, type Answer, type Body, type Query } from './types.ts';

// The customer pool's view of the API (src/api/routes/pool*.ts): org, staff, lists, workbench, tasks, coverage,
// assignment (unassigned queue, by hand and by rules, rules).
// Personal fields arrive masked; only GET /v1/customers/:no?reveal= returns them in clear (audited).

export type OrgNode = Answer<'get', '/v1/org/units'>['units'][number];
export type StaffMember = Answer<'get', '/v1/staff'>['staff'][number];
export type StaffInput = Body<'post', '/v1/staff'>;
export type StaffPatch = Body<'patch', '/v1/staff/{id}'>;
export type StaffRole = StaffMember['role'];
export const STAFF_ROLES = every<StaffRole>()([
  'account_manager',
  'branch_head',
  'analyst',
  'admin',
  'other',
]);

export type PoolPage = Answer<'get', '/v1/workbench/my-pool'>;
export type PoolCustomer = PoolPage['items'][number];
export type PoolCustomerTag = PoolCustomer['tags'][number];
export type PoolTier = NonNullable<PoolCustomer['tier']>;
export const POOL_TIERS = every<PoolTier>()(['mass', 'gold', 'platinum', 'diamond', 'private']);
export type HandoverStatus = NonNullable<PoolCustomer['handoverStatus']>;
type PoolQueryText = Query<'get', '/v1/workbench/my-pool'>;
export type PoolSort = NonNullable<PoolQueryText['sort']>;
/** The my-pool query, tiers as a list (the server reads them comma-separated). */
export type PoolQuery = Omit<PoolQueryText, 'tier'> & { tier?: readonly string[] | undefined };

export type TaskList = Answer<'get', '/v1/tasks'>;
export type Task = TaskList['items'][number];
export type TaskInput = Body<'post', '/v1/tasks'>;
export type MyDay = Answer<'get', '/v1/workbench/my-day'>;
export type MyDayQuery = Query<'get', '/v1/workbench/my-day'>;
export type Reminder = MyDay['reminders'][number];
export type ReminderKind = Reminder['kind'];
export const REMINDER_KINDS = every<ReminderKind>()([
  'deposit_maturity',
  'insurance_renewal',
  'loan_repayment',
  'fund_auto_investment',
  'birthday',
  'dormant_high_value',
]);
export type ReminderQuery = Query<'get', '/v1/reminders'>;
export type TaskSource = Task['source'];
export const TASK_SOURCES = every<TaskSource>()([
  'manual',
  'interaction',
  'reminder',
  'campaign',
  'journey',
  'activity',
]);
export type PoolKpis = Answer<'get', '/v1/workbench/kpis'>;
export type Coverage = Answer<'get', '/v1/pool/coverage'>;

export type InteractionInput = Extract<Body<'post', '/v1/interactions'>, { customerNo: string }>;
export type Channel = InteractionInput['channel'];
export type Outcome = NonNullable<InteractionInput['outcome']>;
export const CHANNELS = every<Channel>()(['wecom_chat', 'call', 'visit', 'sms', 'email', 'event_attendance']);
export const OUTCOMES = every<Outcome>()(['positive', 'neutral', 'negative', 'no_response']);

/** The consent warning of a contact refused until acknowledged (409, details.reason consent_withdrawn). */
export type ConsentWarning = NonNullable<
  NonNullable<
    Extract<Answer<'post', '/v1/interactions'>, { results: unknown }>['results'][number]['error']
  >['warning']
>;

export type TimelinePage = Answer<'get', '/v1/customers/{customerNo}/timeline'>;
export type TimelineItem = TimelinePage['items'][number];

/** A customer of the unassigned queue: no owner, or an owner who departed (name masked). */
export type UnassignedCustomer = Answer<'get', '/v1/pool/unassigned'>['items'][number];
/**
 * Each customer's verdict from POST /v1/customers/assign: by hand assigned, unassigned, unchanged, duplicate,
 * not_found, manager_not_found, manager_departed, manager_at_limit; by rules assigned, no_rule, no_capacity.
 */
export type AssignResponse = Answer<'post', '/v1/customers/assign'>;
export type AssignResult = AssignResponse['results'][number];
type ManualAssignment = Extract<Body<'post', '/v1/customers/assign'>, { items: unknown }>;

/** An assignment rule: unassigned customers of the unit (and below), of the tier or any, round-robin to managers. */
export type AssignmentRule = Answer<'get', '/v1/pool/rules'>['rules'][number];
export type RuleInput = Body<'post', '/v1/pool/rules'>;

export const poolApi = {
  orgUnits: (signal?: AbortSignal) => ok(client.GET('/v1/org/units', { signal })).then((r) => r.units),
  staff: (query: Query<'get', '/v1/staff'> = {}, signal?: AbortSignal) =>
    ok(client.GET('/v1/staff', { params: { query }, signal })).then((r) => r.staff),
  createStaff: (input: StaffInput) => ok(client.POST('/v1/staff', { body: input })),
  updateStaff: (id: string, patch: StaffPatch) =>
    ok(client.PATCH('/v1/staff/{id}', { params: { path: { id } }, body: patch })),

  myPool: ({ tier, ...query }: PoolQuery, signal?: AbortSignal) =>
    ok(
      client.GET('/v1/workbench/my-pool', { params: { query: { ...query, tier: tier?.join(',') } }, signal }),
    ),
  myDay: (query: MyDayQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/workbench/my-day', { params: { query }, signal })),
  reminders: (query: ReminderQuery, signal?: AbortSignal) =>
    ok(client.GET('/v1/reminders', { params: { query }, signal })),
  undoReminder: (id: number) => ok(client.POST('/v1/reminders/{id}/undo', { params: { path: { id } } })),
  kpis: (staffId: string | undefined, signal?: AbortSignal) =>
    ok(client.GET('/v1/workbench/kpis', { params: { query: { staffId } }, signal })),
  coverage: (days: number, signal?: AbortSignal) =>
    ok(client.GET('/v1/pool/coverage', { params: { query: { days } }, signal })),

  timeline: (customerNo: string, before: string | null, signal?: AbortSignal) =>
    ok(
      client.GET('/v1/customers/{customerNo}/timeline', {
        params: { path: { customerNo }, query: { limit: 20, ...(before ? { before } : {}) } },
        signal,
      }),
    ),
  logInteraction: (input: InteractionInput) => ok(client.POST('/v1/interactions', { body: input })),

  tasks: (query: Query<'get', '/v1/tasks'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/tasks', { params: { query }, signal })),
  createTask: (input: TaskInput) => ok(client.POST('/v1/tasks', { body: input })),
  setTask: (id: number, status: Task['status']) =>
    ok(client.PATCH('/v1/tasks/{id}', { params: { path: { id } }, body: { status } })),
  setReminder: (id: number, status: Body<'patch', '/v1/reminders/{id}'>['status'], reason?: string) =>
    ok(client.PATCH('/v1/reminders/{id}', { params: { path: { id } }, body: { status, reason } })),

  unassigned: (query: Query<'get', '/v1/pool/unassigned'>, signal?: AbortSignal) =>
    ok(client.GET('/v1/pool/unassigned', { params: { query }, signal })),
  assign: (items: ManualAssignment['items'], reason: string | null) =>
    ok(client.POST('/v1/customers/assign', { body: { items, reason } })),
  assignByRules: () => ok(client.POST('/v1/customers/assign', { body: { byRules: true } })),
  rules: (signal?: AbortSignal) => ok(client.GET('/v1/pool/rules', { signal })).then((r) => r.rules),
  saveRule: (input: RuleInput) => ok(client.POST('/v1/pool/rules', { body: input })),
  deleteRule: (id: number) => ok(client.DELETE('/v1/pool/rules/{id}', { params: { path: { id } } })),
};

/** Every unit of a tree, depth first, with its depth. */
export function flattenUnits(units: readonly OrgNode[], depth = 0): { unit: OrgNode; depth: number }[] {
  return units.flatMap((unit) => [{ unit, depth }, ...flattenUnits(unit.children, depth + 1)]);
}
