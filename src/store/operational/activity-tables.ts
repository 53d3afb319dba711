import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the activity tables (migration 0022_activities.sql), merged into the operational store's `Database`.
// Owned by src/activities.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Generated<T> = ColumnType<T, T | undefined, T>;

export type ActivityStatus = 'draft' | 'open' | 'finished';
export type InviteeSource = 'invited' | 'walk_in' | 'lead';
export type Rsvp = 'none' | 'yes' | 'no' | 'waitlist';

export interface ActivityTable {
  id: Generated<number>;
  name: string;
  mode: 'online' | 'offline';
  frequency: 'high' | 'low';
  aim: 'engagement' | 'transaction';
  venue: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  capacity: number;
  check_in_before_minutes: Generated<number>;
  check_in_after_minutes: Generated<number>;
  products: JSONColumnType<{ productId: string; role: string }[], string, string>;
  staff: JSONColumnType<{ staffId: string; role: string }[], string, string>;
  partner_name: string | null;
  partner_kind: string | null;
  status: Generated<ActivityStatus>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ActivityPartnerMemberTable {
  activity_id: number;
  member_no: number;
  name: string;
  phone_sha256: string | null;
  customer_id: number | null;
}

export interface ActivityInviteeTable {
  activity_id: number;
  customer_id: number;
  source: InviteeSource;
  control: Generated<boolean>;
  invited_at: Timestamp | null;
  rsvp: Generated<Rsvp>;
  rsvp_at: Timestamp | null;
  registered_at: Timestamp | null;
  checked_in_at: Timestamp | null;
  check_in_by: string | null;
  captured_by: string | null;
  interest: string | null;
}

export interface ActivitySendTable {
  activity_id: number;
  campaign_id: number;
}

/** The activity tables. */
export interface ActivityTables {
  activities: ActivityTable;
  activity_partner_members: ActivityPartnerMemberTable;
  activity_invitees: ActivityInviteeTable;
  activity_sends: ActivitySendTable;
}
