import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the OGSM tables (migration 0023_ogsm.sql), merged into the operational store's `Database`.
// Owned by src/ogsm.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Generated<T> = ColumnType<T, T | undefined, T>;

export interface OgsmPlanTable {
  id: Generated<number>;
  subject_kind: 'campaign' | 'journey' | 'activity';
  subject_id: number;
  version: number;
  body: JSONColumnType<Record<string, unknown>, string, string>;
  lesson: string | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  created_by: string;
  created_at: Timestamp;
  updated_by: string;
  updated_at: Timestamp;
}

export interface OgsmPlanVersionTable {
  plan_id: number;
  version: number;
  body: JSONColumnType<Record<string, unknown>, string, never>;
  lesson: string | null;
  change: 'edit' | 'review';
  author: string;
  created_at: Timestamp;
}

export interface OgsmTables {
  ogsm_plans: OgsmPlanTable;
  ogsm_plan_versions: OgsmPlanVersionTable;
}
