import { Col, Row, Space, Statistic, Table } from 'antd';
import { useMemo } from 'react';
import { EChart } from '../../../charts/EChart.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatCnyCompact, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import { lifecycleApi, type Concentration } from '../lifecycle/api.ts';
import { Loading, notEnoughReason, PopulationNote, PopulationPicker } from '../lifecycle/common.tsx';
import { lorenzOption } from './charts.ts';
import { TrendCard } from './TrendCard.tsx';
import { useSegmentReport } from '../../reports/useSegmentReport.tsx';

/** /analytics/concentration: Lorenz curves of AUM and revenue contribution, Gini, top-20% shares, metric trend. */
export function ConcentrationPage() {
  const { t, lang } = useI18n();
  const { segment, setSegment, save } = useSegmentReport('concentration', t('analytics.tab.concentration'));
  const loaded = useLoad((signal) => lifecycleApi.concentration({ segment }, signal), [segment]);
  const c = loaded.data;
  const aumName = t('analytics.concentration.aum');
  const revenueName = t('analytics.concentration.revenue');
  const chart = useMemo(
    () =>
      c
        ? lorenzOption(
            c,
            {
              aum: aumName,
              revenue: revenueName,
              equality: t('analytics.concentration.equality'),
              x: t('analytics.concentration.poorestShare'),
              y: t('analytics.concentration.heldShare'),
            },
            lang,
          )
        : null,
    [c, aumName, revenueName, t, lang],
  );
  type Point = { customerShare: number; aum: number; revenue: number };
  // every 5th point on screen and in the CSV (21 rows); the chart draws all 101
  const points: Point[] = (c?.aum.lorenz ?? [])
    .map((p, i) => ({
      customerShare: p.customerShare,
      aum: p.valueShare,
      revenue: c?.revenue.lorenz[i]?.valueShare ?? 0,
    }))
    .filter((_, i) => i % 5 === 0);
  const columns: CsvColumn<Point>[] = [
    { title: t('analytics.concentration.poorestShare'), value: (p) => p.customerShare },
    { title: `${aumName} · ${t('analytics.concentration.heldShare')}`, value: (p) => p.aum },
    { title: `${revenueName} · ${t('analytics.concentration.heldShare')}`, value: (p) => p.revenue },
  ];
  const margins = c
    ? Object.entries(c.revenue.margins)
        .map(([category, m]) => `${category} ${formatPercent(m, lang)}`)
        .join(', ')
    : '';
  const measures = (v: Concentration) =>
    [
      { key: 'aum', name: aumName, m: v.aum },
      { key: 'revenue', name: revenueName, m: v.revenue },
    ] as const;
  const stat = (testId: string, title: string, value: number, text: string) => (
    <Col key={testId} xs={12} md={6}>
      <div data-testid={testId} data-value={value}>
        <Statistic title={title} value={text} />
      </div>
    </Col>
  );
  return (
    <div data-testid="concentration-page">
      <Space style={{ marginBottom: 16 }} size={16} wrap>
        <PopulationPicker value={segment} onChange={setSegment} />
        {save}
        <PopulationNote population={c?.population} />
      </Space>
      <AnalysisFrame
        title={t('analytics.concentration.title')}
        testId="concentration"
        notEnoughData={
          notEnoughReason(loaded.error, t) ??
          (c && c.aum.holders === 0 && c.revenue.holders === 0 ? t('analytics.concentration.noData') : null)
        }
        extra={c && <CsvButton fileName={`lorenz-${c.asOf}.csv`} columns={columns} rows={points} />}
        meta={{
          definition: t('analytics.concentration.definition', {
            margins,
            feeFrom: c?.revenue.feeWindow.from ?? '',
            feeTo: c?.revenue.feeWindow.to ?? '',
          }),
          window: c
            ? t('analytics.concentration.window', {
                asOf: c.asOf,
                customers: c.customers.toLocaleString(lang),
              })
            : '—',
          freshness: c?.computedAt ?? null,
          ...(c ? { elapsedMs: c.elapsedMs } : {}),
        }}
      >
        <Loading loaded={loaded} title={t('analytics.concentration.loadFailed')}>
          {(v) => (
            <>
              <Row gutter={[16, 16]} style={{ marginBottom: 8 }}>
                {/* Gini and top-20% share of each measure, then each measure's total. */}
                {measures(v).flatMap(({ key, name, m }) => [
                  stat(
                    `gini-${key}`,
                    t('analytics.concentration.gini', { measure: name }),
                    m.gini,
                    m.gini.toFixed(3),
                  ),
                  stat(
                    `top20-${key}`,
                    t('analytics.concentration.top20', { measure: name }),
                    m.top20Share,
                    formatPercent(m.top20Share, lang),
                  ),
                ])}
                {measures(v).map(({ key, name, m }) =>
                  stat(
                    `total-${key}`,
                    t('analytics.concentration.total', { measure: name }),
                    m.total,
                    formatCnyCompact(m.total, lang),
                  ),
                )}
              </Row>
              {chart && <EChart option={chart} height={380} testId="lorenz-chart" />}
              <Table<Point>
                data-testid="lorenz-table"
                size="small"
                rowKey="customerShare"
                pagination={{ pageSize: 7, hideOnSinglePage: true }}
                dataSource={points}
                columns={columns.map((col, i) => ({
                  title: col.title,
                  key: String(i),
                  align: 'right' as const,
                  render: (_: unknown, p: Point) => formatPercent(Number(col.value(p)), lang),
                }))}
              />
            </>
          )}
        </Loading>
      </AnalysisFrame>
      <TrendCard segment={segment} />
    </div>
  );
}
