import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the experiment tables (migration 0005_experiments.sql), merged into the operational store's
// `Database`. Owned by src/analytics/experiments.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface ExperimentTable {
  id: string;
  name: string;
  description: string | null;
  control_arm: string;
  metrics: JSONColumnType<{ name: string; kind: 'binary' | 'numeric' }[], string, string>;
  allocation: JSONColumnType<Record<string, number> | null, string | null, string | null>;
  created_by: string;
  created_at: CreatedAt;
  updated_by: string;
  data_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExperimentUnitTable {
  experiment_id: string;
  unit_key: string;
  arm: string;
  customer_id: number | null;
  metrics: JSONColumnType<Record<string, number>, string, string>;
}

/** The experiment tables, merged into the operational store's `Database`. */
export interface ExperimentTables {
  experiments: ExperimentTable;
  experiment_units: ExperimentUnitTable;
}
