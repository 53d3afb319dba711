import type { z } from 'zod';
import type { UserRole } from '../auth/principal.ts';
import type { CardSize, ReportKind } from '../store/operational/report-tables.ts';

export type { CardSize, ReportKind };

/** Every kind of analysis a report can save, in the order the dashboard offers them. */
export const REPORT_KINDS = [
  'funnel',
  'retention',
  'churn',
  'lifecycle',
  'drivers',
  'group',
  'concentration',
] as const satisfies readonly ReportKind[];

/** Card sizes: half of the dashboard's width or all of it. */
export const CARD_SIZES = ['half', 'full'] as const satisfies readonly CardSize[];

/**
 * The request schema of each kind's analysis route: a report's definition must pass it, so a saved report always
 * re-runs. Given by the API layer (the schemas are the routes' own), so this domain does not depend on it.
 */
export type DefinitionSchemas = Readonly<Record<ReportKind, z.ZodType>>;

/** Who reads or changes reports: the audit log's actor (owner of what they create) and their role (sharing). */
export interface Viewer {
  readonly actor: string;
  readonly role: UserRole;
}

/** A saved analysis: its definition (the analysis request), not its result. */
export interface Report {
  readonly id: number;
  readonly name: string;
  readonly kind: ReportKind;
  readonly definition: unknown;
  readonly owner: string;
  readonly sharedRoles: UserRole[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Whether the viewer may change or delete it (its owner, or an administrator). */
  readonly editable: boolean;
}

/** What a report is saved with. */
export interface ReportInput {
  readonly name: string;
  readonly kind: ReportKind;
  readonly definition: unknown;
  readonly sharedRoles: readonly UserRole[];
}

/** One card of a dashboard: the report it runs (null when the viewer may not see that report) and its size. */
export interface Card {
  readonly reportId: number;
  readonly size: CardSize;
  readonly report: Report | null;
}

/** A dashboard (看板): saved reports as cards, in order. */
export interface Dashboard {
  readonly id: number;
  readonly name: string;
  readonly owner: string;
  readonly sharedRoles: UserRole[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly editable: boolean;
  readonly cards: Card[];
}

/** A dashboard in a list: without its cards' reports. */
export type DashboardSummary = Omit<Dashboard, 'cards'> & { readonly cardCount: number };

/** What a dashboard is saved with: its cards in order. */
export interface DashboardInput {
  readonly name: string;
  readonly sharedRoles: readonly UserRole[];
  readonly cards: readonly { readonly reportId: number; readonly size: CardSize }[];
}
