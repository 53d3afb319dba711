import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the campaign and delivery tables (migration 0009_campaigns.sql), merged into the operational store's
// `Database`. Owned by src/campaigns.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Generated<T> = ColumnType<T, T | undefined, T>;
type Json<T extends object> = JSONColumnType<T, string, string>;

export type ChannelKind = 'webhook' | 'email' | 'sms' | 'push' | 'manager_task' | 'outbox' | 'wecom_group';

/** What owns a campaign run by another engine (never scheduled, not in the campaigns list). */
export type CampaignOwner = 'journey' | 'activity';

export interface ChannelTable {
  key: string;
  kind: ChannelKind;
  reaches: 'sms' | 'email' | 'phone' | 'wecom' | 'app_push';
  variant: 'sms' | 'email' | 'app_push' | 'wecom' | 'manager_script';
  config: Json<Record<string, unknown>>;
  enabled: Generated<boolean>;
  updated_by: string;
  updated_at: Timestamp;
}

export type CampaignStatus =
  'draft' | 'pending' | 'approved' | 'running' | 'paused' | 'cancelled' | 'completed';

export interface CampaignTable {
  id: Generated<number>;
  name: string;
  purpose: 'marketing' | 'service';
  status: Generated<CampaignStatus>;
  latest_version: Generated<number>;
  approved_version: number | null;
  /** The engine that creates this campaign's runs ('journey': a journey's send node); null: the scheduler. */
  owned_by: ColumnType<CampaignOwner | null, CampaignOwner | null | undefined, CampaignOwner | null>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CampaignVersionTable {
  campaign_id: number;
  version: number;
  body: Json<Record<string, unknown>>;
  status: Generated<'draft' | 'pending' | 'approved' | 'rejected'>;
  author: string;
  created_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
}

export type RunStatus = 'preparing' | 'sending' | 'paused' | 'cancelled' | 'completed' | 'failed';

export interface CampaignRunTable {
  id: Generated<string>;
  campaign_id: number;
  version: number;
  slot: Timestamp;
  status: Generated<RunStatus>;
  as_of: ColumnType<string | null, string | null | undefined, string | null>;
  audience: Buffer | null;
  control: Buffer | null;
  waterfall: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  error: string | null;
  created_at: Timestamp;
  prepared_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** The business day the run's messages count against caps on; null when they do not count. */
  cap_day: ColumnType<string | null, string | null | undefined, string | null>;
  /** A journey's run takes more deliveries until then, and is not completed before. */
  open_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type DeliveryStatus =
  'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'dead' | 'suppressed' | 'cancelled';

export interface DeliveryTable {
  run_id: string;
  customer_id: number;
  channel: string;
  idempotency_key: string;
  status: Generated<DeliveryStatus>;
  not_before: Timestamp;
  attempts: Generated<number>;
  claimed_by: string | null;
  claimed_until: Timestamp | null;
  consent: Json<Record<string, unknown>>;
  provider_id: string | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  updated_at: Timestamp;
  /** The day the holding a journey's service notice is about falls due (migration 0027); null otherwise. */
  holding_due_on: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ContactLedgerTable {
  customer_id: number;
  reaches: string;
  day: ColumnType<string, string, string>;
  messages: number;
}

export interface OutboxMessageTable {
  idempotency_key: string;
  run_id: string;
  customer_id: number;
  channel: string;
  body: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

/** The campaign and delivery tables, merged into the operational store's `Database`. */
export interface CampaignTables {
  channels: ChannelTable;
  campaigns: CampaignTable;
  campaign_versions: CampaignVersionTable;
  campaign_runs: CampaignRunTable;
  deliveries: DeliveryTable;
  contact_ledger: ContactLedgerTable;
  outbox_messages: OutboxMessageTable;
}
