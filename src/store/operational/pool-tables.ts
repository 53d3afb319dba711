import type { ColumnType, Generated, JSONColumnType } from 'kysely';

// Row shapes of the customer-pool tables (migration 0004_pool.sql), as Kysely sees them.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DateString = string;

export type OwnershipSource = 'backfill' | 'assign' | 'rule' | 'handover' | 'in_service_transfer';
export type HandoverStatus = 'waiting' | 'done' | 'refused' | 'taker_at_limit';
export type OwnershipKind = 'assign' | 'handover' | 'in_service_transfer' | 'unassign';
export type HandoverKind = 'departed' | 'in_service';
export type HandoverSplit = 'even' | 'aum' | 'mapping';
export type HandoverJobStatus = 'running' | 'done' | 'cancelled';
export type HandoverItemStatus = 'pending' | 'moved' | 'refused' | 'skipped';
export type InteractionChannel = 'wecom_chat' | 'call' | 'visit' | 'sms' | 'email' | 'event_attendance';
export type InteractionOutcome = 'positive' | 'neutral' | 'negative' | 'no_response';
export type TaskStatus = 'open' | 'done' | 'cancelled';
export type ReminderKind =
  | 'deposit_maturity'
  | 'insurance_renewal'
  | 'loan_repayment'
  | 'fund_auto_investment'
  | 'birthday'
  | 'dormant_high_value';
export type ReminderStatus = 'open' | 'done' | 'dismissed';

export interface CustomerOwnerTable {
  customer_id: number;
  manager_id: string;
  since: ColumnType<Date, Date | string | undefined, Date | string>;
  source: OwnershipSource;
  handover_status: HandoverStatus | null;
  handover_job_id: number | null;
  updated_at: UpdatedAt;
}

export interface CustomerAssistantTable {
  customer_id: number;
  staff_id: string;
  since: CreatedAt;
}

export interface OwnershipHistoryTable {
  id: Generated<number>;
  customer_id: number;
  from_manager: string | null;
  to_manager: string | null;
  reason: string | null;
  kind: OwnershipKind;
  job_id: number | null;
  at: ColumnType<Date, Date | string | undefined, never>;
  actor: string;
}

export interface PoolAssignmentRuleTable {
  id: Generated<number>;
  org_unit_id: string;
  tier: 'mass' | 'gold' | 'platinum' | 'diamond' | 'private' | null;
  manager_ids: JSONColumnType<string[], string, string>;
  next_index: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface HandoverJobTable {
  id: Generated<number>;
  kind: HandoverKind;
  from_manager: string;
  takers: JSONColumnType<string[], string, string>;
  split: HandoverSplit;
  reason: string | null;
  status: HandoverJobStatus;
  total: number;
  moved: ColumnType<number, number | undefined, number>;
  refused: ColumnType<number, number | undefined, number>;
  skipped: ColumnType<number, number | undefined, number>;
  tasks_moved: ColumnType<number, number | undefined, number>;
  chunks: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_by: string;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
  updated_at: UpdatedAt;
}

export interface HandoverItemTable {
  job_id: number;
  customer_id: number;
  seq: number;
  taker_id: string;
  aum: ColumnType<number, number | string, number | string>;
  status: ColumnType<HandoverItemStatus, HandoverItemStatus | undefined, HandoverItemStatus>;
  reason: string | null;
  processed_at: Timestamp | null;
}

export interface InteractionTable {
  id: Generated<number>;
  customer_id: number;
  staff_id: string | null;
  channel: InteractionChannel;
  direction: 'in' | 'out';
  summary: string | null;
  outcome: InteractionOutcome | null;
  next_step: string | null;
  at: Timestamp;
  external_id: string | null;
  created_by: string;
  created_at: CreatedAt;
  /** The consent warning the user acknowledged when logging the contact (migration 0015), else null. */
  consent_warning: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface CustomerContactTable {
  customer_id: number;
  last_contact_at: Timestamp;
  last_outbound_at: Timestamp | null;
  last_staff_id: string | null;
}

/** Where a task came from: a person, an interaction's follow-up, a service reminder, a campaign's manager task. */
export type TaskSource = 'manual' | 'interaction' | 'reminder' | 'campaign' | 'journey' | 'activity';

export interface TaskTable {
  id: Generated<number>;
  customer_id: number;
  assignee_id: string;
  title: string;
  notes: string | null;
  due_on: DateString | null;
  status: ColumnType<TaskStatus, TaskStatus | undefined, TaskStatus>;
  source: ColumnType<TaskSource, TaskSource | undefined, never>;
  /** A campaign's delivery this task carries to the manager (source 'campaign'). */
  delivery_key: ColumnType<string | null, string | null | undefined, never>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  completed_at: Timestamp | null;
}

export interface ReminderTable {
  id: Generated<number>;
  customer_id: number;
  kind: ReminderKind;
  due_on: DateString;
  assignee_id: string | null;
  status: ColumnType<ReminderStatus, ReminderStatus | undefined, ReminderStatus>;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  generated_at: CreatedAt;
  closed_at: Timestamp | null;
  closed_by: string | null;
  /** Why the reminder was dismissed (migration 0015). */
  dismiss_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The customer-pool tables, merged into the operational store's `Database`. */
export interface PoolTables {
  customer_owners: CustomerOwnerTable;
  customer_assistants: CustomerAssistantTable;
  ownership_history: OwnershipHistoryTable;
  pool_assignment_rules: PoolAssignmentRuleTable;
  handover_jobs: HandoverJobTable;
  handover_items: HandoverItemTable;
  interactions: InteractionTable;
  customer_contacts: CustomerContactTable;
  tasks: TaskTable;
  reminders: ReminderTable;
}
