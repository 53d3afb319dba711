import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the content library and contact policy tables (migration 0008_content.sql), merged into the
// operational store's `Database`. Owned by src/campaigns.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Generated<T> = ColumnType<T, T | undefined, T>;

export interface ContentItemTable {
  id: Generated<number>;
  type: 'product' | 'event' | 'media' | 'category' | 'brand';
  media_kind: 'article' | 'video' | 'poster' | null;
  title: string;
  product_id: string | null;
  latest_version: Generated<number>;
  approved_version: number | null;
  archived: Generated<boolean>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ContentVersionStatus = 'draft' | 'pending' | 'approved' | 'rejected';

export interface ContentVersionTable {
  content_id: number;
  version: number;
  body: JSONColumnType<Record<string, unknown>, string, string>;
  status: Generated<ContentVersionStatus>;
  author: string;
  created_at: Timestamp;
  submitted_at: Timestamp | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
}

export interface SensitiveWordTable {
  word: string;
  added_by: string;
  added_at: Timestamp;
}

export interface ContactPolicyTable {
  id: Generated<number>;
  settings: JSONColumnType<Record<string, unknown>, string, string>;
  updated_by: string;
  updated_at: Timestamp;
}

export interface DoNotContactTable {
  customer_id: number;
  reason: string;
  added_by: string;
  added_at: Timestamp;
}

/** The content and contact-policy tables, merged into the operational store's `Database`. */
export interface ContentTables {
  content_items: ContentItemTable;
  content_versions: ContentVersionTable;
  sensitive_words: SensitiveWordTable;
  contact_policy: ContactPolicyTable;
  do_not_contact: DoNotContactTable;
}
