import {
  CalendarOutlined,
  PieChartOutlined,
  ReloadOutlined,
  TeamOutlined,
  UserAddOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Row, Segmented, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { overviewApi, type Overview } from '../../api/overview.ts';
import { EChart } from '../../charts/EChart.tsx';
import { formatCnyCompact, formatCnyFull, formatInteger, formatPercent, shiftDate } from '../../format.ts';
import { localiseDefinition } from '../../i18n/definitions.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ChartCard, KpiCols } from './cards.tsx';
import { dailyOption, paretoOption, tierOption } from './options.ts';
import { TierTable } from './TierTable.tsx';

const WINDOWS = [7, 30, 90] as const;
type Window = (typeof WINDOWS)[number];

/** The bank at a glance, every figure from GET /v1/overview. */
export default function OverviewPage() {
  const { t, lang } = useI18n();
  const [days, setDays] = useState<Window>(30);
  const [reload, setReload] = useState(0);
  const [data, setData] = useState<Overview | null>(null);
  // Kept untranslated, so a language switch re-labels it without fetching again.
  const [failure, setFailure] = useState<{ forbidden: boolean; message: string } | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setFailure(null);
    overviewApi
      .get(days)
      .then((o) => !cancelled && setData(o))
      .catch((e: unknown) => {
        if (cancelled) return;
        setFailure({
          forbidden: e instanceof ApiError && e.status === 403,
          message: e instanceof Error ? e.message : String(e),
        });
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [days, reload]);

  const error = failure && (failure.forbidden ? t('overview.forbidden') : failure.message);

  const charts = useMemo(() => {
    if (!data) return null;
    return {
      tiers: tierOption(data, t, lang),
      pareto: paretoOption(data, t, lang),
      newPerDay: dailyOption(
        data.newCustomersPerDay.map((p) => ({ date: p.date, value: p.customers })),
        t('overview.newCustomers'),
        'bar',
        '#13a8a8',
        lang,
      ),
      eventsPerDay: dailyOption(
        data.eventsPerDay.map((p) => ({ date: p.date, value: p.events })),
        t('overview.events'),
        'line',
        '#722ed1',
        lang,
      ),
    };
  }, [data, t, lang]);

  const header = (
    <PageHeader
      title={t('overview.title')}
      subtitle={t('overview.subtitle')}
      extra={
        <>
          {data && (
            <Tag
              icon={<CalendarOutlined />}
              color="blue"
              style={{ marginInlineEnd: 0, paddingBlock: 2 }}
              data-testid="overview-asof"
              data-value={data.asOf}
            >
              {t('overview.asOf', { date: data.asOf })}
            </Tag>
          )}
          <Segmented<Window>
            value={days}
            onChange={setDays}
            options={WINDOWS.map((d) => ({ value: d, label: t('overview.lastDays', { days: d }) }))}
            data-testid="overview-window"
          />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => setReload((n) => n + 1)}
            loading={loading && data !== null}
          >
            {t('overview.refresh')}
          </Button>
        </>
      }
    />
  );

  if (error && !data) {
    return (
      <>
        {header}
        <Alert
          type="error"
          showIcon
          title={t('overview.loadFailed')}
          description={error}
          data-testid="overview-error"
          action={<Button onClick={() => setReload((n) => n + 1)}>{t('overview.retry')}</Button>}
        />
      </>
    );
  }
  if (!data || !charts) {
    return (
      <>
        {header}
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      </>
    );
  }

  const from = shiftDate(data.asOf, -(days - 1));
  const windowText = t('overview.window', { days, from, to: data.asOf, zone: data.timeZone });
  const currentText = t('overview.atRequest');
  const newTotal = data.newCustomersPerDay.reduce((s, p) => s + p.customers, 0);
  const eventsTotal = data.eventsPerDay.reduce((s, p) => s + p.events, 0);
  const def = (key: string) => localiseDefinition(data.definitions[key], lang);
  const total = (n: number, testId: string) => (
    <Typography.Text type="secondary">
      {t('overview.windowTotal')}{' '}
      <Typography.Text strong data-testid={testId} data-value={String(n)}>
        {formatInteger(n, lang)}
      </Typography.Text>
    </Typography.Text>
  );

  return (
    <div data-testid="overview" aria-busy={loading}>
      {header}
      {error && (
        <Alert
          type="warning"
          showIcon
          title={t('overview.loadFailed')}
          description={error}
          style={{ marginBottom: 16 }}
        />
      )}
      {data.customers === 0 && (
        <Alert type="info" showIcon title={t('overview.empty')} style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <KpiCols
          items={[
            {
              label: t('overview.customers'),
              help: t('overview.customersHelp'),
              display: formatInteger(data.customers, lang),
              raw: data.customers,
              testId: 'overview-customers',
              accent: '#1677ff',
              icon: <TeamOutlined />,
            },
            {
              label: t('overview.aum'),
              help: t('overview.aumHelp'),
              display: formatCnyCompact(data.aum, lang),
              title: formatCnyFull(data.aum, lang),
              raw: data.aum,
              testId: 'overview-aum',
              accent: '#1d3b6e',
              icon: <WalletOutlined />,
            },
            {
              label: t('overview.top20'),
              help: t('overview.top20Help'),
              display: formatPercent(data.top20AumShare, lang),
              raw: data.top20AumShare,
              testId: 'overview-top20-share',
              accent: '#fa8c16',
              icon: <PieChartOutlined />,
            },
            {
              label: t('overview.newCustomers'),
              help: `${t('overview.newCustomersHelp')} · ${t('overview.lastDays', { days })}`,
              display: formatInteger(newTotal, lang),
              raw: newTotal,
              testId: 'overview-new-customers',
              accent: '#13a8a8',
              icon: <UserAddOutlined />,
            },
          ]}
        />

        <Col xs={24} xl={12}>
          <ChartCard
            title={t('overview.tiers')}
            definition={def('tier')}
            scope={currentText}
            asOf={data.asOf}
            testId="chart-tiers"
          >
            <EChart option={charts.tiers} height={300} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard
            title={t('overview.pareto')}
            definition={def('pareto')}
            scope={currentText}
            asOf={data.asOf}
            testId="chart-pareto"
          >
            <EChart option={charts.pareto} height={300} />
          </ChartCard>
        </Col>

        <Col xs={24} xl={12}>
          <ChartCard
            title={t('overview.newPerDay')}
            extra={total(newTotal, 'overview-new-customers-total')}
            definition={def('newCustomersPerDay')}
            scope={windowText}
            asOf={data.asOf}
            testId="chart-new-customers"
          >
            <EChart option={charts.newPerDay} height={260} />
          </ChartCard>
        </Col>
        <Col xs={24} xl={12}>
          <ChartCard
            title={t('overview.eventsPerDay')}
            extra={total(eventsTotal, 'overview-events-total')}
            definition={def('eventsPerDay')}
            scope={windowText}
            asOf={data.asOf}
            testId="chart-events"
          >
            <EChart option={charts.eventsPerDay} height={260} />
          </ChartCard>
        </Col>

        <Col span={24}>
          <ChartCard
            title={t('overview.tierTable')}
            definition={`${def('tier')} · ${def('aum')}`}
            scope={currentText}
            asOf={data.asOf}
            testId="tier-table"
          >
            <TierTable overview={data} />
          </ChartCard>
        </Col>
      </Row>
    </div>
  );
}
