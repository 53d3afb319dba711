import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Table, Typography } from 'antd';
import { useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { campaignsApi, type Campaign } from './api.ts';
import { ByRoleCard } from './ByRoleCard.tsx';
import { purposeKey } from './labels.ts';
import { StatusTag } from './StatusTag.tsx';

/** Every campaign with its status (a row opens its detail), and their results compared by product role. */
export function CampaignList() {
  const { t } = useI18n();
  const me = useMe();
  const campaigns = useLoad((signal) => campaignsApi.list(signal), []);
  return (
    <>
      <PageHeader
        title={t('campaign.title')}
        subtitle={t('campaign.subtitle')}
        extra={
          me.permissions.includes('campaigns.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/campaigns/new')}
              data-testid="campaign-new"
            >
              {t('campaign.new')}
            </Button>
          )
        }
      />
      {campaigns.error ? (
        <LoadError error={campaigns.error} title={t('cmp.loadFailed')} onRetry={campaigns.reload} />
      ) : null}
      <Card>
        <Table<Campaign>
          rowKey="id"
          loading={campaigns.loading}
          dataSource={campaigns.data ?? []}
          locale={{ emptyText: t('campaign.empty') }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="campaign-table"
          onRow={(row) => ({ onClick: () => navigate(`/campaigns/${row.id}`), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('campaign.col.name'),
              dataIndex: 'name',
              render: (name: string) => <Typography.Link>{name}</Typography.Link>,
            },
            {
              title: t('campaign.col.purpose'),
              dataIndex: 'purpose',
              render: (p: string) => t(purposeKey(p)),
            },
            {
              title: t('campaign.col.status'),
              dataIndex: 'status',
              render: (s: string) => <StatusTag status={s} />,
            },
            { title: t('campaign.col.updated'), dataIndex: 'updatedAt', render: formatDateTime },
          ]}
        />
      </Card>
      <ByRoleCard />
    </>
  );
}
