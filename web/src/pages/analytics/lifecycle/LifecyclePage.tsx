import { Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useCallback, useMemo } from 'react';
import { EChart } from '../../../charts/EChart.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import { lifecycleApi, type AarrrStepName, type StageTime } from './api.ts';
import { distributionOption, timeOption } from './charts.ts';
import { Loading, notEnoughReason, PopulationNote, PopulationPicker } from './common.tsx';
import { TransitionsCard } from './TransitionsCard.tsx';
import { useSegmentReport } from '../../reports/useSegmentReport.tsx';

const STEPS: readonly AarrrStepName[] = ['acquisition', 'activation', 'retention', 'revenue', 'referral'];

/** /analytics/lifecycle: stage distribution over time, transitions (Sankey and matrix), time in stage, AARRR. */
export function LifecyclePage() {
  const { t, lang } = useI18n();
  const { segment, setSegment, save } = useSegmentReport('lifecycle', t('analytics.tab.lifecycle'));
  const dictionary = useDictionary();
  const distribution = useLoad((signal) => lifecycleApi.distribution({ segment }, signal), [segment]);
  const timeInStage = useLoad((signal) => lifecycleApi.timeInStage({ segment }, signal), [segment]);
  const aarrr = useLoad((signal) => lifecycleApi.aarrr({ segment }, signal), [segment]);
  const stages = distribution.data?.stages;
  const label = useCallback(
    (key: string) => {
      const stage = stages?.find((s) => s.value === key);
      return stage
        ? pick(stage.label, lang)
        : key === 'not_in_base'
          ? t('analytics.lifecycle.notInBase')
          : key;
    },
    [stages, lang, t],
  );
  const d = distribution.data;
  const distributionChart = useMemo(() => (d ? distributionOption(d, label, lang) : null), [d, label, lang]);
  const ti = timeInStage.data;
  const timeChart = useMemo(() => (ti ? timeOption(ti, label, lang) : null), [ti, label, lang]);
  const a = aarrr.data;

  type Point = NonNullable<typeof d>['points'][number];
  const distributionCsv: CsvColumn<Point>[] = [
    { title: t('analytics.lifecycle.day'), value: (p) => p.asOf },
    ...(d?.stages ?? []).map((s) => ({ title: label(s.value), value: (p: Point) => p.counts[s.value] ?? 0 })),
    { title: t('analytics.lifecycle.total'), value: (p) => p.total },
  ];
  const timeCsv: CsvColumn<StageTime>[] = [
    { title: t('analytics.lifecycle.stage'), value: (s) => label(s.stage) },
    { title: t('analytics.lifecycle.customers'), value: (s) => s.customers },
    { title: t('analytics.lifecycle.time.median'), value: (s) => s.medianDays ?? '' },
    {
      title: t('analytics.lifecycle.time.mean'),
      value: (s) => (s.meanDays === null ? '' : s.meanDays.toFixed(1)),
    },
    {
      title: t('analytics.lifecycle.time.censored', { first: ti?.firstDay ?? '' }),
      value: (s) => s.censored,
    },
    ...(ti?.bands ?? []).map((b, i) => ({
      title: t('analytics.lifecycle.time.days', { label: b.label }),
      value: (s: StageTime) => s.bands[i] ?? 0,
    })),
  ];

  return (
    <div data-testid="lifecycle-page">
      <Space style={{ marginBottom: 16 }} size={16} wrap>
        <PopulationPicker value={segment} onChange={setSegment} />
        {save}
        <PopulationNote population={d?.population} />
      </Space>

      <AnalysisFrame
        title={t('analytics.lifecycle.aarrr.title')}
        testId="lifecycle-aarrr"
        notEnoughData={notEnoughReason(aarrr.error, t)}
        meta={{
          definition: t('analytics.lifecycle.aarrr.definition', {
            asOf: a?.asOf ?? '',
            from: a?.activeFrom ?? '',
          }),
          window: a ? t('analytics.lifecycle.aarrr.window', { asOf: a.asOf, from: a.activeFrom }) : '—',
          freshness: a?.computedAt ?? null,
          ...(a ? { elapsedMs: a.elapsedMs } : {}),
        }}
      >
        <Loading loaded={aarrr} title={t('analytics.lifecycle.loadFailed')}>
          {(v) => (
            <>
              <Typography.Paragraph type="secondary" data-testid="aarrr-base" data-value={v.base}>
                {t('analytics.lifecycle.aarrr.base', { count: formatInteger(v.base, lang) })}
              </Typography.Paragraph>
              <Row gutter={[12, 12]}>
                {STEPS.map((name) => {
                  const s = v.steps.find((x) => x.step === name);
                  if (!s) return null;
                  return (
                    <Col key={name} xs={24} sm={12} md={8} lg={4} style={{ flex: '1 1 0' }}>
                      <Card size="small" data-testid={`aarrr-${name}`} data-value={s.customers}>
                        <Statistic
                          title={t(`analytics.lifecycle.aarrr.${name}`)}
                          value={formatInteger(s.customers, lang)}
                        />
                        <Typography.Text type="secondary" data-testid={`aarrr-${name}-rate`}>
                          {s.rate === null ? '—' : formatPercent(s.rate, lang)}{' '}
                          {t(`analytics.lifecycle.aarrr.rateOf.${s.rateOf}`)}
                        </Typography.Text>
                      </Card>
                    </Col>
                  );
                })}
              </Row>
            </>
          )}
        </Loading>
      </AnalysisFrame>

      <AnalysisFrame
        title={t('analytics.lifecycle.distribution.title')}
        testId="lifecycle-distribution"
        notEnoughData={notEnoughReason(distribution.error, t)}
        extra={
          d && (
            <CsvButton
              fileName={`lifecycle-distribution-${d.from}-${d.to}.csv`}
              columns={distributionCsv}
              rows={d.points}
            />
          )
        }
        meta={{
          definition: t('analytics.lifecycle.distribution.definition', {
            tag: dictionary.displayName('tag', 'lifecycle_stage'),
          }),
          window: d
            ? t('analytics.lifecycle.distribution.window', { from: d.from, to: d.to, days: d.points.length })
            : '—',
          freshness: d?.computedAt ?? null,
          ...(d ? { elapsedMs: d.elapsedMs } : {}),
        }}
      >
        <Loading loaded={distribution} title={t('analytics.lifecycle.loadFailed')}>
          {() =>
            distributionChart && (
              <EChart option={distributionChart} height={320} testId="distribution-chart" />
            )
          }
        </Loading>
      </AnalysisFrame>

      <TransitionsCard segment={segment} days={(d?.points ?? []).map((p) => p.asOf)} label={label} />

      <AnalysisFrame
        title={t('analytics.lifecycle.time.title')}
        testId="lifecycle-time"
        notEnoughData={notEnoughReason(timeInStage.error, t)}
        extra={
          ti && (
            <CsvButton
              fileName={`lifecycle-time-in-stage-${ti.asOf}.csv`}
              columns={timeCsv}
              rows={ti.perStage}
            />
          )
        }
        meta={{
          definition: t('analytics.lifecycle.time.definition', { asOf: ti?.asOf ?? '' }),
          window: ti
            ? t('analytics.lifecycle.time.window', {
                first: ti.firstDay,
                asOf: ti.asOf,
                days: ti.snapshotDays,
              })
            : '—',
          freshness: ti?.computedAt ?? null,
          ...(ti ? { elapsedMs: ti.elapsedMs } : {}),
        }}
      >
        <Loading loaded={timeInStage} title={t('analytics.lifecycle.loadFailed')}>
          {(v) => (
            <>
              {timeChart && <EChart option={timeChart} height={240} testId="time-chart" />}
              <Table<StageTime>
                data-testid="time-table"
                size="small"
                pagination={false}
                rowKey="stage"
                scroll={{ x: true }}
                dataSource={[...v.perStage]}
                columns={timeCsv.map((c, i) => ({
                  title: c.title,
                  key: String(i),
                  align: i === 0 ? undefined : ('right' as const),
                  render: (_: unknown, s: StageTime) => {
                    const value = c.value(s);
                    return (
                      <span
                        data-testid={i === 2 ? `median-${s.stage}` : undefined}
                        data-value={String(value)}
                      >
                        {typeof value === 'number'
                          ? Number.isInteger(value)
                            ? formatInteger(value, lang)
                            : value.toFixed(1)
                          : value === ''
                            ? '—'
                            : String(value)}
                      </span>
                    );
                  },
                }))}
              />
            </>
          )}
        </Loading>
      </AnalysisFrame>
    </div>
  );
}
