import { Card, Empty, Progress, Space, Tag, Typography } from 'antd';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Run } from './api.ts';
import { deliveryKey } from './labels.ts';
import { StatusTag } from './StatusTag.tsx';
import { WaterfallView } from './WaterfallView.tsx';

const OPEN = ['queued', 'sending'];

/** A campaign's runs with their live progress: deliveries by status, in all and per channel, and the run's waterfall. */
export function RunsCard({
  runs,
  channelName,
}: {
  runs: readonly Run[];
  channelName: (key: string) => string;
}) {
  const { t, lang } = useI18n();
  const counts = (byStatus: Record<string, number>) =>
    Object.entries(byStatus).map(([status, n]) => (
      <Tag key={status} data-testid={`delivery-${status}`} data-value={n}>
        {t(deliveryKey(status))} {formatInteger(n, lang)}
      </Tag>
    ));
  return (
    <Card title={t('detail.runs')} style={{ marginTop: 16 }} data-testid="campaign-runs">
      {runs.length === 0 ? (
        <Empty description={t('detail.noRuns')} />
      ) : (
        runs.map((run) => {
          const total = Object.values(run.deliveries).reduce((a, b) => a + b, 0);
          const open = OPEN.reduce((a, s) => a + (run.deliveries[s] ?? 0), 0);
          return (
            <Card
              key={run.id}
              size="small"
              type="inner"
              style={{ marginBottom: 12 }}
              data-testid="campaign-run"
            >
              <Space wrap style={{ marginBottom: 8 }}>
                <Typography.Text strong>
                  {t('detail.run', { slot: formatDateTime(run.slot) })}
                </Typography.Text>
                <StatusTag status={run.status} testId="run-status" />
                {run.error && <Typography.Text type="danger">{run.error}</Typography.Text>}
              </Space>
              <Progress
                percent={total === 0 ? 0 : Math.round(((total - open) / total) * 100)}
                data-testid="run-progress"
                format={() =>
                  t('detail.progress', {
                    done: formatInteger(total - open, lang),
                    total: formatInteger(total, lang),
                  })
                }
              />
              <div style={{ margin: '8px 0' }}>{counts(run.deliveries)}</div>
              {Object.entries(run.byChannel).map(([key, byStatus]) => (
                <div key={key} style={{ marginBottom: 4 }}>
                  <Typography.Text type="secondary">{channelName(key)}: </Typography.Text>
                  {Object.entries(byStatus)
                    .map(([status, n]) => `${t(deliveryKey(status))} ${formatInteger(n, lang)}`)
                    .join(' · ')}
                </div>
              ))}
              {run.waterfall && (
                <WaterfallView waterfall={{ ...run.waterfall, asOf: run.asOf }} channelName={channelName} />
              )}
            </Card>
          );
        })
      )}
    </Card>
  );
}
