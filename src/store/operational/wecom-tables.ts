import type { ColumnType, Generated, JSONColumnType } from 'kysely';

// Row shapes of the WeCom integration (migration 0016_wecom.sql), merged into the operational store's `Database`.
// Owned by src/wecom; the pool's timeline reads `wecom_friendship_changes`.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** How a friendship was linked to a customer. */
export type WecomMatchedBy = 'external_userid' | 'unionid' | 'phone' | 'remark' | 'manual';
/** Who ended a friendship: the customer deleted the staff member, or the staff member deleted the customer. */
export type WecomRemovedBy = 'customer' | 'staff';
/** A change of a friendship, as the timeline shows it. */
export type WecomFriendshipChange =
  'added' | 'edited' | 'removed_by_staff' | 'removed_by_customer' | 'removed' | 'linked' | 'transfer_failed';

export interface WecomContactTable {
  external_userid: string;
  name: string | null;
  type: 1 | 2 | null;
  unionid: string | null;
  updated_at: UpdatedAt;
}

export interface WecomFriendshipTable {
  staff_id: string;
  external_userid: string;
  customer_id: number | null;
  matched_by: WecomMatchedBy | null;
  remark: string | null;
  remark_mobile_sha256: JSONColumnType<string[], string | undefined, string>;
  add_way: number | null;
  added_at: Timestamp;
  removed_at: Timestamp | null;
  removed_by: WecomRemovedBy | null;
  wecom_tag_ids: JSONColumnType<string[], string | undefined, string>;
  updated_at: UpdatedAt;
}

export interface WecomFriendshipChangeTable {
  id: Generated<number>;
  at: Timestamp;
  staff_id: string;
  external_userid: string;
  customer_id: number | null;
  change: WecomFriendshipChange;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface WecomCallbackReceiptTable {
  msg_signature: string;
  timestamp: string;
  nonce: string;
  event: string | null;
  received_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface WecomTagEventTable {
  id: Generated<number>;
  at: Timestamp;
  change_type: string;
  tag_type: string | null;
  tag_id: string | null;
  strategy_id: string | null;
  received_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface WecomTables {
  wecom_contacts: WecomContactTable;
  wecom_friendships: WecomFriendshipTable;
  wecom_friendship_changes: WecomFriendshipChangeTable;
  wecom_callback_receipts: WecomCallbackReceiptTable;
  wecom_tag_events: WecomTagEventTable;
}
