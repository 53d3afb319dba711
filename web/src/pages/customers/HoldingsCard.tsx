import { Card, Space, Table, Tag, Typography } from 'antd';
import type { CustomerProfile } from '../../api/customers.ts';
import { formatCnyCompact, formatCnyFull } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { label } from '../pool/labels.ts';

type Holding = CustomerProfile['holdings'][number];

/** Products held (account numbers masked to the last 4 digits) and the contact consents per channel. */
export function HoldingsCard({ profile }: { profile: CustomerProfile }) {
  const { t, lang } = useI18n();
  return (
    <Card size="small" title={t('c360.holdings')} style={{ height: '100%' }} data-testid="customer-holdings">
      <Table<Holding>
        rowKey={(h) => `${h.accountNo}-${h.productId}`}
        size="small"
        pagination={profile.holdings.length > 8 ? { pageSize: 8 } : false}
        dataSource={[...profile.holdings]}
        locale={{ emptyText: t('c360.noHoldings') }}
        columns={[
          {
            title: t('c360.product'),
            key: 'product',
            render: (_: unknown, h) => (
              <span>
                {h.productName}{' '}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {label(t, 'holding', h.category)} · {h.accountNo}
                </Typography.Text>
              </span>
            ),
          },
          {
            title: t('c360.balance'),
            dataIndex: 'balance',
            align: 'right',
            render: (v: number) => <span title={formatCnyFull(v, lang)}>{formatCnyCompact(v, lang)}</span>,
          },
          {
            title: t('c360.due'),
            key: 'due',
            render: (_: unknown, h) => h.maturityDate ?? h.nextDueDate ?? '—',
          },
          {
            title: t('staff.status'),
            dataIndex: 'status',
            render: (s: string) => (
              <Tag color={s === 'active' ? 'green' : 'default'}>{label(t, 'c360.holdingStatus', s)}</Tag>
            ),
          },
        ]}
      />
      <Typography.Text strong style={{ display: 'block', margin: '12px 0 8px' }}>
        {t('c360.consents')}
      </Typography.Text>
      <Space wrap data-testid="customer-consents">
        {profile.consents.length === 0 && (
          <Typography.Text type="secondary">{t('c360.noConsents')}</Typography.Text>
        )}
        {profile.consents.map((c) => (
          <Tag key={`${c.channel}:${c.purpose}`} color={c.status === 'granted' ? 'green' : 'red'}>
            {label(t, 'c360.consentChannel', c.channel)} · {label(t, 'c360.consentPurpose', c.purpose)} ·{' '}
            {label(t, 'c360.consent', c.status)}
          </Tag>
        ))}
      </Space>
    </Card>
  );
}
