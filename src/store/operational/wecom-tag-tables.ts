import type { ColumnType, Generated, JSONColumnType } from 'kysely';

// Row shapes of WeCom's corp tags as Flywheel publishes them, and of the tag sync passes (migration
// 0018_wecom_corp_tags.sql).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface WecomCorpTagTable {
  tag_key: string;
  value: string;
  wecom_group_id: string;
  wecom_tag_id: string;
  group_name: string;
  tag_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One failed mark_tag call as a sync pass records it. */
export interface WecomMarkFailure {
  readonly staffId: string;
  readonly externalUserid: string;
  readonly errcode: number;
  readonly errmsg: string;
}

export interface WecomTagSyncTable {
  id: Generated<number>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  actor: string;
  compared: ColumnType<number, number | undefined, number>;
  marked: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  errcodes: JSONColumnType<Record<string, number>, string | undefined, string>;
  failures: JSONColumnType<WecomMarkFailure[], string | undefined, string>;
  imported_tags: ColumnType<number, number | undefined, number>;
  imported_values: ColumnType<number, number | undefined, number>;
  error: string | null;
}

/** The WeCom tag tables. */
export interface WecomTagTables {
  wecom_corp_tags: WecomCorpTagTable;
  wecom_tag_syncs: WecomTagSyncTable;
}
