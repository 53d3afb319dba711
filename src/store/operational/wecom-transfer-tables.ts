import type { ColumnType } from 'kysely';

// Row shapes of WeCom's transfers of handed-over customers (migration 0017_wecom_transfers.sql).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Where one customer's WeCom transfer stands. */
export type WecomTransferState =
  'planned' | 'requested' | 'waiting' | 'done' | 'refused' | 'taker_at_limit' | 'failed';

export interface WecomTransferTable {
  job_id: number;
  customer_id: number;
  external_userid: string;
  handover_userid: string;
  takeover_userid: string;
  kind: 'employed' | 'resigned';
  state: ColumnType<WecomTransferState, WecomTransferState | undefined, WecomTransferState>;
  errcode: number | null;
  reason: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  retried_from: string | null;
  requested_at: Timestamp | null;
  checked_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

/** The WeCom transfer tables. */
export interface WecomTransferTables {
  wecom_transfers: WecomTransferTable;
}
