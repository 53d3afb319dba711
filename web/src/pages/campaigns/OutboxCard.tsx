import { Card, Table } from 'antd';
import { useState } from 'react';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { campaignsApi } from './api.ts';

const PAGE = 10;

/** The messages a campaign put in the demo outbox, newest first, masked as the server sends them. */
export function OutboxCard({
  campaignId,
  tick,
  channelName,
}: {
  campaignId: number;
  tick: number;
  channelName: (key: string) => string;
}) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const outbox = useLoad(
    (signal) => campaignsApi.outbox(campaignId, { limit: PAGE, offset: (page - 1) * PAGE }, signal),
    [campaignId, page, tick],
  );
  type Item = NonNullable<typeof outbox.data>['items'][number];
  return (
    <Card title={t('detail.outbox')} style={{ marginTop: 16 }}>
      {outbox.error ? (
        <LoadError error={outbox.error} title={t('cmp.loadFailed')} onRetry={outbox.reload} />
      ) : null}
      <Table<Item>
        rowKey={(r) => `${r.runId}-${r.customerNo}-${r.channel}`}
        size="small"
        dataSource={outbox.data?.items ?? []}
        locale={{ emptyText: t('detail.outboxEmpty') }}
        data-testid="outbox-table"
        data-total={outbox.data?.total ?? 0}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: outbox.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          { title: t('detail.col.customer'), dataIndex: 'customerNo' },
          { title: t('detail.col.channel'), dataIndex: 'channel', render: channelName },
          { title: t('detail.col.to'), dataIndex: 'to', render: (to: string | null) => to ?? t('cmp.none') },
          {
            title: t('detail.col.message'),
            dataIndex: 'fields',
            render: (fields: Record<string, string>) => Object.values(fields).join(' / '),
          },
          { title: t('detail.col.at'), dataIndex: 'createdAt', render: formatDateTime },
        ]}
      />
    </Card>
  );
}
