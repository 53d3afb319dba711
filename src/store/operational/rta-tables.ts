import type { ColumnType, JSONColumnType } from 'kysely';

// Row shapes of the RTA tables (migration 0024_rta.sql), merged into the operational store's `Database`.
// Owned by src/rta.

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Count = ColumnType<string, number | string, number | string>;

export interface RtaStrategyTable {
  id: string;
  name: string;
  definition: JSONColumnType<Record<string, unknown>, string, string>;
  status: 'active' | 'paused';
  version: number;
  updated_by: string;
  updated_at: Timestamp;
}

export interface RtaStrategyVersionTable {
  strategy_id: string;
  version: number;
  definition: JSONColumnType<Record<string, unknown>, string, never>;
  status: 'active' | 'paused';
  change: 'create' | 'update' | 'pause' | 'resume';
  changed_by: string;
  changed_at: Timestamp;
}

export interface CustomerScoreTable {
  kind: string;
  customer_id: number;
  score: number;
  as_of: ColumnType<string, string, string>;
}

export interface RtaMetricTable {
  minute: Timestamp;
  strategy_id: string;
  is_test: boolean;
  requests: Count;
  matches: Count;
  errors: Count;
  latency_buckets: ColumnType<string[], string, string>;
}

export interface RtaTables {
  rta_strategies: RtaStrategyTable;
  rta_strategy_versions: RtaStrategyVersionTable;
  customer_scores: CustomerScoreTable;
  rta_metrics: RtaMetricTable;
}
