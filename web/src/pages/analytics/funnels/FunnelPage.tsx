import { Alert, Skeleton, Space, Switch, Table } from 'antd';
import { useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import { segmentsApi } from '../../../api/segments.ts';
import { EChart } from '../../../charts/EChart.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n, type Lang } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import {
  behaviourApi,
  formatDuration,
  type FunnelGroup,
  type FunnelRequest,
  type FunnelResult,
} from './api.ts';
import { FunnelForm } from './FunnelForm.tsx';
import { funnelChart, groupLabel, hasCustomers } from './chart.ts';
import { SaveReportButton } from '../../reports/SaveReportButton.tsx';
import { useOpenedReport } from '../../reports/useOpenedReport.ts';

/** One row of the step table: a step of the overall funnel or of one breakdown group. */
interface StepRow {
  readonly key: string;
  readonly group: string;
  readonly step: number;
  readonly event: string;
  readonly customers: number;
  readonly fromPrevious: number | null;
  readonly fromFirst: number | null;
  readonly medianSeconds: number | null;
}

const MAX_SERIES = 8;

/** The "Event funnels" tab: step editor, funnel bar chart, step table with CSV export. */
export function FunnelPage() {
  const { t, lang } = useI18n();
  const { displayName } = useDictionary();
  const events = useLoad((signal) => behaviourApi.events(signal), []);
  const catalogue = useLoad((signal) => segmentsApi.catalogue(signal).catch(() => null), []);
  const opened = useOpenedReport(['funnel']);
  const [ran, setRequest] = useState<FunnelRequest | null>(null);
  // A report opened from the address runs its definition until the form runs something else.
  const request = ran ?? (opened.report?.definition as FunnelRequest | undefined) ?? null;
  const key = JSON.stringify(request);
  const result = useLoad(
    (signal): Promise<FunnelResult | null> =>
      request ? behaviourApi.funnel(request, signal) : Promise.resolve(null),
    [key],
  );

  if (events.error)
    return <LoadError error={events.error} title={t('analytics.funnels.title')} onRetry={events.reload} />;
  if (!events.data || opened.pending) return <Skeleton active />;
  return (
    <div data-testid="funnels" aria-busy={result.loading}>
      {events.data.events.length < 2 ? (
        <Alert type="info" showIcon title={t('analytics.funnels.noEvents')} data-testid="funnel-no-events" />
      ) : (
        <FunnelForm
          key={opened.report?.id ?? 'new'}
          events={events.data}
          catalogue={catalogue.data ?? null}
          initial={opened.report?.definition as FunnelRequest | undefined}
          onRun={setRequest}
        />
      )}
      {result.error ? (
        <LoadError error={result.error} title={t('analytics.funnels.title')} onRetry={result.reload} />
      ) : result.data ? (
        <FunnelView
          result={result.data}
          request={request!}
          lang={lang}
          extra={
            <SaveReportButton
              kind="funnel"
              definition={request}
              opened={opened.report}
              defaultName={request!.steps.map((s) => displayName('event', s.event)).join(' → ')}
            />
          }
        />
      ) : request ? (
        <Skeleton active />
      ) : null}
    </div>
  );
}

/** The funnel's answer: the step chart, the step table (empty breakdown groups hidden unless asked) and its CSV. */
export function FunnelView({
  result,
  request,
  lang,
  extra,
}: {
  result: FunnelResult;
  request: FunnelRequest;
  lang: Lang;
  extra?: ReactNode;
}) {
  const { t } = useI18n();
  const { displayName } = useDictionary();
  const all = t('analytics.funnels.allCustomers');
  const [showEmpty, setShowEmpty] = useState(false);
  const breakdown = result.breakdown?.groups ?? [];
  const empty = breakdown.filter((g) => !hasCustomers(g)).length;
  const groups: FunnelGroup[] = useMemo(
    () => [result.overall, ...breakdown.filter((g) => showEmpty || hasCustomers(g))],
    [result, showEmpty],
  );
  const nameOf = (g: FunnelGroup, gi: number) =>
    gi === 0 ? all : groupLabel(g, lang, t('analytics.funnels.missing'));
  const rows: StepRow[] = groups.flatMap((g, gi) =>
    g.steps.map((s) => ({
      key: `${gi}-${s.step}`,
      group: nameOf(g, gi),
      step: s.step,
      event: displayName('event', s.event),
      customers: s.customers,
      fromPrevious: s.conversionFromPrevious,
      fromFirst: s.conversionFromFirst,
      medianSeconds: s.medianSecondsFromPrevious,
    })),
  );
  const pct = (x: number | null) => (x === null ? '–' : formatPercent(x, lang, 2));
  const columns: CsvColumn<StepRow>[] = [
    { title: t('analytics.funnels.group'), value: (r) => r.group },
    { title: t('analytics.funnels.step'), value: (r) => r.step },
    { title: t('analytics.funnels.event'), value: (r) => r.event },
    { title: t('analytics.funnels.customers'), value: (r) => r.customers },
    { title: t('analytics.funnels.fromPrevious'), value: (r) => r.fromPrevious ?? '' },
    { title: t('analytics.funnels.fromFirst'), value: (r) => r.fromFirst ?? '' },
    { title: t('analytics.funnels.medianSeconds'), value: (r) => r.medianSeconds ?? '' },
  ];
  const shown = groups.slice(0, MAX_SERIES + 1).map((group, gi) => ({ name: nameOf(group, gi), group }));
  const stepNames = result.overall.steps.map((s) => displayName('event', s.event));
  const option = funnelChart(shown, stepNames, lang);
  const stepsText = stepNames.join(' → ');
  return (
    <AnalysisFrame
      title={t('analytics.funnels.title')}
      testId="funnel-result"
      notEnoughData={
        result.notEnoughData &&
        t('analytics.funnels.noFirstStep', {
          event: displayName('event', request.steps[0]?.event ?? ''),
          from: request.from,
          to: request.to,
          scope: request.population ? t('analytics.scope.population') : '',
        })
      }
      extra={
        <Space wrap>
          {extra}
          <CsvButton
            fileName={`funnel-${result.window.from}-${result.window.to}.csv`}
            columns={columns}
            rows={rows}
          />
        </Space>
      }
      meta={{
        definition: t('analytics.funnels.definition', { steps: stepsText }),
        window: t('analytics.funnels.windowText', {
          from: result.window.from,
          to: result.window.to,
          zone: result.timeZone,
          days: Math.round((result.window.conversionSeconds / 86_400) * 100) / 100,
        }),
        freshness: result.freshness.latestEventTime,
        elapsedMs: result.elapsedMs,
      }}
    >
      {empty > 0 && (
        <Space style={{ marginBottom: 8 }}>
          <Switch size="small" checked={showEmpty} onChange={setShowEmpty} data-testid="funnel-show-empty" />
          {t('analytics.funnels.showEmpty', { n: empty })}
        </Space>
      )}
      <EChart
        option={option}
        height={Math.max(160, stepNames.length * (shown.length > 1 ? 28 + 14 * shown.length : 48) + 60)}
        testId="funnel-chart"
      />
      <Table<StepRow>
        size="small"
        rowKey="key"
        dataSource={rows}
        pagination={false}
        data-testid="funnel-table"
        onRow={(r) => ({ 'data-testid': `funnel-row-${r.key}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('analytics.funnels.group'), dataIndex: 'group' },
          { title: t('analytics.funnels.step'), dataIndex: 'step' },
          { title: t('analytics.funnels.event'), dataIndex: 'event' },
          {
            title: t('analytics.funnels.customers'),
            dataIndex: 'customers',
            align: 'right',
            render: (n: number) => (
              <span data-testid="funnel-customers" data-value={n}>
                {formatInteger(n, lang)}
              </span>
            ),
          },
          {
            title: t('analytics.funnels.fromPrevious'),
            dataIndex: 'fromPrevious',
            align: 'right',
            render: pct,
          },
          { title: t('analytics.funnels.fromFirst'), dataIndex: 'fromFirst', align: 'right', render: pct },
          {
            title: t('analytics.funnels.medianTime'),
            dataIndex: 'medianSeconds',
            align: 'right',
            render: (s: number | null) => formatDuration(s),
          },
        ]}
      />
      {result.breakdown && result.breakdown.omittedGroups > 0 && (
        <Alert type="info" title={t('analytics.funnels.omitted', { n: result.breakdown.omittedGroups })} />
      )}
    </AnalysisFrame>
  );
}
