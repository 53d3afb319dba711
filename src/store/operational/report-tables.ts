import type { ColumnType, Generated, JSONColumnType } from 'kysely';

// Row shapes of saved reports and dashboards (migration 0014_reports_dashboards.sql), merged into the operational
// store's `Database`. Owned by src/reports.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** What an analysis a report saves is: the analysis route whose request schema its definition follows. */
export type ReportKind =
  'funnel' | 'retention' | 'churn' | 'lifecycle' | 'drivers' | 'group' | 'concentration';
/** How much of a dashboard's width a card takes. */
export type CardSize = 'half' | 'full';

export interface ReportTable {
  id: Generated<number>;
  name: string;
  kind: ReportKind;
  definition: JSONColumnType<Record<string, unknown>, string, string>;
  owner: string;
  shared_roles: JSONColumnType<string[], string, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DashboardTable {
  id: Generated<number>;
  name: string;
  owner: string;
  shared_roles: JSONColumnType<string[], string, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DashboardCardTable {
  dashboard_id: number;
  position: number;
  report_id: number;
  size: CardSize;
}

/** The report tables, merged into the operational store's `Database`. */
export interface ReportTables {
  reports: ReportTable;
  dashboards: DashboardTable;
  dashboard_cards: DashboardCardTable;
}
