import { Alert, Skeleton, Table } from 'antd';
import { useMemo, useState, type HTMLAttributes } from 'react';
import { segmentsApi } from '../../../api/segments.ts';
import { EChart, type ChartOption } from '../../../charts/EChart.tsx';
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
  const events = useLoad((signal) => behaviourApi.events(signal), []);
  const catalogue = useLoad((signal) => segmentsApi.catalogue(signal).catch(() => null), []);
  const [request, setRequest] = useState<FunnelRequest | null>(null);
  const key = JSON.stringify(request);
  const result = useLoad(
    (signal): Promise<FunnelResult | null> =>
      request ? behaviourApi.funnel(request, signal) : Promise.resolve(null),
    [key],
  );

  if (events.error)
    return <LoadError error={events.error} title={t('analytics.funnels.title')} onRetry={events.reload} />;
  if (!events.data) return <Skeleton active />;
  return (
    <div data-testid="funnels" aria-busy={result.loading}>
      {events.data.events.length < 2 ? (
        <Alert type="info" showIcon title={t('analytics.funnels.noEvents')} data-testid="funnel-no-events" />
      ) : (
        <FunnelForm events={events.data} catalogue={catalogue.data ?? null} onRun={setRequest} />
      )}
      {result.error ? (
        <LoadError error={result.error} title={t('analytics.funnels.title')} onRetry={result.reload} />
      ) : result.data ? (
        <FunnelView result={result.data} request={request!} lang={lang} />
      ) : request ? (
        <Skeleton active />
      ) : null}
    </div>
  );
}

function groupName(g: FunnelGroup, lang: Lang, none: string): string {
  if (g.label) return lang === 'zh-CN' ? g.label.zh : g.label.en;
  return g.key ?? none;
}

function FunnelView({ result, request, lang }: { result: FunnelResult; request: FunnelRequest; lang: Lang }) {
  const { t } = useI18n();
  const { displayName } = useDictionary();
  const all = t('analytics.funnels.allCustomers');
  const groups: FunnelGroup[] = useMemo(
    () => [result.overall, ...(result.breakdown?.groups ?? [])],
    [result],
  );
  const rows: StepRow[] = groups.flatMap((g, gi) =>
    g.steps.map((s) => ({
      key: `${gi}-${s.step}`,
      group: gi === 0 ? all : groupName(g, lang, t('analytics.funnels.missing')),
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
  const shown = groups.slice(0, MAX_SERIES + 1);
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { show: shown.length > 1 },
    grid: { left: 60, right: 20, top: 40, bottom: 40 },
    xAxis: {
      type: 'category',
      data: result.overall.steps.map((s) => `${s.step}. ${displayName('event', s.event)}`),
    },
    yAxis: { type: 'value' },
    series: shown.map((g, gi) => ({
      type: 'bar',
      name: gi === 0 ? all : groupName(g, lang, t('analytics.funnels.missing')),
      data: g.steps.map((s) => s.customers),
      label: gi === 0 && shown.length === 1 ? { show: true, position: 'top' } : undefined,
    })),
  };
  const stepsText = request.steps.map((s) => displayName('event', s.event)).join(' → ');
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
        <CsvButton
          fileName={`funnel-${result.window.from}-${result.window.to}.csv`}
          columns={columns}
          rows={rows}
        />
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
      <EChart option={option} height={300} testId="funnel-chart" />
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
