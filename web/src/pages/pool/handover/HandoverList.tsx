import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Progress, Space, Table, Tag } from 'antd';
import { handoversApi, type HandoverJob } from '../../../api/handovers.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { actorName, formatDateTime, formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';

/** Handover jobs in the user's scope, newest first; a row opens its progress and results. */
export function HandoverList() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => handoversApi.list(signal), []);
  return (
    <div data-testid="handover-list">
      <PageHeader
        title={t('handover.title')}
        subtitle={t('handover.subtitle')}
        extra={
          <Space>
            <Button icon={<ReloadOutlined />} onClick={reload} loading={loading && data !== null}>
              {t('overview.refresh')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/pool/handovers/new')}
              data-testid="handover-new"
            >
              {t('handover.new')}
            </Button>
          </Space>
        }
      />
      {error !== null && <LoadError error={error} title={t('handover.loadFailed')} onRetry={reload} />}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<HandoverJob>
          rowKey="id"
          size="middle"
          loading={!data && loading}
          dataSource={[...(data ?? [])]}
          locale={{ emptyText: <Empty description={t('handover.empty')} /> }}
          onRow={(j) => ({
            onClick: () => navigate(`/pool/handovers/${j.id}`),
            style: { cursor: 'pointer' },
          })}
          columns={[
            { title: '#', dataIndex: 'id', width: 70 },
            { title: t('handover.from'), dataIndex: 'fromManagerName' },
            {
              title: t('handover.takers'),
              dataIndex: 'takerStaff',
              render: (takers: HandoverJob['takerStaff']) => takers.map((x) => x.name).join(', '),
            },
            {
              title: t('handover.kindColumn'),
              dataIndex: 'kind',
              render: (k: HandoverJob['kind']) => t(`handover.kind.${k}`),
            },
            {
              title: t('handover.itemStatus'),
              dataIndex: 'status',
              render: (s: HandoverJob['status']) => (
                <Tag color={s === 'running' ? 'processing' : s === 'done' ? 'success' : 'default'}>
                  {t(`handover.jobStatus.${s}`)}
                </Tag>
              ),
            },
            {
              title: t('handover.progress'),
              key: 'progress',
              width: 220,
              render: (_: unknown, j) => (
                <Progress
                  size="small"
                  percent={j.total ? Math.round(((j.total - j.pending) / j.total) * 100) : 100}
                  format={() => `${formatInteger(j.moved, lang)}/${formatInteger(j.total, lang)}`}
                />
              ),
            },
            { title: t('handover.status.refused'), dataIndex: 'refused', align: 'right' },
            { title: t('common.by'), dataIndex: 'createdBy', render: (a: string) => actorName(a) },
            {
              title: t('common.at'),
              dataIndex: 'createdAt',
              render: (d: string | null) => (d ? formatDateTime(d) : '—'),
            },
          ]}
        />
      </Card>
    </div>
  );
}
