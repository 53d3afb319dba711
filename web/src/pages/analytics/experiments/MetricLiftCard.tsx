import { Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { translateReason } from '../../../../../src/analytics/reasons.ts';
import { EChart } from '../../../charts/EChart.tsx';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import type { ArmSummary, Comparison, Interval, LiftAnalysis, MetricLift } from './api.ts';
import { liftChartOption } from './liftChart.ts';

/** A missing figure: a dash and the server's reason in the page's language, never NaN. */
function Missing({ reason }: { reason: string | null }) {
  const { lang } = useI18n();
  const text = reason === null ? '' : translateReason(reason, lang);
  return (
    <Typography.Text type="secondary" data-testid="missing" title={text}>
      — <span style={{ fontSize: 12 }}>{text}</span>
    </Typography.Text>
  );
}

/** A table's title with its export button. */
function TableHeading({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
      <Typography.Text strong>{title}</Typography.Text>
      {children}
    </Space>
  );
}

/** One metric of an experiment: arms, comparisons with their intervals, the lift chart, definitions and CSV export. */
export function MetricLiftCard({ analysis, metric }: { analysis: LiftAnalysis; metric: MetricLift }) {
  const { t, lang } = useI18n();
  const binary = metric.kind === 'binary';
  const level = formatPercent(analysis.confidence, lang, 0);
  const value = (v: number) => (binary ? formatPercent(v, lang, 2) : v.toFixed(4));
  const pct = (v: number) => formatPercent(v, lang, 2);
  // The file says why a figure is missing in the page's language too.
  const why = (reason: string | null | undefined) =>
    reason == null ? reason : translateReason(reason, lang);
  const interval = (i: Interval, f: (v: number) => string) =>
    `${f(i.estimate)} [${f(i.lower)}, ${f(i.upper)}]`;
  const testId = (what: string, arm: string) => `${what}-${metric.metric}-${arm}`;
  const cell = (id: string, v: number | null, reason: string | null, shown: ReactNode) =>
    v === null ? (
      <Missing reason={reason} />
    ) : (
      <span data-testid={id} data-value={String(v)}>
        {shown}
      </span>
    );

  const armCsv: CsvColumn<ArmSummary>[] = [
    { title: t('analytics.experiments.arm.arm'), value: (a) => a.arm },
    { title: t('analytics.experiments.arm.units'), value: (a) => a.units },
    { title: t('analytics.experiments.arm.n'), value: (a) => a.n },
    ...(binary
      ? [{ title: t('analytics.experiments.arm.conversions'), value: (a: ArmSummary) => a.conversions }]
      : []),
    {
      title: t(binary ? 'analytics.experiments.arm.rate' : 'analytics.experiments.arm.mean'),
      value: (a) => a.mean,
    },
    { title: t('analytics.experiments.arm.sd'), value: (a) => a.sd },
  ];
  const cmpCsv: CsvColumn<Comparison>[] = [
    { title: t('analytics.experiments.cmp.arm'), value: (c) => `${c.arm} vs ${c.control}` },
    { title: 'absolute', value: (c) => c.absolute?.estimate ?? why(c.absoluteReason) },
    { title: 'absolute_lower', value: (c) => c.absolute?.lower },
    { title: 'absolute_upper', value: (c) => c.absolute?.upper },
    { title: 'relative', value: (c) => c.relative?.estimate ?? why(c.relativeReason) },
    { title: 'relative_lower', value: (c) => c.relative?.lower },
    { title: 'relative_upper', value: (c) => c.relative?.upper },
    {
      title: `p (${metric.comparisons[0]?.test.kind ?? ''})`,
      value: (c) => c.test.pValue ?? why(c.test.reason),
    },
    { title: 'mde_absolute', value: (c) => c.mde?.absolute ?? why(c.mdeReason) },
    { title: 'mde_relative', value: (c) => c.mde?.relative ?? why(c.mde?.relativeReason) },
    { title: 'power', value: (c) => c.power ?? why(c.powerReason) },
  ];
  const file = `${analysis.experiment.id}-${metric.metric}`;
  const noInterval = metric.comparisons.filter((c) => c.relative === null);

  return (
    <AnalysisFrame
      testId={`metric-${metric.metric}`}
      title={t(binary ? 'analytics.experiments.metric.binary' : 'analytics.experiments.metric.numeric', {
        metric: metric.metric,
      })}
      meta={{
        definition: t(
          binary ? 'analytics.experiments.definition.binary' : 'analytics.experiments.definition.numeric',
          {
            power: formatPercent(analysis.power, lang, 0),
            alpha: analysis.alpha,
          },
        ),
        window: t('analytics.experiments.window', {
          units: formatInteger(analysis.experiment.units, lang),
          id: analysis.experiment.id,
          control: analysis.control,
          level,
        }),
        freshness: analysis.dataChangedAt,
        elapsedMs: analysis.elapsedMs,
      }}
    >
      <TableHeading title={t('analytics.experiments.arms')}>
        <CsvButton fileName={`${file}-arms.csv`} columns={armCsv} rows={metric.arms} />
      </TableHeading>
      <Table<ArmSummary>
        rowKey="arm"
        size="small"
        pagination={false}
        dataSource={[...metric.arms]}
        style={{ marginBottom: 16 }}
        columns={[
          {
            title: t('analytics.experiments.arm.arm'),
            key: 'arm',
            render: (_: unknown, a) => (
              <>
                {a.arm} {a.control && <Tag color="blue">{t('analytics.experiments.arm.control')}</Tag>}
              </>
            ),
          },
          {
            title: t('analytics.experiments.arm.units'),
            key: 'units',
            align: 'right',
            render: (_: unknown, a) => formatInteger(a.units, lang),
          },
          {
            title: t('analytics.experiments.arm.n'),
            key: 'n',
            align: 'right',
            render: (_: unknown, a) => formatInteger(a.n, lang),
          },
          ...(binary
            ? [
                {
                  title: t('analytics.experiments.arm.conversions'),
                  key: 'conversions',
                  align: 'right' as const,
                  render: (_: unknown, a: ArmSummary) => formatInteger(a.conversions ?? 0, lang),
                },
              ]
            : []),
          {
            title: t(binary ? 'analytics.experiments.arm.rate' : 'analytics.experiments.arm.mean'),
            key: 'mean',
            align: 'right',
            render: (_: unknown, a) =>
              cell(testId('arm-mean', a.arm), a.mean, a.reason, a.mean === null ? null : value(a.mean)),
          },
          {
            title: t('analytics.experiments.arm.sd'),
            key: 'sd',
            align: 'right',
            render: (_: unknown, a) =>
              cell(testId('arm-sd', a.arm), a.sd, a.reason, a.sd === null ? null : a.sd.toFixed(4)),
          },
        ]}
      />
      <TableHeading title={t('analytics.experiments.comparisons', { control: analysis.control })}>
        <CsvButton fileName={`${file}-lift.csv`} columns={cmpCsv} rows={metric.comparisons} />
      </TableHeading>
      <Table<Comparison>
        rowKey="arm"
        size="small"
        pagination={false}
        dataSource={[...metric.comparisons]}
        style={{ marginBottom: 16 }}
        columns={[
          {
            title: t('analytics.experiments.cmp.arm'),
            key: 'arm',
            render: (_: unknown, c) => `${c.arm} vs ${c.control}`,
          },
          {
            title: `${t('analytics.experiments.cmp.absolute')} (${level})`,
            key: 'absolute',
            render: (_: unknown, c) =>
              cell(
                testId('cmp-abs', c.arm),
                c.absolute?.estimate ?? null,
                c.absoluteReason,
                c.absolute && interval(c.absolute, value),
              ),
          },
          {
            title: `${t('analytics.experiments.cmp.relative')} (${level})`,
            key: 'relative',
            render: (_: unknown, c) =>
              cell(
                testId('cmp-rel', c.arm),
                c.relative?.estimate ?? null,
                c.relativeReason,
                c.relative && interval(c.relative, pct),
              ),
          },
          {
            title: `${t('analytics.experiments.cmp.p')} (${binary ? 'z' : 'Welch t'})`,
            key: 'p',
            render: (_: unknown, c) =>
              cell(
                testId('cmp-p', c.arm),
                c.test.pValue,
                c.test.reason,
                c.test.pValue !== null && (
                  <>
                    {c.test.pValue < 0.0001 ? c.test.pValue.toExponential(2) : c.test.pValue.toFixed(4)}{' '}
                    {c.test.significant && (
                      <Tag color="green">{t('analytics.experiments.cmp.significant')}</Tag>
                    )}
                  </>
                ),
              ),
          },
          {
            title: t('analytics.experiments.cmp.mde'),
            key: 'mde',
            render: (_: unknown, c) =>
              cell(
                testId('cmp-mde', c.arm),
                c.mde?.absolute ?? null,
                c.mdeReason,
                c.mde && `${value(c.mde.absolute)} / ${c.mde.relative === null ? '—' : pct(c.mde.relative)}`,
              ),
          },
          {
            title: t('analytics.experiments.cmp.power'),
            key: 'power',
            render: (_: unknown, c) =>
              cell(testId('cmp-power', c.arm), c.power, c.powerReason, c.power !== null && pct(c.power)),
          },
        ]}
      />
      <Typography.Text strong>
        {t('analytics.experiments.chart.title', { control: analysis.control, level })}
      </Typography.Text>
      <EChart
        option={liftChartOption(metric.comparisons, { lift: t('analytics.experiments.cmp.relative') })}
        height={80 + 48 * Math.max(1, metric.comparisons.length - noInterval.length)}
        testId={`lift-chart-${metric.metric}`}
      />
      {noInterval.map((c) => (
        <div key={c.arm}>
          <Typography.Text type="secondary">
            {t('analytics.experiments.chart.noInterval', { arm: c.arm, reason: why(c.relativeReason) ?? '' })}
          </Typography.Text>
        </div>
      ))}
    </AnalysisFrame>
  );
}
