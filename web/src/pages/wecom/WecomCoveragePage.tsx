import { Alert, Card, Col, Empty, Row, Table, Typography } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { wecomApi, type WecomManagerCoverage } from '../../api/wecom.ts';
import { EChart } from '../../charts/EChart.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../format.ts';
import type { MessageKey } from '../../i18n/en-US.ts';
import { useI18n, type Lang } from '../../i18n/i18n.tsx';
import { coverageChart } from './coverage-chart.ts';

type Figure = 'friends' | 'matched' | 'unmatched' | 'addedThisWeek' | 'lostThisWeek';
const FIGURES: readonly { key: Figure; title: MessageKey }[] = [
  { key: 'friends', title: 'wecom.coverage.friends' },
  { key: 'matched', title: 'wecom.coverage.matched' },
  { key: 'unmatched', title: 'wecom.coverage.unmatched' },
  { key: 'addedThisWeek', title: 'wecom.coverage.added' },
  { key: 'lostThisWeek', title: 'wecom.coverage.lost' },
];

/** A count in the table: formatted, with the raw number in data-value for the tests. */
function count(value: number, lang: Lang, testId: string): ReactNode {
  return (
    <span data-testid={testId} data-value={value}>
      {formatInteger(value, lang)}
    </span>
  );
}

const share = (matched: number, friends: number, lang: Lang) =>
  friends === 0 ? '—' : formatPercent(matched / friends, lang);

/**
 * WeCom coverage per account manager in the caller's scope for the business week: friends, matched and unmatched,
 * added and lost this week, with totals and a chart. The route gives no share of the manager's customers; the
 * matched share of friends is shown instead.
 */
export function WecomCoveragePage() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => wecomApi.coverage(signal), []);
  const managers = useMemo(() => [...(data?.managers ?? [])], [data]);
  const totals = useMemo(() => {
    const sum = (k: Figure) => managers.reduce((n, m) => n + m[k], 0);
    return Object.fromEntries(FIGURES.map((f) => [f.key, sum(f.key)])) as Record<Figure, number>;
  }, [managers]);
  const chart = useMemo(() => coverageChart(managers, t, lang), [managers, t, lang]);

  return (
    <div data-testid="wecom-coverage">
      {error !== null && <LoadError error={error} title={t('wecom.loadFailed')} onRetry={reload} />}
      {data && (
        <Typography.Paragraph type="secondary" data-testid="wecom-coverage-week">
          {t('wecom.coverage.week', { from: data.week.from, to: data.week.to })}
        </Typography.Paragraph>
      )}
      {data && totals.friends === 0 && totals.lostThisWeek === 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('wecom.setup.title')}
          description={t('wecom.setup.body')}
          data-testid="wecom-setup"
        />
      )}
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card size="small" styles={{ body: { padding: 0 } }}>
            <Table<WecomManagerCoverage>
              rowKey="staffId"
              size="small"
              loading={loading}
              dataSource={managers}
              pagination={managers.length > 50 ? { pageSize: 50 } : false}
              locale={{ emptyText: <Empty description={t('wecom.coverage.empty')} /> }}
              columns={[
                { title: t('wecom.coverage.manager'), dataIndex: 'name' },
                ...FIGURES.map((f) => ({
                  title: t(f.title),
                  key: f.key,
                  align: 'right' as const,
                  render: (_: unknown, m: WecomManagerCoverage) =>
                    count(m[f.key], lang, `wecom-cov-${m.staffId}-${f.key}`),
                })),
                {
                  title: t('wecom.coverage.matchedShare'),
                  key: 'share',
                  align: 'right' as const,
                  render: (_: unknown, m: WecomManagerCoverage) => share(m.matched, m.friends, lang),
                },
              ]}
              summary={() =>
                managers.length > 1 ? (
                  <Table.Summary.Row style={{ fontWeight: 600 }}>
                    <Table.Summary.Cell index={0}>{t('wecom.coverage.total')}</Table.Summary.Cell>
                    {FIGURES.map((f, i) => (
                      <Table.Summary.Cell key={f.key} index={i + 1} align="right">
                        {count(totals[f.key], lang, `wecom-cov-total-${f.key}`)}
                      </Table.Summary.Cell>
                    ))}
                    <Table.Summary.Cell index={FIGURES.length + 1} align="right">
                      {share(totals.matched, totals.friends, lang)}
                    </Table.Summary.Cell>
                  </Table.Summary.Row>
                ) : null
              }
            />
          </Card>
        </Col>
        {managers.length > 0 && (
          <Col span={24}>
            <Card size="small" title={t('wecom.coverage.chart')}>
              <EChart option={chart} height={320} testId="wecom-coverage-chart" />
            </Card>
          </Col>
        )}
      </Row>
    </div>
  );
}
