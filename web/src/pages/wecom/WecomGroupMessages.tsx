import { Alert, Card, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { wecomMessagesApi, type WecomGroupMessage, type WecomGroupMessageState } from '../../api/wecom.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const STATES: readonly WecomGroupMessageState[] = [
  'awaiting_confirmation',
  'requesting',
  'confirmed',
  'expired',
  'failed',
  'unknown',
];
const STATE_COLORS: Readonly<Record<WecomGroupMessageState, string>> = {
  requesting: 'default',
  awaiting_confirmation: 'processing',
  confirmed: 'success',
  expired: 'warning',
  failed: 'error',
  unknown: 'error',
};
const CUSTOMER_STATES = ['awaiting', 'sent', 'failed', 'expired'] as const;
const CUSTOMER_COLORS = { awaiting: 'processing', sent: 'success', failed: 'error', expired: 'warning' };
const PAGE = 20;

/**
 * Group messages that campaigns sent through WeCom, for the senders in the caller's scope: the tasks still waiting
 * for a manager to confirm them in their WeCom client first, each with its customers by state.
 */
export function WecomGroupMessages() {
  const { t, lang } = useI18n();
  const [state, setState] = useState<WecomGroupMessageState | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useLoad(
    (signal) => wecomMessagesApi.list({ limit: PAGE, offset, ...(state ? { state } : {}) }, signal),
    [state, offset],
  );

  return (
    <div data-testid="wecom-messages">
      {error !== null && <LoadError error={error} title={t('wecom.loadFailed')} onRetry={reload} />}
      {data && !data.connected && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('wecom.messages.notConnected')}
          data-testid="wecom-messages-not-connected"
        />
      )}
      <Space style={{ marginBottom: 12 }} wrap>
        {data && (
          <Typography.Text data-testid="wecom-messages-awaiting" data-value={data.awaitingConfirmation}>
            {t('wecom.messages.awaitingCount', { n: formatInteger(data.awaitingConfirmation, lang) })}
          </Typography.Text>
        )}
        <Select<WecomGroupMessageState>
          allowClear
          placeholder={t('wecom.messages.allStates')}
          style={{ width: 220 }}
          value={state}
          onChange={(v) => {
            setState(v);
            setOffset(0);
          }}
          options={STATES.map((s) => ({ value: s, label: t(`wecom.messages.state.${s}`) }))}
          data-testid="wecom-messages-state"
        />
      </Space>
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<WecomGroupMessage>
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={data?.items ?? []}
          locale={{ emptyText: <Empty description={t('wecom.messages.empty')} /> }}
          pagination={{
            current: offset / PAGE + 1,
            pageSize: PAGE,
            total: data?.total ?? 0,
            showSizeChanger: false,
            onChange: (p) => setOffset((p - 1) * PAGE),
          }}
          onRow={(m) => ({ 'data-testid': `wecom-message-${m.id}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('wecom.messages.campaign'), dataIndex: 'campaignName' },
            {
              title: t('wecom.messages.sender'),
              key: 'sender',
              render: (_: unknown, m) => m.senderName ?? m.senderId,
            },
            {
              title: t('wecom.messages.text'),
              dataIndex: 'text',
              ellipsis: true,
              width: '28%',
            },
            {
              title: t('wecom.messages.stateColumn'),
              dataIndex: 'state',
              render: (s: WecomGroupMessageState, m) => (
                <Tag color={STATE_COLORS[s]} data-testid={`wecom-message-${m.id}-state`} data-value={s}>
                  {t(`wecom.messages.state.${s}`)}
                </Tag>
              ),
            },
            {
              title: t('wecom.messages.customers'),
              key: 'customers',
              render: (_: unknown, m) => (
                <Space size={4} wrap>
                  {CUSTOMER_STATES.filter((s) => m.customers[s] > 0).map((s) => (
                    <Tag
                      key={s}
                      color={CUSTOMER_COLORS[s]}
                      data-testid={`wecom-message-${m.id}-${s}`}
                      data-value={m.customers[s]}
                    >
                      {t(`wecom.messages.customer.${s}`)}: {formatInteger(m.customers[s], lang)}
                    </Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('wecom.messages.createdAt'),
              dataIndex: 'createdAt',
              render: (d: string) => formatDateTime(d),
            },
            {
              title: t('wecom.messages.expiresAt'),
              dataIndex: 'expiresAt',
              render: (d: string, m) => (m.state === 'awaiting_confirmation' ? formatDateTime(d) : '—'),
            },
          ]}
        />
      </Card>
    </div>
  );
}
