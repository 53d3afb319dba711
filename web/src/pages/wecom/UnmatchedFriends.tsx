import { LinkOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { wecomApi, type WecomFriend } from '../../api/wecom.ts';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { LinkFriendDialog } from './LinkFriendDialog.tsx';

const PAGE = 20;

/**
 * WeCom friends of the managers in scope that no customer is linked to (names masked), filtered by manager, each
 * linked to a customer by hand. Managers are named from the coverage answer (every manager in the scope).
 */
export function UnmatchedFriends() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [staffId, setStaffId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [linking, setLinking] = useState<WecomFriend | null>(null);
  const managers = useLoad((signal) => wecomApi.coverage(signal), []);
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      wecomApi.friends({ matched: 'false', staffId, limit: PAGE, offset: (page - 1) * PAGE }, signal),
    [staffId, page],
  );
  const names = useMemo(
    () => new Map((managers.data?.managers ?? []).map((m) => [m.staffId, m.name])),
    [managers.data],
  );
  const mayLink = can(me, 'customers.write');

  return (
    <div data-testid="wecom-unmatched">
      {error !== null && <LoadError error={error} title={t('wecom.loadFailed')} onRetry={reload} />}
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 240 }}
          placeholder={t('wecom.unmatched.allManagers')}
          value={staffId}
          onChange={(v: string | undefined) => {
            setStaffId(v);
            setPage(1);
          }}
          options={(managers.data?.managers ?? []).map((m) => ({ value: m.staffId, label: m.name }))}
          data-testid="wecom-unmatched-manager"
        />
        {data && (
          <Typography.Text type="secondary" data-testid="wecom-unmatched-total" data-value={data.total}>
            {t('wecom.unmatched.count', { n: formatInteger(data.total, lang) })}
          </Typography.Text>
        )}
      </Space>
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<WecomFriend>
          rowKey={(f) => `${f.staffId}/${f.externalUserid}`}
          size="small"
          loading={loading}
          dataSource={[...(data?.items ?? [])]}
          locale={{ emptyText: <Empty description={t('wecom.unmatched.empty')} /> }}
          pagination={
            (data?.total ?? 0) > PAGE
              ? { current: page, pageSize: PAGE, total: data?.total ?? 0, onChange: setPage }
              : false
          }
          columns={[
            {
              title: t('wecom.unmatched.manager'),
              key: 'manager',
              render: (_: unknown, f) => names.get(f.staffId) ?? '—',
            },
            {
              title: t('wecom.unmatched.name'),
              key: 'name',
              render: (_: unknown, f) => f.name ?? '—',
            },
            {
              title: t('wecom.unmatched.addedAt'),
              dataIndex: 'addedAt',
              render: (d: string) => formatDateTime(d),
            },
            ...(mayLink
              ? [
                  {
                    title: '',
                    key: 'link',
                    align: 'right' as const,
                    render: (_: unknown, f: WecomFriend) => (
                      <Button
                        size="small"
                        icon={<LinkOutlined />}
                        onClick={() => setLinking(f)}
                        data-testid={`wecom-link-${f.externalUserid}`}
                      >
                        {t('wecom.unmatched.link')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <LinkFriendDialog
        friend={linking}
        onClose={() => setLinking(null)}
        onLinked={(no) => {
          setLinking(null);
          void message.success(t('wecom.link.done', { no }));
          reload();
        }}
      />
    </div>
  );
}
