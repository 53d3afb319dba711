import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { ArrowRightOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Skeleton, Space, Table, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Report } from '../../api/reports.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger, formatPercent } from '../../format.ts';
import { useI18n, type Lang, type Translate } from '../../i18n/i18n.tsx';
import { pick } from '../../i18n/pick.ts';
import { featureName } from '../analytics/drivers/labels.ts';
import { FunnelView } from '../analytics/funnels/FunnelPage.tsx';
import { ChurnView, RetentionView } from '../analytics/retention/RetentionPage.tsx';
import { freshnessOf, runReport, type Freshness, type ReportResult } from './runReport.ts';
import { openReport } from './useOpenedReport.ts';

/**
 * One card of a dashboard: runs its report's definition, draws the answer, and states the data's freshness (latest
 * event or transaction ingested, business day, or tag computation) and when the card was refreshed; Refresh runs it
 * again.
 */
export function ReportCard({ report, actions }: { report: Report; actions?: ReactNode }) {
  const { t, lang } = useI18n();
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null);
  const loaded = useLoad(
    async (signal) => {
      const answer = await runReport(report.kind, report.definition, signal);
      setRefreshedAt(new Date().toISOString());
      return answer;
    },
    [report.id, report.updatedAt],
  );
  const data = loaded.data;
  return (
    <Card
      size="small"
      title={
        <Space orientation="vertical" size={0}>
          <span>{report.name}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
            {t(`reports.kind.${report.kind}`)}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space size={4} wrap>
          <Button
            size="small"
            icon={<ReloadOutlined />}
            loading={loaded.loading}
            onClick={loaded.reload}
            data-testid="card-refresh"
          >
            {t('dashboards.refresh')}
          </Button>
          <Button
            size="small"
            icon={<ArrowRightOutlined />}
            onClick={() => openReport(report)}
            data-testid="card-open"
          >
            {t('dashboards.open')}
          </Button>
          {actions}
        </Space>
      }
      data-testid={`dashboard-card-${report.id}`}
      aria-busy={loaded.loading}
    >
      {loaded.error ? (
        <LoadError error={loaded.error} title={t('dashboards.cardFailed')} onRetry={loaded.reload} />
      ) : !data ? (
        <Skeleton active />
      ) : (
        <>
          <CardBody answer={data} report={report} lang={lang} t={t} />
          <Typography.Text type="secondary" data-testid="card-freshness">
            {freshnessText(freshnessOf(data), t)}
            {refreshedAt ? ` · ${t('dashboards.refreshedAt', { at: formatDateTime(refreshedAt) })}` : ''}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}

/** The freshness sentence of an answer, in the user's language. */
export function freshnessText(f: Freshness, t: Translate): string {
  switch (f.kind) {
    case 'events':
      return t('dashboards.fresh.events', { at: f.at ? formatDateTime(f.at) : '—' });
    case 'transactions':
      return t('dashboards.fresh.transactions', { at: f.at ? formatDateTime(f.at) : '—' });
    case 'day':
      return t('dashboards.fresh.day', { day: f.day });
    case 'tags':
      return t('dashboards.fresh.tags', { day: f.day, at: formatDateTime(f.at) });
  }
}

/** The answer drawn as on its page (funnel, retention, churn) or as its key figures (the other kinds). */
function CardBody({
  answer,
  report,
  lang,
  t,
}: {
  answer: ReportResult;
  report: Report;
  lang: Lang;
  t: Translate;
}) {
  const dictionary = useDictionary();
  const def = report.definition as never;
  switch (answer.kind) {
    case 'funnel':
      return <FunnelView result={answer.result} request={def} lang={lang} />;
    case 'retention':
      return <RetentionView result={answer.result} request={def} lang={lang} />;
    case 'churn':
      return <ChurnView result={answer.result} request={def} lang={lang} />;
    case 'drivers': {
      const a = answer.result;
      return (
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 8 }}>
          <Descriptions.Item label={t('dashboards.members')}>
            {formatInteger(a.population.customers, lang)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboards.outcomeRate')}>
            {formatPercent(a.population.rate, lang, 1)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboards.topFactors')}>
            {a.features
              .slice(0, 5)
              .map((f) => featureName(f, lang, dictionary))
              .join(' · ') || '—'}
          </Descriptions.Item>
          {a.regression.status === 'fitted' && (
            <Descriptions.Item label={t('dashboards.auc')}>
              {a.regression.auc.holdout?.toFixed(3) ?? a.regression.auc.training?.toFixed(3) ?? '—'}
            </Descriptions.Item>
          )}
        </Descriptions>
      );
    }
    case 'group':
      return (
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 8 }}>
          <Descriptions.Item label={t('dashboards.members')}>
            {formatInteger(answer.result.members, lang)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboards.shareOfAum')}>
            {formatPercent(answer.result.shareOfAum, lang, 1)}
          </Descriptions.Item>
        </Descriptions>
      );
    case 'concentration':
      return (
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 8 }}>
          <Descriptions.Item label={t('dashboards.members')}>
            {formatInteger(answer.result.customers, lang)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboards.gini')}>
            {answer.result.aum.gini.toFixed(3)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboards.top20')}>
            {formatPercent(answer.result.aum.top20Share, lang, 1)}
          </Descriptions.Item>
        </Descriptions>
      );
    case 'lifecycle': {
      const d = answer.result;
      const last = d.points[d.points.length - 1];
      if (!last) return <Alert type="info" title={t('analytics.frame.notEnoughData', { reason: '—' })} />;
      return (
        <Table
          size="small"
          pagination={false}
          rowKey="stage"
          style={{ marginBottom: 8 }}
          dataSource={d.stages.map((s) => ({
            stage: pick(s.label, lang) || s.value,
            customers: last.counts[s.value] ?? 0,
          }))}
          columns={[
            { title: t('dashboards.stage'), dataIndex: 'stage' },
            {
              title: t('dashboards.stageCustomers'),
              dataIndex: 'customers',
              align: 'right',
              render: (n: number) => formatInteger(n, lang),
            },
          ]}
        />
      );
    }
  }
}
