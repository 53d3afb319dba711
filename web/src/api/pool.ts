import { request } from '../api.ts';

// The customer pool's view of the API (src/api/routes/pool*.ts): org, staff, lists, workbench, tasks, coverage,
// assignment (unassigned queue, by hand and by rules, rules).
// Personal fields arrive masked; only GET /v1/customers/:no?reveal= returns them in clear (audited).

export type PoolTier = 'mass' | 'gold' | 'platinum' | 'diamond' | 'private';
export const POOL_TIERS: readonly PoolTier[] = ['mass', 'gold', 'platinum', 'diamond', 'private'];
export type StaffRole = 'account_manager' | 'branch_head' | 'analyst' | 'admin' | 'other';
export const STAFF_ROLES: readonly StaffRole[] = [
  'account_manager',
  'branch_head',
  'analyst',
  'admin',
  'other',
];

export interface OrgNode {
  readonly id: string;
  readonly name: string;
  readonly kind: 'head_office' | 'branch' | 'sub_branch';
  readonly parentId: string | null;
  readonly children: readonly OrgNode[];
}

export interface StaffMember {
  readonly id: string;
  readonly name: string;
  readonly orgUnitId: string;
  readonly role: StaffRole;
  readonly status: 'active' | 'departed';
  readonly poolCapacity: number;
  readonly poolSize: number;
  readonly phone: string | null;
  readonly email: string | null;
  readonly joinedOn: string | null;
  readonly departedOn: string | null;
}

export interface StaffInput {
  id: string;
  name: string;
  orgUnitId: string;
  role: StaffRole;
  poolCapacity?: number;
  phone?: string | null;
  email?: string | null;
  joinedOn?: string | null;
}
export type StaffPatch = Partial<Omit<StaffInput, 'id' | 'joinedOn'>> & {
  status?: 'active' | 'departed';
  departedOn?: string | null;
};

export type HandoverStatus = 'waiting' | 'done' | 'refused' | 'taker_at_limit';

export interface PoolCustomer {
  readonly customerNo: string;
  readonly name: string | null;
  readonly tier: PoolTier | null;
  readonly aum: number;
  readonly orgUnitId: string | null;
  readonly managerId: string | null;
  readonly ownerSince: string | null;
  readonly handoverStatus: HandoverStatus | null;
  readonly lastContactAt: string | null;
  readonly wecomFriend: boolean;
  /** Tag values on the latest snapshot day, in catalogue order. */
  readonly tags: readonly PoolCustomerTag[];
}

export interface PoolCustomerTag {
  readonly key: string;
  readonly name: { readonly en: string; readonly zh: string };
  readonly category: string;
  readonly value: string;
  readonly label: { readonly en: string; readonly zh: string };
}

export interface Paged<T> {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: readonly T[];
}

export type PoolSort = 'aum' | 'customer_no' | 'last_contact' | 'owner_since';
export interface PoolQuery {
  staffId?: string | undefined;
  tier?: readonly string[] | undefined;
  q?: string | undefined;
  sort?: PoolSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number;
  offset?: number;
}

export interface Task {
  readonly id: number;
  readonly customerNo: string;
  readonly customerName: string | null;
  readonly assigneeId: string;
  readonly title: string;
  readonly notes: string | null;
  readonly dueOn: string | null;
  readonly status: 'open' | 'done' | 'cancelled';
  readonly source: 'manual' | 'interaction' | 'reminder';
  readonly createdAt: string | null;
}

export interface Reminder {
  readonly id: number;
  readonly kind: string;
  readonly dueOn: string;
  readonly customerNo: string;
  readonly customerName: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface MyDay {
  readonly asOf: string;
  readonly staffId: string;
  readonly tasks: readonly Task[];
  readonly tasksTotal: number;
  readonly reminders: readonly Reminder[];
  readonly remindersTotal: number;
}

export interface PoolKpis {
  readonly asOf: string;
  readonly managerId: string | null;
  readonly customers: number;
  readonly aum: number;
  readonly tiers: readonly { tier: string; customers: number; aum: number }[];
  readonly aumChange: {
    from: { date: string; aum: number };
    to: { date: string; aum: number };
    change: number;
    changeShare: number | null;
  } | null;
  readonly contacted30d: number;
  readonly contactedRate: number;
  readonly definitions: Readonly<Record<string, string>>;
}

interface CoverageFigures {
  readonly poolSize: number;
  readonly contacted: number;
  readonly coverage: number;
  readonly outbound: number;
  readonly outboundPositive: number;
  readonly responseRate: number | null;
}
export interface Coverage {
  readonly asOf: string;
  readonly window: { from: string; to: string; days: number };
  readonly managers: readonly (CoverageFigures & {
    managerId: string;
    name: string;
    orgUnitId: string;
    branchId: string;
  })[];
  readonly branches: readonly (CoverageFigures & { branchId: string; name: string })[];
  readonly definitions: Readonly<Record<string, string>>;
}

export const CHANNELS = ['wecom_chat', 'call', 'visit', 'sms', 'email', 'event_attendance'] as const;
export const OUTCOMES = ['positive', 'neutral', 'negative', 'no_response'] as const;
export interface InteractionInput {
  customerNo: string;
  channel: (typeof CHANNELS)[number];
  direction: 'in' | 'out';
  summary?: string | null;
  outcome?: (typeof OUTCOMES)[number] | null;
  nextStep?: string | null;
  followUpOn?: string | null;
}

export interface TimelineItem {
  readonly at: string;
  readonly source: string;
  readonly kind: string;
  readonly title: string;
  readonly details: Readonly<Record<string, unknown>>;
}
export interface TimelinePage {
  readonly items: readonly TimelineItem[];
  readonly nextCursor: string | null;
  readonly sources: readonly { source: string; available: boolean }[];
}

/** A customer of the unassigned queue: no owner, or an owner who departed (name masked). */
export interface UnassignedCustomer {
  readonly customerNo: string;
  readonly name: string | null;
  readonly tier: PoolTier | null;
  readonly aum: number;
  readonly orgUnitId: string | null;
  readonly reason: 'no_owner' | 'owner_departed';
  readonly formerManagerId: string | null;
}

/**
 * One customer's verdict from POST /v1/customers/assign: by hand assigned, unassigned, unchanged, duplicate,
 * not_found, manager_not_found, manager_departed, manager_at_limit; by rules assigned, no_rule, no_capacity.
 */
export interface AssignResult {
  readonly customerNo: string;
  readonly status: string;
  readonly from?: string | null;
  readonly to?: string | null;
  readonly managerId?: string | null;
  readonly ruleId?: number | null;
}
export interface AssignResponse {
  readonly results: readonly AssignResult[];
  readonly counts: Readonly<Record<string, number>>;
}

/** An assignment rule: unassigned customers of the unit (and below), of the tier or any, round-robin to managers. */
export interface AssignmentRule {
  readonly id: number;
  readonly orgUnitId: string;
  readonly tier: PoolTier | null;
  readonly managerIds: readonly string[];
  readonly nextIndex: number;
}
export interface RuleInput {
  orgUnitId: string;
  tier: PoolTier | null;
  managerIds: string[];
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function qs(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const poolApi = {
  orgUnits: (signal?: AbortSignal) =>
    request<{ units: OrgNode[] }>('GET', '/v1/org/units', undefined, signal).then((r) => r.units),
  staff: (filter: { role?: StaffRole; status?: 'active' | 'departed' } = {}, signal?: AbortSignal) =>
    request<{ staff: StaffMember[] }>('GET', `/v1/staff${qs(filter)}`, undefined, signal).then(
      (r) => r.staff,
    ),
  createStaff: (input: StaffInput) => request<StaffMember>('POST', '/v1/staff', input),
  updateStaff: (id: string, patch: StaffPatch) =>
    request<StaffMember>('PATCH', `/v1/staff/${enc(id)}`, patch),

  myPool: (query: PoolQuery, signal?: AbortSignal) =>
    request<Paged<PoolCustomer>>(
      'GET',
      `/v1/workbench/my-pool${qs({ ...query, tier: query.tier?.join(',') })}`,
      undefined,
      signal,
    ),
  myDay: (staffId: string | undefined, signal?: AbortSignal) =>
    request<MyDay>('GET', `/v1/workbench/my-day${qs({ staffId })}`, undefined, signal),
  kpis: (staffId: string | undefined, signal?: AbortSignal) =>
    request<PoolKpis>('GET', `/v1/workbench/kpis${qs({ staffId })}`, undefined, signal),
  coverage: (days: number, signal?: AbortSignal) =>
    request<Coverage>('GET', `/v1/pool/coverage${qs({ days })}`, undefined, signal),

  timeline: (customerNo: string, before: string | null, signal?: AbortSignal) =>
    request<TimelinePage>(
      'GET',
      `/v1/customers/${enc(customerNo)}/timeline${qs({ limit: 20, before })}`,
      undefined,
      signal,
    ),
  logInteraction: (input: InteractionInput) =>
    request<{ status: string; id?: number; taskId?: number | null }>('POST', '/v1/interactions', input),

  tasks: (query: { customerNo?: string; status?: string }, signal?: AbortSignal) =>
    request<{ total: number; items: Task[] }>('GET', `/v1/tasks${qs(query)}`, undefined, signal),
  createTask: (input: { customerNo: string; title: string; notes?: string | null; dueOn?: string | null }) =>
    request<Task>('POST', '/v1/tasks', input),
  setTask: (id: number, status: 'open' | 'done' | 'cancelled') =>
    request<Task>('PATCH', `/v1/tasks/${id}`, { status }),
  setReminder: (id: number, status: 'done' | 'dismissed') =>
    request<unknown>('PATCH', `/v1/reminders/${id}`, { status }),

  unassigned: (query: { orgUnitId?: string; limit: number; offset: number }, signal?: AbortSignal) =>
    request<Paged<UnassignedCustomer>>('GET', `/v1/pool/unassigned${qs(query)}`, undefined, signal),
  assign: (items: { customerNo: string; managerId: string | null }[], reason: string | null) =>
    request<AssignResponse>('POST', '/v1/customers/assign', { items, reason }),
  assignByRules: () => request<AssignResponse>('POST', '/v1/customers/assign', { byRules: true }),
  rules: (signal?: AbortSignal) =>
    request<{ rules: AssignmentRule[] }>('GET', '/v1/pool/rules', undefined, signal).then((r) => r.rules),
  saveRule: (input: RuleInput) => request<AssignmentRule>('POST', '/v1/pool/rules', input),
  deleteRule: (id: number) => request<void>('DELETE', `/v1/pool/rules/${id}`),
};

/** Every unit of a tree, depth first, with its depth. */
export function flattenUnits(units: readonly OrgNode[], depth = 0): { unit: OrgNode; depth: number }[] {
  return units.flatMap((unit) => [{ unit, depth }, ...flattenUnits(unit.children, depth + 1)]);
}
