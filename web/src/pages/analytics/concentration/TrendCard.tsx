import { Select, Space, Table } from 'antd';
import { useMemo, useState } from 'react';
import { segmentsApi } from '../../../api/segments.ts';
import { EChart } from '../../../charts/EChart.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useMe } from '../../../auth/session.tsx';
import { bankDay, formatCnyFull, formatInteger, shiftDate } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import { lifecycleApi, type TrendInterval, type TrendMetric } from '../lifecycle/api.ts';
import { Loading, notEnoughReason } from '../lifecycle/common.tsx';
import { trendOption } from './charts.ts';

const METRICS: readonly TrendMetric[] = [
  'customers',
  'aum',
  'active_customers',
  'events',
  'transaction_amount',
];
const INTERVALS: readonly TrendInterval[] = ['day', 'week', 'month'];
const RANGES = [30, 90, 365] as const;

/** The metric trend with its pickers (metric, interval, window, breakdown), chart and CSV table. */
export function TrendCard({ segment }: { segment: string }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const [metric, setMetric] = useState<TrendMetric>('aum');
  const [interval, setIntervalKind] = useState<TrendInterval>('week');
  const [days, setDays] = useState<number>(90);
  const [breakdown, setBreakdown] = useState('');
  const catalogue = useLoad((signal) => segmentsApi.catalogue(signal), []);
  const { timeZone } = useMe();
  const from = shiftDate(bankDay(timeZone), -(days - 1));
  const loaded = useLoad(
    (signal) => lifecycleApi.trend({ metric, interval, from, breakdown, segment }, signal),
    [metric, interval, from, breakdown, segment],
  );
  const tr = loaded.data;
  const name = useMemo(() => {
    const labels = new Map((tr?.series ?? []).map((s) => [s.key, pick(s.label, lang)]));
    return (key: string) => labels.get(key) ?? key;
  }, [tr, lang]);
  const chart = useMemo(() => (tr ? trendOption(tr, name, lang) : null), [tr, name, lang]);
  const money = metric === 'aum' || metric === 'transaction_amount';
  const show = (v: number) => (money ? formatCnyFull(v, lang) : formatInteger(v, lang));
  const breakdownOptions = [
    { value: '', label: t('analytics.trend.noBreakdown') },
    ...(catalogue.data?.tags ?? []).map((tag) => ({
      value: `tag:${tag.key}`,
      label: t('analytics.trend.tag', { name: dictionary.nameOr('tag', tag.key, tag.name) }),
    })),
    ...(catalogue.data?.attributes ?? [])
      .filter((a) => a.type === 'string' || a.type === 'boolean')
      .map((a) => ({
        value: `attribute:${a.name}`,
        label: t('analytics.trend.attribute', { name: dictionary.displayName('attribute', a.name) }),
      })),
  ];
  type Row = { period: string; values: number[]; total: number };
  const rows: Row[] = (tr?.periods ?? []).map((p, i) => ({
    period: p,
    values: (tr?.series ?? []).map((s) => s.values[i] ?? 0),
    total: tr?.totals[i] ?? 0,
  }));
  const columns: CsvColumn<Row>[] = [
    { title: t('analytics.trend.period'), value: (r) => r.period },
    ...(tr?.series ?? []).map((s, j) => ({ title: name(s.key), value: (r: Row) => r.values[j] ?? 0 })),
    ...((tr?.series.length ?? 0) > 1
      ? [{ title: t('analytics.trend.total'), value: (r: Row) => r.total }]
      : []),
  ];
  const definition = [
    t(`analytics.trend.definition.${metric}`),
    breakdown && tr
      ? t('analytics.trend.definition.breakdown', {
          by: breakdownOptions.find((o) => o.value === breakdown)?.label ?? breakdown,
          to: tr.to,
          top: 5,
        })
      : '',
  ].join(' ');
  return (
    <AnalysisFrame
      title={t('analytics.trend.title')}
      testId="trend"
      notEnoughData={
        notEnoughReason(loaded.error, t) ??
        (tr && tr.periods.length === 0 ? t('analytics.trend.empty') : null)
      }
      extra={
        <Space wrap>
          <Select
            data-testid="trend-metric"
            value={metric}
            onChange={setMetric}
            style={{ minWidth: 140 }}
            options={METRICS.map((m) => ({ value: m, label: t(`analytics.trend.metric.${m}`) }))}
          />
          <Select
            data-testid="trend-interval"
            value={interval}
            onChange={setIntervalKind}
            options={INTERVALS.map((i) => ({ value: i, label: t(`analytics.trend.interval.${i}`) }))}
          />
          <Select
            data-testid="trend-days"
            value={days}
            onChange={setDays}
            options={RANGES.map((n) => ({ value: n, label: `${n}d` }))}
          />
          <Select
            data-testid="trend-breakdown"
            value={breakdown}
            onChange={setBreakdown}
            style={{ minWidth: 180 }}
            showSearch
            optionFilterProp="label"
            options={breakdownOptions}
          />
          {tr && (
            <CsvButton fileName={`trend-${metric}-${tr.from}-${tr.to}.csv`} columns={columns} rows={rows} />
          )}
        </Space>
      }
      meta={{
        definition,
        window: tr
          ? t('analytics.trend.window', {
              from: tr.from,
              to: tr.to,
              interval: t(`analytics.trend.interval.${tr.interval}`),
            })
          : '—',
        freshness: tr?.computedAt ?? null,
        ...(tr ? { elapsedMs: tr.elapsedMs } : {}),
      }}
    >
      <Loading loaded={loaded} title={t('analytics.concentration.loadFailed')}>
        {() => (
          <>
            {chart && <EChart option={chart} height={320} testId="trend-chart" />}
            <Table<Row>
              data-testid="trend-table"
              size="small"
              rowKey="period"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              scroll={{ x: true }}
              dataSource={[...rows].reverse()} // newest first; the CSV stays in time order
              columns={columns.map((c, i) => ({
                title: c.title,
                key: String(i),
                align: i === 0 ? undefined : ('right' as const),
                render: (_: unknown, r: Row) => {
                  const v = c.value(r);
                  return (
                    <span
                      data-testid={i === columns.length - 1 ? `trend-last-${r.period}` : undefined}
                      data-value={String(v)}
                    >
                      {typeof v === 'number' ? show(v) : String(v)}
                    </span>
                  );
                },
              }))}
            />
          </>
        )}
      </Loading>
    </AnalysisFrame>
  );
}
