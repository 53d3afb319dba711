import { Alert, Card, Skeleton } from 'antd';
import { useMemo } from 'react';
import { ApiError } from '../../../api/client.ts';
import { toApiRule } from '../../../api/rule.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import type { MessageKey } from '../../../i18n/en-US.ts';
import { useI18n, type Translate } from '../../../i18n/i18n.tsx';
import { navigate, useSearchParams } from '../../../router.ts';
import { AnalysisFrame } from '../AnalysisFrame.tsx';
import { SaveReportButton } from '../../reports/SaveReportButton.tsx';
import { useOpenedReport } from '../../reports/useOpenedReport.ts';
import { driversApi, type DriversAnalysis, type DriversRequest } from './api.ts';
import { DriversForm, type DriversQuery } from './DriversForm.tsx';
import { DriversResults } from './DriversResults.tsx';

// /analytics/drivers?outcome=<rule>&segment=<id>|population=<rule>[&bins=&holdout=]: the query is the state, so an
// analysis can be linked to (the group analysis page links here with the group preset) and reloaded.

/** Reads the query of the page; null when no outcome is given yet. */
function queryOf(params: URLSearchParams): DriversQuery | null {
  const outcome = params.get('outcome');
  const segment = params.get('segment');
  const population = params.get('population');
  const bins = Number(params.get('bins'));
  const holdout = Number(params.get('holdout'));
  const base = {
    ...(segment ? { segment } : {}),
    ...(population ? { population } : {}),
    ...(bins ? { bins } : {}),
    ...(holdout ? { holdout } : {}),
  };
  return outcome ? { outcome, ...base } : Object.keys(base).length > 0 ? { outcome: '', ...base } : null;
}

function pathOf(q: DriversQuery): string {
  const params = new URLSearchParams({ outcome: q.outcome });
  if (q.segment) params.set('segment', q.segment);
  if (q.population) params.set('population', q.population);
  if (q.bins) params.set('bins', String(q.bins));
  if (q.holdout) params.set('holdout', String(q.holdout));
  return `/analytics/drivers?${params.toString()}`;
}

/** The analysis request of a query (the body of POST /v1/analytics/drivers, and a saved report's definition). */
function requestOf(query: DriversQuery): DriversRequest {
  const population = query.segment
    ? { segmentId: query.segment }
    : query.population
      ? { rule: toApiRule(JSON.parse(query.population)) }
      : undefined;
  return {
    outcome: toApiRule(JSON.parse(query.outcome)),
    ...(population === undefined ? {} : { population }),
    ...(query.bins ? { bins: query.bins } : {}),
    ...(query.holdout ? { holdoutPercent: query.holdout } : {}),
  };
}

/** The query of a saved report's definition (the inverse of requestOf). */
function queryOfRequest(r: DriversRequest): DriversQuery {
  const p = r.population;
  return {
    outcome: JSON.stringify(r.outcome),
    ...(p && 'segmentId' in p ? { segment: p.segmentId } : {}),
    ...(p && 'rule' in p ? { population: JSON.stringify(p.rule) } : {}),
    ...(r.bins ? { bins: r.bins } : {}),
    ...(r.holdoutPercent ? { holdout: r.holdoutPercent } : {}),
  };
}

/** The "Key factors" tab: what drives a binary outcome within a group. */
export function DriversPage() {
  const { t } = useI18n();
  const params = useSearchParams();
  const opened = useOpenedReport(['drivers']);
  const key = params.toString() + (opened.report ? `#${opened.report.updatedAt}` : '');
  // keyed on the query text: a new URLSearchParams object with the same text is the same query
  const query = useMemo(
    () => (opened.report ? queryOfRequest(opened.report.definition as DriversRequest) : queryOf(params)),
    [key],
  );
  const request = query?.outcome ? requestOf(query) : null;
  const { data, error, loading, reload } = useLoad(
    async (signal): Promise<DriversAnalysis | null> => (request ? driversApi.analyse(request, signal) : null),
    [key],
  );
  const run = (q: DriversQuery) =>
    pathOf(q) === window.location.pathname + window.location.search ? reload() : navigate(pathOf(q));
  const notEnough =
    error instanceof ApiError && error.code === 'not_enough_data' ? notEnoughText(error, t) : null;

  return (
    <div data-testid="drivers" aria-busy={loading}>
      {opened.pending ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : (
        <DriversForm
          query={query}
          onRun={run}
          extra={
            <SaveReportButton
              kind="drivers"
              definition={request}
              opened={opened.report}
              defaultName={t('analytics.tab.drivers')}
            />
          }
        />
      )}
      {!query?.outcome ? (
        <Alert type="info" showIcon title={t('analytics.drivers.intro')} data-testid="drivers-intro" />
      ) : notEnough ? (
        <AnalysisFrame
          title={t('analytics.drivers.ivTitle')}
          meta={{ definition: t('analytics.drivers.ivDefinition'), window: '–' }}
          notEnoughData={notEnough}
          testId="drivers-not-enough"
        />
      ) : error && !loading ? (
        <LoadError error={error} title={t('analytics.drivers.loadFailed')} onRetry={reload} />
      ) : !data || loading ? (
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : (
        <DriversResults analysis={data} />
      )}
    </div>
  );
}

const NOT_ENOUGH = {
  empty_population: 'analytics.drivers.notEnough.emptyPopulation',
  no_positive: 'analytics.drivers.notEnough.noPositive',
  all_positive: 'analytics.drivers.notEnough.allPositive',
} as const satisfies Record<string, MessageKey>;

/** Why the drivers cannot be ranked, in the page's language (from `details.reason`; else the server's text). */
function notEnoughText(error: ApiError, t: Translate): string {
  const reason = (error.details as { reason?: string } | null)?.reason;
  const key = NOT_ENOUGH[reason as keyof typeof NOT_ENOUGH] as MessageKey | undefined;
  return key ? t(key) : error.message;
}
