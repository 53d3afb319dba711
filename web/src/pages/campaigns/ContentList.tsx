import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Table, Typography } from 'antd';
import { useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { contentApi, type ContentItem } from './api.ts';
import { typeKey } from './labels.ts';

/** The content library: every item, its latest and approved versions. */
export function ContentList() {
  const { t } = useI18n();
  const me = useMe();
  const items = useLoad((signal) => contentApi.list(signal), []);
  return (
    <>
      <PageHeader
        title={t('content.title')}
        subtitle={t('content.subtitle')}
        extra={
          me.permissions.includes('content.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/campaigns/content/new')}
              data-testid="content-new"
            >
              {t('content.new')}
            </Button>
          )
        }
      />
      {items.error ? (
        <LoadError error={items.error} title={t('cmp.loadFailed')} onRetry={items.reload} />
      ) : null}
      <Card>
        <Table<ContentItem>
          rowKey="id"
          loading={items.loading}
          dataSource={items.data ?? []}
          locale={{ emptyText: t('content.empty') }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="content-table"
          onRow={(row) => ({
            onClick: () => navigate(`/campaigns/content/${row.id}`),
            style: { cursor: 'pointer' },
          })}
          columns={[
            {
              title: t('content.col.title'),
              dataIndex: 'title',
              render: (title: string) => <Typography.Link>{title}</Typography.Link>,
            },
            { title: t('content.col.type'), dataIndex: 'type', render: (type: string) => t(typeKey(type)) },
            {
              title: t('content.col.latest'),
              dataIndex: 'latestVersion',
              render: (n: number) => t('content.version', { n }),
            },
            {
              title: t('content.col.approved'),
              dataIndex: 'approvedVersion',
              render: (n: number | null) => (n === null ? t('cmp.none') : t('content.version', { n })),
            },
            { title: t('content.col.author'), dataIndex: 'createdBy', render: actorName },
            { title: t('content.col.updated'), dataIndex: 'updatedAt', render: formatDateTime },
          ]}
        />
      </Card>
    </>
  );
}
