import { PlusOutlined } from '@ant-design/icons';
import { Button, Table, Typography } from 'antd';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { journeysApi, type JourneySummary } from './api.ts';
import { JourneyStatus } from './JourneyDetail.tsx';

/** /journeys: every journey with its status, how customers enter, and how many are inside and converted. */
export function JourneyList() {
  const { t, lang } = useI18n();
  const me = useMe();
  const list = useLoad((signal) => journeysApi.list(signal), []);
  const n = (v: number) => formatInteger(v, lang);
  return (
    <div data-testid="journey-list">
      <PageHeader
        title={t('jny.list.title')}
        subtitle={t('jny.list.subtitle')}
        extra={
          can(me, 'campaigns.write') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate('/journeys/new')}
              data-testid="journey-new"
            >
              {t('jny.new')}
            </Button>
          )
        }
      />
      {list.error ? (
        <LoadError error={list.error} title={t('jny.loadFailed')} onRetry={list.reload} />
      ) : (
        <Table<JourneySummary>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data ?? []}
          onRow={(r) => ({ onClick: () => navigate(`/journeys/${r.id}`), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('jny.name'),
              dataIndex: 'name',
              render: (v: string, r) => (
                <Typography.Link data-testid={`journey-row-${r.id}`}>{v}</Typography.Link>
              ),
            },
            {
              title: t('jny.status'),
              dataIndex: 'status',
              render: (s: string) => <JourneyStatus status={s} />,
            },
            {
              title: t('jny.entry.kind'),
              dataIndex: 'entry',
              render: (k: string) => t(`jny.entry.${k as 'date'}`),
            },
            { title: t('jny.total.inside'), dataIndex: 'inside', align: 'right', render: n },
            { title: t('jny.total.entered'), dataIndex: 'entered', align: 'right', render: n },
            { title: t('jny.total.converted'), dataIndex: 'converted', align: 'right', render: n },
            {
              title: t('jny.updated'),
              dataIndex: 'updatedAt',
              render: (v: string) => new Date(v).toLocaleString(lang),
            },
          ]}
        />
      )}
    </div>
  );
}
