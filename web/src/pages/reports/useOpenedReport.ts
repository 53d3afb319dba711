import { useLoad } from '../../components/useLoad.ts';
import { reportsApi, type Report, type ReportKind } from '../../api/reports.ts';
import { navigate, useSearchParams } from '../../router.ts';

/** The page address that reopens a saved report: its analysis page with `?report=<id>`. */
export function reportPath(report: Pick<Report, 'id' | 'kind' | 'definition'>): string {
  if (report.kind === 'group') {
    // the group analysis page's address is its state: the saved group, or the rule
    const p = (report.definition as { population?: { segmentId?: string; rule?: unknown } }).population;
    if (p?.segmentId) return `/segments/${encodeURIComponent(p.segmentId)}/analysis`;
    return `/segments/analysis?rule=${encodeURIComponent(JSON.stringify(p?.rule ?? null))}`;
  }
  return `${KIND_PATHS[report.kind]}?report=${report.id}`;
}

/** Where each kind of analysis lives in the dashboard. */
export const KIND_PATHS: Record<ReportKind, string> = {
  funnel: '/analytics/funnels',
  retention: '/analytics/retention',
  churn: '/analytics/retention',
  lifecycle: '/analytics/lifecycle',
  drivers: '/analytics/drivers',
  group: '/segments/analysis',
  concentration: '/analytics/concentration',
};

/** Opens a saved report on its analysis page. */
export function openReport(report: Pick<Report, 'id' | 'kind' | 'definition'>): void {
  navigate(reportPath(report));
}

/**
 * The saved report named by the page's `?report=` (when it is one of `kinds`): the page fills its form from the
 * definition and runs it. `pending` while it loads, so the page does not show its blank form first.
 */
export function useOpenedReport(kinds: readonly ReportKind[]): {
  report: Report | null;
  pending: boolean;
  error: unknown;
} {
  const param = useSearchParams().get('report');
  const id = param !== null && /^\d+$/.test(param) ? Number(param) : null;
  const loaded = useLoad(
    (signal) => (id === null ? Promise.resolve(null) : reportsApi.get(id, signal)),
    [id],
  );
  const report =
    loaded.data && kinds.includes(loaded.data.kind) && loaded.data.id === id ? loaded.data : null;
  return { report, pending: id !== null && loaded.loading, error: loaded.error };
}
