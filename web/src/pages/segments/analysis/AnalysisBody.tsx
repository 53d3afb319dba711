import { PieChartOutlined, RiseOutlined, TeamOutlined, WalletOutlined } from '@ant-design/icons';
import { Card, Col, Row, Space, Statistic, Typography } from 'antd';
import { useMemo } from 'react';
import type { Analysis } from '../../../api/segments.ts';
import { EChart } from '../../../charts/EChart.tsx';
import { formatCnyCompact, formatCnyFull, formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ChartCard, KpiCols } from '../../overview/cards.tsx';
import { paretoOption } from '../../overview/options.ts';
import { growthOption, reachOption } from './charts.ts';
import { PortraitTable } from './PortraitTable.tsx';

/** The four properties of a good customer group (DESIGN.md): scale, growth, reach, stickiness; then portrait and concentration. */
export function AnalysisBody({ analysis: a }: { analysis: Analysis }) {
  const { t, lang } = useI18n();
  const reach = useMemo(() => {
    const raw = [
      { key: 'wecomFriend', label: t('analysis.reach.wecomFriend'), value: a.reach.wecomFriend },
      { key: 'smsConsent', label: t('analysis.reach.smsConsent'), value: a.reach.smsConsent },
      { key: 'appPush', label: t('analysis.reach.appPush'), value: a.reach.appPush },
      { key: 'withManager', label: t('analysis.reach.withManager'), value: a.reach.withManager },
    ];
    // Rates of members (0..1); the count is what the rate means for this group.
    return raw.map((r) => ({ ...r, rate: r.value, count: Math.round(r.value * a.members) }));
  }, [a, t]);
  const charts = useMemo(
    () => ({
      growth: growthOption(a.growth, t, lang),
      reach: reachOption(reach, lang),
      pareto: paretoOption(
        { pareto: a.concentration.pareto, top20AumShare: a.concentration.top20AumShare },
        t,
        lang,
      ),
    }),
    [a, reach, t, lang],
  );
  const current = t('overview.atRequest');
  const rate = (v: number | null) => (v === null ? '—' : formatPercent(v, lang));

  return (
    <Row gutter={[16, 16]}>
      <KpiCols
        items={[
          {
            label: t('analysis.members'),
            help: t('analysis.membersHelp'),
            display: formatInteger(a.members, lang),
            raw: a.members,
            testId: 'analysis-members',
            accent: '#1677ff',
            icon: <TeamOutlined />,
          },
          {
            label: t('analysis.shareOfCustomers'),
            help: t('analysis.shareOfCustomersHelp'),
            display: formatPercent(a.shareOfCustomers, lang),
            raw: a.shareOfCustomers,
            testId: 'analysis-share',
            accent: '#13a8a8',
            icon: <PieChartOutlined />,
          },
          {
            label: t('analysis.aum'),
            help: t('overview.aumHelp'),
            display: formatCnyCompact(a.aum, lang),
            title: formatCnyFull(a.aum, lang),
            raw: a.aum,
            testId: 'analysis-aum',
            accent: '#1d3b6e',
            icon: <WalletOutlined />,
          },
          {
            label: t('analysis.shareOfAum'),
            help: t('analysis.shareOfAumHelp'),
            display: formatPercent(a.shareOfAum, lang),
            raw: a.shareOfAum,
            testId: 'analysis-aum-share',
            accent: '#fa8c16',
            icon: <RiseOutlined />,
          },
        ]}
      />

      <Col xs={24} xl={14}>
        <ChartCard
          title={t('analysis.growth')}
          extra={
            <Space size={16}>
              <Typography.Text type="secondary">
                {t('analysis.entered')}{' '}
                <Typography.Text
                  strong
                  style={{ color: '#389e0d' }}
                  data-testid="analysis-entered"
                  data-value={String(a.growth.entered ?? '')}
                >
                  {a.growth.entered === null ? '—' : `+${formatInteger(a.growth.entered, lang)}`}
                </Typography.Text>
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('analysis.left')}{' '}
                <Typography.Text
                  strong
                  style={{ color: '#cf1322' }}
                  data-testid="analysis-left"
                  data-value={String(a.growth.left ?? '')}
                >
                  {a.growth.left === null ? '—' : `−${formatInteger(a.growth.left, lang)}`}
                </Typography.Text>
              </Typography.Text>
            </Space>
          }
          definition={t('analysis.growthDefinition')}
          scope={t('analysis.snapshots', { n: a.growth.points.length })}
          asOf={a.asOf}
          testId="chart-growth"
        >
          {a.growth.points.length > 0 ? (
            <EChart option={charts.growth} height={280} />
          ) : (
            <Typography.Paragraph type="secondary" style={{ padding: '48px 0', textAlign: 'center' }}>
              {t('analysis.noSnapshots')}
            </Typography.Paragraph>
          )}
        </ChartCard>
      </Col>
      <Col xs={24} xl={10}>
        <ChartCard
          title={t('analysis.reach')}
          definition={t('analysis.reachDefinition')}
          scope={current}
          asOf={a.asOf}
          testId="chart-reach"
        >
          <EChart option={charts.reach} height={200} />
          <Row gutter={8} style={{ marginTop: 4 }}>
            {reach.map((r) => (
              <Col span={6} key={r.key}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.label}
                </Typography.Text>
                <div
                  data-testid={`analysis-reach-${r.key}`}
                  data-value={String(r.rate)}
                  style={{ fontWeight: 600 }}
                >
                  {formatPercent(r.rate, lang)}
                </div>
              </Col>
            ))}
          </Row>
        </ChartCard>
      </Col>

      <Col span={24}>
        <Card title={t('analysis.stickiness')} data-testid="analysis-stickiness">
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Statistic title={t('analysis.active30d')} value={rate(a.stickiness.active30dRate)} />
              <span data-testid="analysis-active30d" data-value={String(a.stickiness.active30dRate ?? '')} />
            </Col>
            <Col xs={24} md={8}>
              <Statistic title={t('analysis.retention90d')} value={rate(a.stickiness.retention90dRate)} />
              <span
                data-testid="analysis-retention90d"
                data-value={String(a.stickiness.retention90dRate ?? '')}
              />
            </Col>
            <Col xs={24} md={8}>
              <Statistic
                title={t('analysis.avgTenure')}
                value={
                  a.stickiness.avgTenureYears === null
                    ? '—'
                    : t('analysis.years', { n: a.stickiness.avgTenureYears.toFixed(1) })
                }
              />
              <span data-testid="analysis-tenure" data-value={String(a.stickiness.avgTenureYears ?? '')} />
            </Col>
          </Row>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
            {t('analysis.stickinessDefinition')}
          </Typography.Paragraph>
        </Card>
      </Col>

      <Col xs={24} xl={14}>
        <Card title={t('analysis.portrait')} data-testid="analysis-portrait">
          <PortraitTable rows={a.portrait} />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
            {t('analysis.portraitDefinition')}
          </Typography.Paragraph>
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <ChartCard
          title={t('analysis.concentration')}
          extra={
            <Space size={16}>
              <Typography.Text type="secondary">
                {t('overview.top20')}{' '}
                <Typography.Text
                  strong
                  data-testid="analysis-top20"
                  data-value={String(a.concentration.top20AumShare)}
                >
                  {formatPercent(a.concentration.top20AumShare, lang)}
                </Typography.Text>
              </Typography.Text>
              <Typography.Text type="secondary">
                {t('analysis.gini')}{' '}
                <Typography.Text strong data-testid="analysis-gini" data-value={String(a.concentration.gini)}>
                  {a.concentration.gini.toFixed(3)}
                </Typography.Text>
              </Typography.Text>
            </Space>
          }
          definition={t('analysis.concentrationDefinition')}
          scope={current}
          asOf={a.asOf}
          testId="chart-concentration"
        >
          <EChart option={charts.pareto} height={300} />
        </ChartCard>
      </Col>
    </Row>
  );
}
