import { Select, Space, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { EChart, type ChartOption } from '../../../charts/EChart.tsx';
import { useDictionary, type Dictionary } from '../../../dictionary/useDictionary.tsx';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useI18n, type Lang } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type AnalysisMeta, type CsvColumn } from '../AnalysisFrame.tsx';
import type { DriversAnalysis, DriversFeature, DriversLevel } from './api.ts';
import { featureName, levelName } from './labels.ts';
import { RegressionCard } from './RegressionCard.tsx';

const fixed = (x: number, digits: number) => x.toFixed(digits);

/** IV chart, values table and regression of one analysis. */
export function DriversResults({ analysis }: { analysis: DriversAnalysis }) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const a = analysis;
  const meta = (definition: string): AnalysisMeta => ({
    definition,
    window: t('analytics.drivers.window', {
      asOf: a.asOf,
      tagsAsOf: a.tagsAsOf ?? t('analytics.drivers.noTags'),
    }),
    freshness: a.dataReadAt,
    elapsedMs: a.elapsedMs,
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const feature = a.features.find((f) => f.id === chosen) ?? a.features[0];
  const chart = useMemo(() => ivOption(a.features.slice(0, 15), lang, dictionary), [a, lang, dictionary]);
  type Row = DriversLevel & { feature: string };
  const allRows: Row[] = a.features.flatMap((f) =>
    f.levels.map((l) => ({ ...l, feature: featureName(f, lang, dictionary) })),
  );
  const csv: CsvColumn<Row>[] = [
    { title: t('analytics.drivers.feature'), value: (r) => r.feature },
    { title: t('analytics.drivers.value'), value: (r) => levelName(r, lang) },
    { title: t('analytics.drivers.customers'), value: (r) => r.customers },
    { title: t('analytics.drivers.positives'), value: (r) => r.positives },
    { title: t('analytics.drivers.rate'), value: (r) => r.rate },
    { title: t('analytics.drivers.lift'), value: (r) => r.lift },
    { title: 'WoE', value: (r) => r.woe },
    { title: 'IV', value: (r) => r.iv },
  ];
  return (
    <>
      <Space size={32} wrap style={{ marginBottom: 16 }} data-testid="drivers-summary">
        <div data-testid="drivers-customers" data-value={a.population.customers}>
          <Statistic
            title={t('analytics.drivers.customers')}
            value={formatInteger(a.population.customers, lang)}
          />
        </div>
        <div data-testid="drivers-positives" data-value={a.population.positives}>
          <Statistic
            title={t('analytics.drivers.positives')}
            value={formatInteger(a.population.positives, lang)}
          />
        </div>
        <div data-testid="drivers-rate" data-value={a.population.rate}>
          <Statistic
            title={t('analytics.drivers.baseRate')}
            value={formatPercent(a.population.rate, lang, 2)}
          />
        </div>
      </Space>
      <AnalysisFrame
        title={t('analytics.drivers.ivTitle')}
        meta={meta(t('analytics.drivers.ivDefinition'))}
        notEnoughData={a.features.length === 0 ? t('analytics.drivers.noFeature') : null}
        testId="drivers-iv"
      >
        <EChart
          option={chart}
          height={Math.max(160, 28 * Math.min(15, a.features.length) + 40)}
          testId="drivers-iv-chart"
        />
        <Table<DriversFeature>
          size="small"
          rowKey="id"
          pagination={a.features.length > 10 ? { pageSize: 10 } : false}
          dataSource={[...a.features]}
          onRow={(f) => ({ onClick: () => setChosen(f.id), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('analytics.drivers.feature'),
              key: 'name',
              render: (_: unknown, f) => featureName(f, lang, dictionary),
            },
            {
              title: 'IV',
              dataIndex: 'iv',
              align: 'right',
              render: (iv: number, f) => (
                <span data-testid={`iv-${f.id}`} data-value={iv}>
                  {fixed(iv, 4)}
                </span>
              ),
            },
            {
              title: t('analytics.drivers.topLevel'),
              key: 'top',
              render: (_: unknown, f) =>
                t('analytics.drivers.topLevelText', {
                  value: levelName(
                    f.levels.find((l) => l.value === f.top.value) ?? (f.top as DriversLevel),
                    lang,
                  ),
                  rate: formatPercent(f.top.rate, lang, 1),
                  lift: fixed(f.top.lift, 2),
                }),
            },
          ]}
        />
      </AnalysisFrame>
      {feature && (
        <AnalysisFrame
          title={t('analytics.drivers.valuesTitle', { feature: featureName(feature, lang, dictionary) })}
          meta={meta(t('analytics.drivers.valuesDefinition'))}
          extra={
            <Space>
              <Select
                value={feature.id}
                onChange={setChosen}
                options={a.features.map((f) => ({ value: f.id, label: featureName(f, lang, dictionary) }))}
                style={{ minWidth: 200 }}
                data-testid="drivers-feature"
              />
              <CsvButton fileName={`key-factors-${a.asOf}.csv`} columns={csv} rows={allRows} />
            </Space>
          }
          testId="drivers-values"
        >
          <Table<DriversLevel>
            size="small"
            rowKey="value"
            pagination={false}
            dataSource={[...feature.levels]}
            columns={[
              {
                title: t('analytics.drivers.value'),
                key: 'value',
                render: (_: unknown, l) => <Typography.Text strong>{levelName(l, lang)}</Typography.Text>,
              },
              {
                title: t('analytics.drivers.customers'),
                dataIndex: 'customers',
                align: 'right',
                render: (v: number) => formatInteger(v, lang),
              },
              {
                title: t('analytics.drivers.positives'),
                dataIndex: 'positives',
                align: 'right',
                render: (v: number) => formatInteger(v, lang),
              },
              {
                title: t('analytics.drivers.rate'),
                dataIndex: 'rate',
                align: 'right',
                render: (v: number, l) => (
                  <span data-testid={`rate-${l.value}`} data-value={v}>
                    {formatPercent(v, lang, 2)}
                  </span>
                ),
              },
              {
                title: t('analytics.drivers.lift'),
                dataIndex: 'lift',
                align: 'right',
                render: (v: number) => (
                  <Typography.Text type={v >= 1.2 ? 'danger' : v <= 0.8 ? 'success' : undefined}>
                    {fixed(v, 2)}
                  </Typography.Text>
                ),
              },
              { title: 'WoE', dataIndex: 'woe', align: 'right', render: (v: number) => fixed(v, 3) },
              { title: 'IV', dataIndex: 'iv', align: 'right', render: (v: number) => fixed(v, 4) },
            ]}
          />
        </AnalysisFrame>
      )}
      <RegressionCard analysis={a} meta={meta(t('analytics.drivers.regressionDefinition'))} />
      {a.excluded.length > 0 && (
        <Typography.Paragraph type="secondary" data-testid="drivers-excluded">
          {t('analytics.drivers.excluded', {
            outcome:
              a.excluded
                .filter((e) => e.reason === 'outcome')
                .map((e) => e.id)
                .join(', ') || '–',
            constant:
              a.excluded
                .filter((e) => e.reason === 'constant')
                .map((e) => e.id)
                .join(', ') || '–',
          })}
        </Typography.Paragraph>
      )}
    </>
  );
}

/** Horizontal bars of IV, the most informative feature on top. */
function ivOption(features: readonly DriversFeature[], lang: Lang, dictionary: Dictionary): ChartOption {
  const rows = [...features].reverse();
  return {
    color: ['#1d3b6e'],
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: { type: 'value', splitLine: { lineStyle: { color: '#eef0f3' } } },
    yAxis: { type: 'category', data: rows.map((f) => featureName(f, lang, dictionary)) },
    series: [
      {
        type: 'bar',
        barMaxWidth: 16,
        data: rows.map((f) => Number(f.iv.toFixed(4))),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => p.value.toFixed(3) },
      },
    ],
  };
}
