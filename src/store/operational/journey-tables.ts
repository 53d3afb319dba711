import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the journey tables (migration 0020_journeys.sql), merged into the operational store's `Database`.
// Owned by src/journeys.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Generated<T> = ColumnType<T, T | undefined, T>;

export type JourneyStatus = 'draft' | 'live' | 'paused' | 'stopped';
export type MembershipState = 'active' | 'waiting' | 'exited' | 'converted';

export interface JourneyTable {
  id: Generated<number>;
  name: string;
  status: Generated<JourneyStatus>;
  current_version: number | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface JourneyVersionTable {
  id: Generated<number>;
  journey_id: number;
  version: number;
  body: JSONColumnType<Record<string, unknown>, string, never>;
  author: string;
  created_at: Timestamp;
  published_at: Timestamp | null;
}

export interface JourneySendTable {
  version_id: number;
  node_id: string;
  campaign_id: number;
}

export interface JourneyMembershipTable {
  id: Generated<string>;
  journey_id: number;
  version_id: number;
  customer_id: number;
  entry_no: number;
  current_node: string | null;
  state: MembershipState;
  due_at: Timestamp | null;
  signal: string | null;
  arm: string | null;
  steps: Generated<number>;
  entered_at: Timestamp;
  exited_at: Timestamp | null;
  exit_reason: string | null;
  converted_at: Timestamp | null;
  /** A date entry's holding due day (the day claimed + daysBefore; migration 0027); null for other entries. */
  holding_due_on: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface JourneyStepTable {
  membership_id: string;
  step_no: number;
  /** The version the step was taken on (a migrated membership's earlier steps keep theirs). */
  version_id: number;
  node_id: string;
  exit: string | null;
  outcome: string;
  at: Timestamp;
}

/** The journey tables. */
export interface JourneyTables {
  journeys: JourneyTable;
  journey_versions: JourneyVersionTable;
  journey_sends: JourneySendTable;
  journey_memberships: JourneyMembershipTable;
  journey_steps: JourneyStepTable;
}
