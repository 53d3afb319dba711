import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Empty, Row, Space, Table, Typography } from 'antd';
import { translateReason } from '../../../../src/analytics/reasons.ts';
import { ApiError } from '../../api/client.ts';
import { EChart } from '../../charts/EChart.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatCnyFull, formatDateTime, formatInteger, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { campaignsApi, type Results } from './api.ts';
import { productRoleKey } from './labels.ts';

type Group = Results['byTier'][number];

/** A run's results: funnel, lift over the control group with its interval, breakdowns, cost, definitions, export. */
export function ResultsCard({ campaignId, tick }: { campaignId: number; tick: number }) {
  const { t, lang } = useI18n();
  const loaded = useLoad((signal) => campaignsApi.results(campaignId, signal), [campaignId, tick]);
  const pct = (v: number) => formatPercent(v, lang, 2);
  const n = (v: number) => formatInteger(v, lang);
  if (loaded.error instanceof ApiError && loaded.error.status === 404)
    return (
      <Card title={t('res.title')} style={{ marginTop: 16 }}>
        <Empty description={t('res.none')} />
      </Card>
    );
  if (loaded.error)
    return <LoadError error={loaded.error} title={t('cmp.loadFailed')} onRetry={loaded.reload} />;
  const r = loaded.data;
  if (!r) return null;
  const definition = (key: string) => {
    const d = r.definitions[key];
    return d ? (lang === 'zh-CN' ? d.zh : d.en) : '';
  };
  const lift = r.lift?.absolute ?? null;
  const groupName = (prefix: 'tier' | 'res.lc', key: string) =>
    key === 'unknown' ? t('res.unknown') : t(`${prefix}.${key}` as MessageKey);
  const groups = (title: string, rows: readonly Group[], prefix: 'tier' | 'res.lc') => (
    <Card size="small" title={title} style={{ marginTop: 12 }}>
      <Table<Group>
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={[...rows]}
        columns={[
          { title: t('res.group'), dataIndex: 'key', render: (k: string) => groupName(prefix, k) },
          ...(['audience', 'targeted', 'sent', 'converted', 'control', 'controlConverted'] as const).map(
            (k) => ({
              title:
                k === 'controlConverted'
                  ? `${t('res.stage.control')} · ${t('res.stage.converted')}`
                  : t(`res.stage.${k}`),
              dataIndex: k,
              render: n,
            }),
          ),
        ]}
      />
    </Card>
  );
  return (
    <Card
      title={t('res.title')}
      style={{ marginTop: 16 }}
      data-testid="campaign-results"
      extra={
        <Button icon={<DownloadOutlined />} href={campaignsApi.resultsCsvUrl(campaignId, r.run.id, lang)}>
          {t('res.export')}
        </Button>
      }
    >
      <Typography.Text type="secondary" data-testid="results-freshness">
        {t('res.run')} {formatDateTime(r.run.slot)} ·{' '}
        {t('res.freshness', {
          through: r.freshness.eventsThrough ? formatDateTime(r.freshness.eventsThrough) : t('res.noEvents'),
          at: formatDateTime(r.freshness.computedAt),
        })}
      </Typography.Text>
      {r.product && (
        <Typography.Paragraph type="secondary" data-testid="results-product" style={{ margin: 0 }}>
          {t('res.product', { name: r.product.name, role: t(productRoleKey(r.product.role)) })}
        </Typography.Paragraph>
      )}
      <Row gutter={16} style={{ marginTop: 12 }}>
        <Col xs={24} lg={12}>
          <Typography.Text strong>{t('res.funnel')}</Typography.Text>
          <EChart
            height={260}
            testId="results-funnel"
            option={{
              tooltip: {},
              grid: { left: 90, right: 40, top: 10, bottom: 20 },
              xAxis: { type: 'value' },
              yAxis: {
                type: 'category',
                inverse: true,
                data: r.funnel.map((f) => t(`res.stage.${f.stage}`)),
              },
              series: [
                {
                  type: 'bar',
                  data: r.funnel.map((f) => f.customers),
                  label: { show: true, position: 'right' },
                },
              ],
            }}
          />
          <Space wrap>
            {r.funnel.map((f) => (
              <span
                key={f.stage}
                title={definition(f.stage)}
                data-testid={`results-${f.stage}`}
                data-value={f.customers}
              >
                {t(`res.stage.${f.stage}`)} {n(f.customers)}
              </span>
            ))}
            <span title={definition('control')} data-testid="results-control" data-value={r.totals.control}>
              {t('res.stage.control')} {n(r.totals.control)}
            </span>
          </Space>
        </Col>
        <Col xs={24} lg={12}>
          <Descriptions column={1} size="small" bordered title={t('res.lift')}>
            <Descriptions.Item label={t('res.lift')}>
              {lift ? (
                <span data-testid="results-lift" data-value={lift.estimate} title={definition('lift')}>
                  {t('res.liftValue', {
                    estimate: pct(lift.estimate),
                    lower: pct(lift.lower),
                    upper: pct(lift.upper),
                  })}
                </span>
              ) : (
                <Typography.Text type="secondary" data-testid="results-lift-reason">
                  — {r.liftReason === null ? '' : translateReason(r.liftReason, lang)}
                </Typography.Text>
              )}
            </Descriptions.Item>
            {r.lift?.relative && (
              <Descriptions.Item label={t('res.relative')}>{pct(r.lift.relative.estimate)}</Descriptions.Item>
            )}
            {r.lift?.test.pValue !== undefined && r.lift?.test.pValue !== null && (
              <Descriptions.Item label={t('res.pValue')}>{r.lift!.test.pValue!.toFixed(4)}</Descriptions.Item>
            )}
            <Descriptions.Item label={t('res.stage.converted')}>
              {r.totals.targeted > 0 && r.totals.control > 0
                ? t('res.rates', {
                    treated: pct(r.totals.converted / r.totals.targeted),
                    control: pct(r.totals.controlConverted / r.totals.control),
                  })
                : t('cmp.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('detail.schedule')}>
              {r.conversion
                ? t('res.conversion', { event: r.conversion.event, days: r.conversion.windowDays })
                : t('res.noConversion')}
            </Descriptions.Item>
            {r.cost && (
              <Descriptions.Item label={t('res.cost')}>
                {[
                  t('res.costTotal', { total: formatCnyFull(r.cost.total, lang) }),
                  r.cost.perConversion !== null &&
                    t('res.costPerConversion', { value: formatCnyFull(r.cost.perConversion, lang) }),
                  r.cost.perIncrementalConversion !== null &&
                    t('res.costPerIncremental', {
                      value: formatCnyFull(r.cost.perIncrementalConversion, lang),
                    }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Descriptions.Item>
            )}
          </Descriptions>
        </Col>
      </Row>
      {groups(t('res.byTier'), r.byTier, 'tier')}
      {groups(t('res.byStage'), r.byLifecycleStage, 'res.lc')}
    </Card>
  );
}
