import { Alert, Skeleton, Space, Table } from 'antd';
import { useState, type HTMLAttributes, type ReactNode } from 'react';
import { segmentsApi } from '../../../api/segments.ts';
import { EChart, type ChartOption } from '../../../charts/EChart.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { bankDay, formatInteger, formatPercent } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n, type Lang } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import {
  behaviourApi,
  type ChurnPoint,
  type ChurnRequest,
  type ChurnResult,
  type CohortRow,
  type RetentionRequest,
  type RetentionResult,
} from '../funnels/api.ts';
import { SaveReportButton } from '../../reports/SaveReportButton.tsx';
import { useOpenedReport } from '../../reports/useOpenedReport.ts';
import { RetentionForm, type RetentionQuery } from './RetentionForm.tsx';

/** A rate for a table cell; "—" where there is none (a period not observed, nobody at risk). */
const rateText = (x: number | null | undefined, lang: Lang) =>
  x === null || x === undefined ? '—' : formatPercent(x, lang, 1);

/** The "Retention and churn" tab: the cohort heat map (with CSV) and the churn-rate trend (line and CSV). */
export function RetentionPage() {
  const { t, lang } = useI18n();
  const events = useLoad((signal) => behaviourApi.events(signal), []);
  const catalogue = useLoad((signal) => segmentsApi.catalogue(signal).catch(() => null), []);
  const opened = useOpenedReport(['retention', 'churn']);
  const [ran, setQuery] = useState<Partial<RetentionQuery> | null>(null);
  // A report opened from the address runs its definition (retention or churn) until the form runs both.
  const saved: Partial<RetentionQuery> | null = opened.report
    ? { [opened.report.kind]: opened.report.definition }
    : null;
  const query = ran ?? saved;
  const key = JSON.stringify(query);
  const retention = useLoad(
    (signal): Promise<RetentionResult | null> =>
      query?.retention ? behaviourApi.retention(query.retention, signal) : Promise.resolve(null),
    [key],
  );
  const churn = useLoad(
    (signal): Promise<ChurnResult | null> =>
      query?.churn ? behaviourApi.churn(query.churn, signal) : Promise.resolve(null),
    [key],
  );
  const save = (kind: 'retention' | 'churn', definition: object) => (
    <SaveReportButton
      kind={kind}
      definition={definition}
      opened={opened.report}
      defaultName={t(kind === 'retention' ? 'analytics.retention.title' : 'analytics.retention.churnTitle')}
    />
  );

  if (events.error)
    return <LoadError error={events.error} title={t('analytics.retention.title')} onRetry={events.reload} />;
  if (!events.data || opened.pending) return <Skeleton active />;
  return (
    <div data-testid="retention" aria-busy={retention.loading || churn.loading}>
      {events.data.events.length === 0 ? (
        <Alert type="info" showIcon title={t('analytics.funnels.noEvents')} />
      ) : (
        <RetentionForm
          key={opened.report?.id ?? 'new'}
          events={events.data}
          catalogue={catalogue.data ?? null}
          initial={saved ?? undefined}
          onRun={setQuery}
        />
      )}
      {retention.error ? (
        <LoadError
          error={retention.error}
          title={t('analytics.retention.title')}
          onRetry={retention.reload}
        />
      ) : retention.data && query?.retention ? (
        <RetentionView
          result={retention.data}
          request={query.retention}
          lang={lang}
          extra={save('retention', query.retention)}
        />
      ) : query?.retention ? (
        <Skeleton active />
      ) : null}
      {churn.error ? (
        <LoadError error={churn.error} title={t('analytics.retention.churnTitle')} onRetry={churn.reload} />
      ) : churn.data && query?.churn ? (
        <ChurnView result={churn.data} request={query.churn} lang={lang} extra={save('churn', query.churn)} />
      ) : null}
    </div>
  );
}

/** A cell's background: blue with the rate as opacity, so the matrix reads as a heat map. */
function heat(rate: number | null): string | undefined {
  return rate === null ? undefined : `rgba(22, 119, 255, ${(0.08 + 0.72 * rate).toFixed(3)})`;
}

/** The retention table (heat map) with its breakdown groups and CSV. */
export function RetentionView({
  result,
  request: r,
  lang,
  extra,
}: {
  result: RetentionResult;
  request: RetentionRequest;
  lang: Lang;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const { displayName } = useDictionary();
  const offsets = Array.from({ length: r.periods }, (_, k) => k);
  const pct = (x: number | null | undefined) => rateText(x, lang);
  const csv: CsvColumn<CohortRow>[] = [
    { title: t('analytics.retention.cohort'), value: (c) => c.cohort },
    { title: t('analytics.retention.size'), value: (c) => c.size },
    ...offsets.flatMap((k) => [
      { title: `+${k} ${t('analytics.retention.retained')}`, value: (c: CohortRow) => c.retained[k] ?? '' },
      { title: `+${k} ${t('analytics.retention.rate')}`, value: (c: CohortRow) => c.rates[k] ?? '' },
    ]),
  ];
  const startText =
    r.start.kind === 'first_purchase'
      ? t('analytics.retention.firstPurchase')
      : r.start.kind === 'event'
        ? displayName('event', r.start.event)
        : t('analytics.retention.anyEvent');
  const returnText =
    r.return.kind === 'event' ? displayName('event', r.return.event) : t('analytics.retention.anyEvent');
  return (
    <AnalysisFrame
      title={t('analytics.retention.title')}
      testId="retention-result"
      notEnoughData={
        result.notEnoughData &&
        t('analytics.retention.noCohort', {
          start: startText,
          from: r.from,
          to: r.to,
          scope: r.population ? t('analytics.scope.population') : '',
        })
      }
      extra={
        <Space wrap>
          {extra}
          <CsvButton
            fileName={`retention-${r.from}-${r.to}.csv`}
            columns={csv}
            rows={result.overall.cohorts}
          />
        </Space>
      }
      meta={{
        definition: t('analytics.retention.definition', {
          start: startText,
          ret: returnText,
          period: t(`analytics.retention.period.${r.period}`),
        }),
        window: t('analytics.retention.windowText', {
          from: r.from,
          to: r.to,
          zone: result.timeZone,
          until: result.window.observedUntil ? bankDay(result.timeZone, result.window.observedUntil) : '–',
        }),
        freshness: result.freshness.latestEventTime,
        elapsedMs: result.elapsedMs,
      }}
    >
      <Table<CohortRow>
        size="small"
        rowKey="cohort"
        pagination={false}
        scroll={{ x: true }}
        dataSource={result.overall.cohorts}
        data-testid="retention-table"
        onRow={(c) => ({ 'data-testid': `retention-row-${c.cohort}` }) as HTMLAttributes<HTMLElement>}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}>{t('analytics.retention.average')}</Table.Summary.Cell>
            <Table.Summary.Cell index={1} />
            {offsets.map((k) => (
              <Table.Summary.Cell key={k} index={k + 2} align="right">
                <span data-testid={`retention-average-${k}`}>{pct(result.overall.average[k])}</span>
              </Table.Summary.Cell>
            ))}
          </Table.Summary.Row>
        )}
        columns={[
          { title: t('analytics.retention.cohort'), dataIndex: 'cohort', fixed: 'left' },
          {
            title: t('analytics.retention.size'),
            dataIndex: 'size',
            align: 'right',
            render: (n: number) => (
              <span data-testid="retention-size" data-value={n}>
                {formatInteger(n, lang)}
              </span>
            ),
          },
          ...offsets.map((k) => ({
            title: `+${k}`,
            key: `o${k}`,
            align: 'right' as const,
            onCell: (c: CohortRow) => ({ style: { background: heat(c.rates[k] ?? null) } }),
            render: (_: unknown, c: CohortRow) => (
              <span
                data-testid={`retention-cell-${k}`}
                data-value={c.retained[k] ?? ''}
                title={
                  c.retained[k] === null || c.retained[k] === undefined
                    ? ''
                    : formatInteger(c.retained[k], lang)
                }
              >
                {pct(c.rates[k])}
              </span>
            ),
          })),
        ]}
      />
      {result.breakdown && result.breakdown.groups.length > 0 && (
        <Table
          size="small"
          style={{ marginTop: 16 }}
          rowKey="key"
          pagination={false}
          data-testid="retention-groups"
          dataSource={result.breakdown.groups.map((g) => ({
            key: g.key,
            name: g.label ? (lang === 'zh-CN' ? g.label.zh : g.label.en) : g.key,
            size: g.cohorts.reduce((s, c) => s + c.size, 0),
            average: g.average,
          }))}
          columns={[
            { title: t('analytics.funnels.group'), dataIndex: 'name' },
            {
              title: t('analytics.retention.size'),
              dataIndex: 'size',
              align: 'right',
              render: (n: number) => formatInteger(n, lang),
            },
            ...offsets.map((k) => ({
              title: `+${k}`,
              key: `g${k}`,
              align: 'right' as const,
              render: (_: unknown, g: { average: readonly (number | null)[] }) => pct(g.average[k]),
            })),
          ]}
        />
      )}
    </AnalysisFrame>
  );
}

/** The churn-rate trend: line, table and CSV. */
export function ChurnView({
  result,
  request: c,
  lang,
  extra,
}: {
  result: ChurnResult;
  request: ChurnRequest;
  lang: Lang;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const { displayName } = useDictionary();
  const pct = (x: number | null) => rateText(x, lang);
  const csv: CsvColumn<ChurnPoint>[] = [
    { title: t('analytics.retention.periodStart'), value: (p) => p.period },
    { title: t('analytics.retention.periodEnd'), value: (p) => p.periodEnd },
    { title: t('analytics.retention.atRisk'), value: (p) => p.atRisk },
    { title: t('analytics.retention.churned'), value: (p) => p.churned ?? '' },
    { title: t('analytics.retention.churnRate'), value: (p) => p.churnRate ?? '' },
  ];
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: result.trend.map((p) => p.period) },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [
      { type: 'line', name: t('analytics.retention.churnRate'), data: result.trend.map((p) => p.churnRate) },
    ],
  };
  const activity =
    c.activity.kind === 'transaction'
      ? t('analytics.retention.transaction')
      : c.activity.event
        ? displayName('event', c.activity.event)
        : t('analytics.retention.anyEvent');
  return (
    <AnalysisFrame
      title={t('analytics.retention.churnTitle')}
      testId="churn-result"
      notEnoughData={
        result.notEnoughData &&
        t('analytics.retention.noneAtRisk', {
          days: c.days,
          from: c.from,
          to: c.to,
          scope: c.population ? t('analytics.scope.population') : '',
        })
      }
      extra={
        <Space wrap>
          {extra}
          <CsvButton fileName={`churn-${c.from}-${c.to}.csv`} columns={csv} rows={result.trend} />
        </Space>
      }
      meta={{
        definition: t('analytics.retention.churnDefinition', { activity, days: c.days }),
        window: t('analytics.retention.windowText', {
          from: c.from,
          to: c.to,
          zone: result.timeZone,
          until: result.window.observedUntil ? bankDay(result.timeZone, result.window.observedUntil) : '–',
        }),
        freshness: result.window.observedUntil,
        elapsedMs: result.elapsedMs,
      }}
    >
      <EChart option={option} height={260} testId="churn-chart" />
      <Table<ChurnPoint>
        size="small"
        rowKey="period"
        pagination={false}
        dataSource={result.trend}
        data-testid="churn-table"
        columns={[
          { title: t('analytics.retention.periodStart'), dataIndex: 'period' },
          { title: t('analytics.retention.periodEnd'), dataIndex: 'periodEnd' },
          {
            title: t('analytics.retention.atRisk'),
            dataIndex: 'atRisk',
            align: 'right',
            render: (n: number) => formatInteger(n, lang),
          },
          {
            title: t('analytics.retention.churned'),
            dataIndex: 'churned',
            align: 'right',
            render: (n: number | null) => (n === null ? '—' : formatInteger(n, lang)),
          },
          {
            title: t('analytics.retention.churnRate'),
            dataIndex: 'churnRate',
            align: 'right',
            render: (x: number | null, p) => (
              <span data-testid="churn-rate" data-value={x ?? ''}>
                {p.complete ? pct(x) : t('analytics.retention.incomplete')}
              </span>
            ),
          },
        ]}
      />
    </AnalysisFrame>
  );
}
