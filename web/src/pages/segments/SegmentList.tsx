import { BarChartOutlined, CloudDownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Space, Table, Typography } from 'antd';
import { segmentsApi, type Segment } from '../../api/segments.ts';
import { canExportSegments, canManageSegments, useMe } from '../../auth/session.tsx';
import { NotReady } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { actorName, formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { IconAction } from '../../components/IconAction.tsx';

/** The saved customer groups with their latest size, and the way into the builder and the analysis. */
export function SegmentList() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { data, error, loading, reload } = useLoad((signal) => segmentsApi.list(signal), []);
  const open = (s: Segment) => navigate(`/segments/${encodeURIComponent(s.id)}`);

  const header = (
    <PageHeader
      title={t('segments.title')}
      subtitle={t('segments.subtitle')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading && data !== null}>
            {t('overview.refresh')}
          </Button>
          {canManageSegments(me) && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/segments/new')}
              data-testid="segment-new"
            >
              {t('segments.new')}
            </Button>
          )}
        </Space>
      }
    />
  );
  if (!data)
    return (
      <NotReady
        header={header}
        error={error}
        failedTitle={t('segments.loadFailed')}
        onRetry={reload}
        rows={6}
      />
    );

  return (
    <div data-testid="segment-list">
      {header}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Segment>
          rowKey="id"
          size="middle"
          dataSource={[...data.segments]}
          pagination={data.segments.length > 20 ? { pageSize: 20 } : false}
          locale={{ emptyText: <Empty description={t('segments.empty')} /> }}
          onRow={(s) => ({ onClick: () => open(s), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('segments.name'),
              key: 'name',
              render: (_: unknown, s) => (
                <div data-testid={`segment-row-${s.id}`}>
                  <Typography.Link>{s.name}</Typography.Link>
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {s.id} · v{s.version}
                      {s.description ? ` · ${s.description}` : ''}
                    </Typography.Text>
                  </div>
                </div>
              ),
            },
            {
              title: t('segments.members'),
              dataIndex: 'members',
              align: 'right',
              width: 130,
              render: (n: number | null, s) => (
                <span data-testid={`segment-members-${s.id}`} data-value={n === null ? '' : String(n)}>
                  {n === null ? t('segments.notMaterialized') : formatInteger(n, lang)}
                </span>
              ),
            },
            {
              title: t('segments.asOf'),
              dataIndex: 'asOf',
              width: 120,
              render: (d: string | null) => d ?? '—',
            },
            {
              title: t('segments.updatedBy'),
              dataIndex: 'updated_by',
              width: 150,
              render: (a: string) => actorName(a),
            },
            {
              title: t('segments.updatedAt'),
              dataIndex: 'updated_at',
              width: 170,
              render: (d: string) => formatDateTime(d),
            },
            {
              title: '',
              key: 'actions',
              width: 110,
              render: (_: unknown, s) => (
                <Space size={0} onClick={(e) => e.stopPropagation()}>
                  <IconAction
                    title={t('builder.analyse')}
                    icon={<BarChartOutlined />}
                    onClick={() => navigate(`/segments/${encodeURIComponent(s.id)}/analysis`)}
                    testId={`segment-analyse-${s.id}`}
                  />
                  {canExportSegments(me) && (
                    <IconAction
                      title={t('builder.export')}
                      icon={<CloudDownloadOutlined />}
                      href={segmentsApi.exportUrl(s.id)}
                    />
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
