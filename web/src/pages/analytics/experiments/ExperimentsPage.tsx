import { DeleteOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Popconfirm, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useMe } from '../../../auth/session.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../../router.ts';
import { experimentsApi, type Experiment } from './api.ts';
import { LiftView } from './LiftView.tsx';
import { UploadForm } from './UploadForm.tsx';

/**
 * /analytics/experiments[/<id>]: the imported experiments, the upload form (for roles that may import), and the lift
 * analysis of the one selected (its id in the path, so a link opens it).
 */
export function ExperimentsPage() {
  const { t, lang } = useI18n();
  const me = useMe();
  const [, selected] = subPath(usePath(), '/analytics');
  const { data, error, loading, reload } = useLoad((signal) => experimentsApi.list(signal), []);
  // Not `can`: its fallback would grant analysts, who hold no ingest permission at all, what the server refuses.
  const mayImport = me.permissions.includes('ingest.write');
  const open = (id: string) => navigate(`/analytics/experiments/${encodeURIComponent(id)}`);
  const remove = async (e: Experiment) => {
    await experimentsApi.remove(e.id);
    if (selected === e.id) navigate('/analytics/experiments', true);
    reload();
  };

  return (
    <div data-testid="experiments">
      <Card
        title={t('analytics.experiments.list')}
        style={{ marginBottom: 16 }}
        styles={{ body: { padding: data ? 0 : undefined } }}
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading && data !== null}>
            {t('overview.refresh')}
          </Button>
        }
      >
        {error && !data ? (
          <LoadError error={error} title={t('analytics.experiments.loadFailed')} onRetry={reload} />
        ) : !data ? (
          <Skeleton active paragraph={{ rows: 3 }} />
        ) : (
          <Table<Experiment>
            rowKey="id"
            size="middle"
            dataSource={[...data]}
            pagination={data.length > 10 ? { pageSize: 10 } : false}
            locale={{ emptyText: <Empty description={t('analytics.experiments.empty')} /> }}
            rowClassName={(e) => (e.id === selected ? 'ant-table-row-selected' : '')}
            onRow={(e) => ({ onClick: () => open(e.id), style: { cursor: 'pointer' } })}
            columns={[
              {
                title: t('analytics.experiments.col.name'),
                key: 'name',
                render: (_: unknown, e) => (
                  <div data-testid={`experiment-row-${e.id}`}>
                    <Typography.Link>{e.name}</Typography.Link>
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {e.id}
                        {e.description ? ` · ${e.description}` : ''}
                      </Typography.Text>
                    </div>
                  </div>
                ),
              },
              {
                title: t('analytics.experiments.col.units'),
                key: 'units',
                align: 'right',
                render: (_: unknown, e) => formatInteger(e.units, lang),
              },
              {
                title: t('analytics.experiments.col.arms'),
                key: 'arms',
                render: (_: unknown, e) =>
                  e.arms.map((a) => (
                    <Tag key={a.arm} color={a.arm === e.control ? 'blue' : undefined}>
                      {a.arm} · {formatInteger(a.units, lang)}
                    </Tag>
                  )),
              },
              {
                title: t('analytics.experiments.col.metrics'),
                key: 'metrics',
                render: (_: unknown, e) => e.metrics.map((m) => `${m.name} (${m.kind})`).join(', '),
              },
              {
                title: t('analytics.experiments.col.changed'),
                key: 'changed',
                render: (_: unknown, e) => formatDateTime(e.dataChangedAt),
              },
              ...(mayImport
                ? [
                    {
                      title: '',
                      key: 'actions',
                      render: (_: unknown, e: Experiment) => (
                        <span onClick={(ev) => ev.stopPropagation()}>
                          <Popconfirm
                            title={t('analytics.experiments.deleteConfirm', { id: e.id, n: e.units })}
                            onConfirm={() => remove(e)}
                          >
                            <Button
                              size="small"
                              danger
                              icon={<DeleteOutlined />}
                              data-testid={`experiment-delete-${e.id}`}
                            >
                              {t('analytics.experiments.delete')}
                            </Button>
                          </Popconfirm>
                        </span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      <Space orientation="vertical" style={{ width: '100%' }} size={0}>
        {selected && <LiftView key={selected} id={selected} />}
        {mayImport && (
          <UploadForm
            onImported={(id) => {
              reload();
              open(id);
            }}
          />
        )}
      </Space>
    </div>
  );
}
