import { Button, Card, Col, Row, Segmented, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { EChart, type ChartOption } from '../../charts/EChart.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { rtaApi, type Decision, type RtaMetrics } from './api.ts';
import { latencyText, rateText } from './figures.tsx';

const WINDOWS = [15, 60, 1440] as const;
const REFRESH_MS = 5000;

/** Requests and matches per minute over the window (all RTA processes added up). */
function perMinuteChart(m: RtaMetrics, t: ReturnType<typeof useI18n>['t']): ChartOption {
  const minutes = m.perMinute.map((p) => formatDateTime(p.minute).slice(11));
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: [t('acq.live.requests'), t('acq.live.matches'), t('acq.live.errors')] },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: minutes },
    yAxis: { type: 'value' },
    series: [
      {
        name: t('acq.live.requests'),
        type: 'line',
        showSymbol: false,
        data: m.perMinute.map((p) => p.requests),
      },
      {
        name: t('acq.live.matches'),
        type: 'line',
        showSymbol: false,
        data: m.perMinute.map((p) => p.matches),
      },
      { name: t('acq.live.errors'), type: 'line', showSymbol: false, data: m.perMinute.map((p) => p.errors) },
    ],
  };
}

/** The answer-latency histogram: requests per bucket, each labelled by its upper bound. */
function latencyChart(m: RtaMetrics, t: ReturnType<typeof useI18n>['t']): ChartOption {
  const { boundsUs, buckets } = m.totals.latency;
  const labels = buckets.map((_, i) => (i < boundsUs.length ? `≤ ${latencyText(boundsUs[i] ?? 0)}` : '>'));
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: labels, axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', name: t('acq.live.requests') },
    series: [{ type: 'bar', data: [...buckets] }],
  };
}

/**
 * /acquisition/live: the RTA service as the growth team watches it — requests, matches, match rate and errors of the
 * window, answer latency percentiles and histogram, per strategy, and the latest sampled decisions; refreshed every
 * five seconds.
 */
export function LivePage() {
  const { t, lang } = useI18n();
  const [minutes, setMinutes] = useState<number>(60);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const metrics = useLoad((signal) => rtaApi.metrics(minutes, signal), [minutes, tick]);
  const decisions = useLoad((signal) => rtaApi.decisions(50, signal), [tick]);
  const m = metrics.data;
  const n = (v: number) => formatInteger(v, lang);
  return (
    <div data-testid="rta-live">
      <PageHeader
        title={t('acq.live.title')}
        subtitle={t('acq.live.subtitle')}
        back={
          <Button type="link" onClick={() => navigate('/acquisition')}>
            {t('acq.back')}
          </Button>
        }
        extra={
          <Segmented
            value={minutes}
            onChange={(v) => setMinutes(Number(v))}
            options={WINDOWS.map((w) => ({ value: w, label: t(`acq.live.window.${w}`) }))}
          />
        }
      />
      {metrics.error && !m ? (
        <LoadError error={metrics.error} title={t('acq.loadFailed')} onRetry={metrics.reload} />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Row gutter={[12, 12]}>
            {(
              [
                ['requests', m ? n(m.totals.requests) : '—'],
                ['matches', m ? n(m.totals.matches) : '—'],
                ['matchRate', rateText(m?.totals.matchRate ?? null)],
                ['errors', m ? n(m.totals.errors) : '—'],
                ['p50', latencyText(m?.totals.latency.p50 ?? null)],
                ['p99', latencyText(m?.totals.latency.p99 ?? null)],
              ] as const
            ).map(([key, value]) => (
              <Col key={key} xs={12} md={8} xl={4}>
                <Card size="small">
                  <Statistic
                    title={t(`acq.live.${key}`)}
                    value={value}
                    valueRender={() => <span data-testid={`rta-${key}`}>{value}</span>}
                  />
                </Card>
              </Col>
            ))}
          </Row>
          {m && m.test.requests > 0 && (
            <Typography.Text type="secondary" data-testid="rta-test-traffic">
              {t('acq.live.test', { requests: n(m.test.requests), matches: n(m.test.matches) })}
            </Typography.Text>
          )}
          <Row gutter={[12, 12]}>
            <Col xs={24} xl={14}>
              <Card size="small" title={t('acq.live.perMinute')}>
                {m && <EChart option={perMinuteChart(m, t)} height={260} testId="rta-per-minute" />}
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card size="small" title={t('acq.live.latency')}>
                {m && <EChart option={latencyChart(m, t)} height={260} testId="rta-latency" />}
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('acq.live.strategies')}>
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={m ? [...m.strategies] : []}
              columns={[
                { title: t('acq.id'), dataIndex: 'id', render: (v: string) => <span data-raw-key>{v}</span> },
                { title: t('acq.live.requests'), dataIndex: 'requests', align: 'right', render: n },
                { title: t('acq.live.matches'), dataIndex: 'matches', align: 'right', render: n },
                {
                  title: t('acq.live.matchRate'),
                  dataIndex: 'matchRate',
                  align: 'right',
                  render: (v: number | null) => rateText(v),
                },
                { title: t('acq.live.errors'), dataIndex: 'errors', align: 'right', render: n },
              ]}
            />
          </Card>
          <Card size="small" title={t('acq.live.decisions')} data-testid="rta-decisions">
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('acq.live.decisionsHelp')}
            </Typography.Paragraph>
            <Table<Decision>
              size="small"
              rowKey={(d) => `${d.time}-${d.devicePrefix}-${d.latencyUs}`}
              pagination={{ pageSize: 10 }}
              dataSource={decisions.data ?? []}
              columns={[
                {
                  title: t('acq.live.time'),
                  dataIndex: 'time',
                  render: (v: number) => formatDateTime(new Date(v).toISOString()),
                },
                {
                  title: t('acq.live.device'),
                  dataIndex: 'devicePrefix',
                  render: (v: string) => <code data-raw-key>{v}…</code>,
                },
                {
                  title: t('acq.live.answer'),
                  render: (_, d) =>
                    d.code !== 0 ? (
                      <Tag>{t('acq.live.declined', { code: d.code })}</Tag>
                    ) : (
                      d.strategies.map((s) => (
                        <Tag key={s} color="blue" data-raw-key>
                          {s}
                        </Tag>
                      ))
                    ),
                },
                {
                  title: t('acq.live.latencyCol'),
                  dataIndex: 'latencyUs',
                  align: 'right',
                  render: (v: number) => latencyText(v),
                },
                {
                  title: t('acq.live.testCol'),
                  dataIndex: 'test',
                  render: (v: boolean) => (v ? t('acq.live.testYes') : ''),
                },
              ]}
            />
          </Card>
        </Space>
      )}
    </div>
  );
}
