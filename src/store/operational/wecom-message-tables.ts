import type { ColumnType, Generated } from 'kysely';

// Row shapes of WeCom group messages sent as a campaign channel (migration 0019_wecom_group_messages.sql).

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Where one group message stands: requested, waiting for its sender's confirmation, or ended. */
export const WECOM_GROUP_MESSAGE_STATES = [
  'requesting',
  'awaiting_confirmation',
  'confirmed',
  'expired',
  'failed',
  'unknown',
] as const;
export type WecomGroupMessageState = (typeof WECOM_GROUP_MESSAGE_STATES)[number];

/** Where one customer of a group message stands. */
export type WecomRecipientStatus = 'awaiting_confirmation' | 'sent' | 'failed' | 'expired';

export interface WecomGroupMessageTable {
  id: Generated<string>;
  msgid: string | null;
  channel: string;
  run_id: string;
  sender: string;
  content: string;
  state: ColumnType<WecomGroupMessageState, WecomGroupMessageState | undefined, WecomGroupMessageState>;
  errcode: number | null;
  reason: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  polled_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface WecomGroupMessageRecipientTable {
  delivery_key: string;
  message_id: string;
  customer_id: number;
  external_userid: string;
  day: ColumnType<string, string, string>;
  status: ColumnType<WecomRecipientStatus, WecomRecipientStatus | undefined, WecomRecipientStatus>;
  reason: string | null;
  sent_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface WecomMessageTables {
  wecom_group_messages: WecomGroupMessageTable;
  wecom_group_message_recipients: WecomGroupMessageRecipientTable;
}
