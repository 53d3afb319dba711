import { Button, Card, Empty, Space, Table, Tag, Typography } from 'antd';
import { handoversApi, wecomTransfersApi, type HandoverJob } from '../../api/handovers.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { label } from '../pool/labels.ts';
import {
  WECOM_TRANSFER_COLORS as COLORS,
  WECOM_TRANSFER_STATES as STATES,
} from '../pool/handover/wecom-transfer-states.ts';

// The most recent jobs only: each row asks for its own WeCom figures.
const RECENT = 20;

/** One job's WeCom transfers: customers per state (the retry is on the job's progress page). */
function TransferCounts({ jobId }: { jobId: number }) {
  const { t, lang } = useI18n();
  const { data } = useLoad((signal) => wecomTransfersApi.list(jobId, { limit: 1 }, signal), [jobId]);
  if (!data) return null;
  if (data.total === 0)
    return <Typography.Text type="secondary">{t('wecom.handovers.none')}</Typography.Text>;
  return (
    <Space size={4} wrap data-testid={`wecom-handover-${jobId}-states`}>
      {STATES.filter((s) => (data.states[s] ?? 0) > 0).map((s) => (
        <Tag
          key={s}
          color={COLORS[s]}
          data-testid={`wecom-handover-${jobId}-${s}`}
          data-value={data.states[s]}
        >
          {label(t, 'wecomTransfer.state', s)}: {formatInteger(data.states[s] ?? 0, lang)}
        </Tag>
      ))}
    </Space>
  );
}

/** Running and recent handover jobs with their WeCom transfer counts, each opening the job's progress page. */
export function WecomHandovers() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => handoversApi.list(signal), []);
  // Running jobs first, then the newest.
  const jobs = [...(data ?? [])]
    .sort((a, b) => Number(b.status === 'running') - Number(a.status === 'running'))
    .slice(0, RECENT);

  return (
    <div data-testid="wecom-handovers">
      {error !== null && <LoadError error={error} title={t('wecom.loadFailed')} onRetry={reload} />}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<HandoverJob>
          rowKey="id"
          size="small"
          loading={loading}
          pagination={false}
          dataSource={jobs}
          locale={{ emptyText: <Empty description={t('wecom.handovers.empty')} /> }}
          columns={[
            { title: t('wecom.handovers.giver'), dataIndex: 'fromManagerName' },
            {
              title: t('wecom.handovers.status'),
              dataIndex: 'status',
              render: (s: HandoverJob['status']) => t(`handover.jobStatus.${s}`),
            },
            {
              title: t('wecom.handovers.createdAt'),
              dataIndex: 'createdAt',
              render: (d: string | null) => (d ? formatDateTime(d) : '—'),
            },
            {
              title: t('handover.progress'),
              key: 'total',
              align: 'right',
              render: (_: unknown, j) => formatInteger(j.total, lang),
            },
            {
              title: t('wecom.handovers.transfers'),
              key: 'wecom',
              render: (_: unknown, j) => <TransferCounts jobId={j.id} />,
            },
            {
              title: '',
              key: 'open',
              align: 'right',
              render: (_: unknown, j) => (
                <Button
                  size="small"
                  onClick={() => navigate(`/pool/handovers/${j.id}`)}
                  data-testid={`wecom-handover-open-${j.id}`}
                >
                  {t('wecom.handovers.open')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
