import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ActivityTables } from './activity-tables.ts';
import type { ProductRole } from '../../contracts/product.ts';
import type { CampaignTables } from './campaign-tables.ts';
import type { ContentTables } from './content-tables.ts';
import type { DictionaryTables } from './dictionary-tables.ts';
import type { ExperimentTables } from './experiment-tables.ts';
import type { FeedbackTables } from './feedback-tables.ts';
import type { JourneyTables } from './journey-tables.ts';
import type { JourneyTriggerTables } from './journey-trigger-tables.ts';
import type { MediaTables } from './media-tables.ts';
import type { OgsmTables } from './ogsm-tables.ts';
import type { RtaTables } from './rta-tables.ts';
import type { PoolTables } from './pool-tables.ts';
import type { ReportTables } from './report-tables.ts';
import type { WecomTables } from './wecom-tables.ts';
import type { WecomTagTables } from './wecom-tag-tables.ts';
import type { WecomMessageTables } from './wecom-message-tables.ts';
import type { WecomTransferTables } from './wecom-transfer-tables.ts';

// Row shapes of the operational store, as Kysely sees them. Dates (`date`) are 'YYYY-MM-DD' strings,
// numerics and bigints are JS numbers (see open.ts for the type parsers).

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type DateString = string;

export type StaffRole = 'account_manager' | 'branch_head' | 'analyst' | 'admin' | 'other';
export type UserRole = 'admin' | 'analyst' | 'branch_head' | 'account_manager';
export type Tier = 'mass' | 'gold' | 'platinum' | 'diamond' | 'private';
export type ProductCategory =
  'current_deposit' | 'time_deposit' | 'wealth' | 'fund' | 'insurance' | 'loan' | 'credit_card';
export type { ProductRole };
export type ConsentChannel = 'sms' | 'email' | 'phone' | 'wecom' | 'app_push';

export interface OrgUnitTable {
  id: string;
  parent_id: string | null;
  name: string;
  kind: 'head_office' | 'branch' | 'sub_branch';
  created_at: CreatedAt;
}

export interface StaffTable {
  id: string;
  name: string;
  org_unit_id: string;
  role: StaffRole;
  status: ColumnType<'active' | 'departed', 'active' | 'departed' | undefined>;
  pool_capacity: ColumnType<number, number | undefined>;
  phone: string | null;
  email: string | null;
  joined_on: DateString | null;
  departed_on: DateString | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerTable {
  id: number;
  customer_no: string;
  name: string | null;
  gender: 'M' | 'F' | 'U' | null;
  birth_date: DateString | null;
  phone: string | null;
  id_number: string | null;
  email: string | null;
  city: string | null;
  occupation: string | null;
  education: string | null;
  marital_status: string | null;
  org_unit_id: string | null;
  risk_level: number | null;
  customer_since: DateString | null;
  aum: ColumnType<number, number | string | undefined>;
  tier: Tier | null;
  payroll: ColumnType<boolean, boolean | undefined>;
  app_user: ColumnType<boolean, boolean | undefined>;
  wecom_friend: ColumnType<boolean, boolean | undefined>;
  wecom_external_userid: string | null;
  phone_sha256: string | null;
  imei_md5: string | null;
  oaid_md5: string | null;
  idfa_md5: string | null;
  caid_md5: string | null;
  attributes: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  /** Where Flywheel created the customer ('activity:<id>': a lead captured on site); null for imported ones. */
  source: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CustomerIdentityTable {
  kind:
    | 'customer_no'
    | 'distinct_id'
    | 'phone_sha256'
    | 'imei_md5'
    | 'oaid_md5'
    | 'idfa_md5'
    | 'caid_md5'
    | 'wecom'
    | 'wechat_unionid';
  value: string;
  customer_id: number;
}

export interface ProductTable {
  id: string;
  name: string;
  category: ProductCategory;
  role: ProductRole | null;
  risk_level: number | null;
  term_days: number | null;
  annual_rate: number | null;
  created_at: CreatedAt;
}

export interface HoldingTable {
  customer_id: number;
  account_no: string;
  product_id: string;
  balance: ColumnType<number, number | string | undefined>;
  opened_on: DateString;
  maturity_date: DateString | null;
  next_due_date: DateString | null;
  status: ColumnType<'active' | 'closed', 'active' | 'closed' | undefined>;
  updated_at: UpdatedAt;
}

/** Why the bank may contact a customer on a touchpoint: marketing, or service (maturity, repayment) notices. */
export type ConsentPurpose = 'marketing' | 'service';

export interface ConsentTable {
  customer_id: number;
  channel: ConsentChannel;
  purpose: ColumnType<ConsentPurpose, ConsentPurpose | undefined, ConsentPurpose>;
  status: 'granted' | 'revoked';
  source: ColumnType<string, string | undefined>;
  updated_at: ColumnType<Date, Date | string, Date | string>;
}

export interface ConsentHistoryTable {
  id: Generated<number>;
  customer_id: number;
  channel: ConsentChannel;
  purpose: ColumnType<ConsentPurpose, ConsentPurpose | undefined, never>;
  status: 'granted' | 'revoked';
  source: string;
  changed_at: ColumnType<Date, Date | string, never>;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string | null;
  password_hash: string;
  role: UserRole;
  staff_id: string | null;
  org_unit_id: string | null;
  status: ColumnType<'active' | 'disabled', 'active' | 'disabled' | undefined>;
  must_change_password: ColumnType<boolean, boolean | undefined>;
  /** Grantable permissions held beyond the role's (JSON array of permission names). */
  grants: JSONColumnType<string[], string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserSessionTable {
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_hash: string;
  role: UserRole;
  org_unit_id: string | null;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface ImportRunTable {
  id: Generated<number>;
  kind: string;
  source: string;
  started_at: ColumnType<Date, Date | string, never>;
  finished_at: Date | null;
  status: 'running' | 'committed' | 'rejected' | 'failed';
  summary: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  actor: string;
}

export interface SystemStateTable {
  key: string;
  value: JSONColumnType<Record<string, unknown>, string, string>;
  updated_at: UpdatedAt;
}

export interface SchemaMigrationTable {
  name: string;
  applied_at: CreatedAt;
}

/** Every table of the operational store. */
export type TagCategory =
  | 'demographics'
  | 'value'
  | 'behaviour'
  | 'product'
  | 'loyalty'
  | 'cash_flow'
  | 'reachability'
  | 'lifecycle'
  | 'custom';
export type TagKind = 'attribute' | 'bucket' | 'tier' | 'rfm' | 'event' | 'lifecycle' | 'sql' | 'manual';

export interface TagDefinitionTable {
  key: string;
  version: number;
  name_en: string;
  name_zh: string;
  description: string | null;
  category: TagCategory;
  kind: TagKind;
  spec: JSONColumnType<Record<string, unknown>>;
  status: ColumnType<'active' | 'retired', 'active' | 'retired' | undefined>;
  builtin: ColumnType<boolean, boolean | undefined>;
  created_by: string;
  created_at: CreatedAt;
}

export interface TagSnapshotTable {
  as_of: DateString;
  tag_key: string;
  value: string;
  definition_version: number;
  members: number;
  bitmap: Uint8Array;
  computed_at: CreatedAt;
}

export interface TagRunTable {
  id: Generated<number>;
  as_of: DateString;
  trigger: 'schedule' | 'manual' | 'start';
  status: 'running' | 'done' | 'failed';
  started_by: string;
  started_at: CreatedAt;
  finished_at: Date | null;
  results: JSONColumnType<unknown[]>;
}

export interface ManualTagValueTable {
  tag_key: string;
  customer_id: number;
  value: string;
  updated_at: UpdatedAt;
}

export interface TagSnapshotDayTable {
  as_of: DateString;
  customers: number;
  universe: Uint8Array;
  run_id: number | null;
  computed_at: UpdatedAt;
}

export interface CustomerTierMonthTable {
  month: DateString;
  customer_id: number;
  avg_daily_aum: number;
  qualified_tier: Tier;
  effective_tier: Tier;
  months_below: ColumnType<number, number | undefined>;
}

export interface SegmentTable {
  id: string;
  name: string;
  description: string | null;
  rule: JSONColumnType<object>;
  version: ColumnType<number, number | undefined>;
  status: ColumnType<'active' | 'archived', 'active' | 'archived' | undefined>;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string;
  updated_at: UpdatedAt;
}

export interface SegmentVersionTable {
  segment_id: string;
  version: number;
  rule: JSONColumnType<object>;
  changed_by: string;
  changed_at: CreatedAt;
  /** The segment after the change (migration 0003; null on rows written before it). */
  name: ColumnType<string | null, string | null | undefined, never>;
  description: ColumnType<string | null, string | null | undefined, never>;
  status: ColumnType<'active' | 'archived' | null, 'active' | 'archived' | null | undefined, never>;
  change: ColumnType<
    'create' | 'update' | 'archive' | null,
    'create' | 'update' | 'archive' | null | undefined,
    never
  >;
}

export interface SegmentSnapshotTable {
  segment_id: string;
  as_of: DateString;
  segment_version: number;
  members: number;
  aum: ColumnType<number, number | undefined>;
  bitmap: Uint8Array;
  computed_at: CreatedAt;
}

export interface CustomerListTable {
  id: string;
  name: string;
  members: number;
  unknown_customer_nos: ColumnType<number, number | undefined>;
  bitmap: Uint8Array;
  created_by: string;
  created_at: CreatedAt;
}

export interface Database
  extends
    ActivityTables,
    PoolTables,
    ExperimentTables,
    ContentTables,
    CampaignTables,
    FeedbackTables,
    JourneyTables,
    JourneyTriggerTables,
    MediaTables,
    OgsmTables,
    RtaTables,
    DictionaryTables,
    ReportTables,
    WecomTables,
    WecomTransferTables,
    WecomMessageTables,
    WecomTagTables {
  org_units: OrgUnitTable;
  staff: StaffTable;
  customers: CustomerTable;
  customer_identities: CustomerIdentityTable;
  products: ProductTable;
  holdings: HoldingTable;
  consents: ConsentTable;
  consent_history: ConsentHistoryTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  import_runs: ImportRunTable;
  system_state: SystemStateTable;
  schema_migrations: SchemaMigrationTable;
  tag_definitions: TagDefinitionTable;
  tag_snapshots: TagSnapshotTable;
  tag_runs: TagRunTable;
  tag_snapshot_days: TagSnapshotDayTable;
  manual_tag_values: ManualTagValueTable;
  customer_tier_months: CustomerTierMonthTable;
  segments: SegmentTable;
  segment_versions: SegmentVersionTable;
  segment_snapshots: SegmentSnapshotTable;
  customer_lists: CustomerListTable;
}
