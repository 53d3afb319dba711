import { Table, Typography } from 'antd';
import type { Overview, TierName } from '../../api/overview.ts';
import { formatCnyCompact, formatCnyFull, formatInteger, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { label } from '../pool/labels.ts';
import { TIER_COLORS } from './options.ts';

type Row = Overview['tiers'][number];

/** Customers and AUM per tier with their shares; every figure carries its raw value for exact checks. */
export function TierTable({ overview }: { overview: Overview }) {
  const { t, lang } = useI18n();
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  return (
    <Table<Row>
      size="middle"
      rowKey="tier"
      pagination={false}
      dataSource={[...overview.tiers]}
      data-testid="overview-tier-table"
      columns={[
        {
          title: t('overview.tier'),
          dataIndex: 'tier',
          render: (tier: TierName) => (
            <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
              <span style={{ width: 10, height: 10, borderRadius: 2, background: TIER_COLORS[tier] }} />
              {label(t, 'tier', tier)}
            </span>
          ),
        },
        {
          title: t('overview.tierCustomers'),
          dataIndex: 'customers',
          align: 'right',
          render: (n: number, r) => (
            <span data-testid={`overview-tier-${r.tier}-customers`} data-value={String(n)}>
              {formatInteger(n, lang)}
            </span>
          ),
        },
        {
          title: t('overview.tierCustomerShare'),
          key: 'customerShare',
          align: 'right',
          render: (_: unknown, r) => formatPercent(share(r.customers, overview.customers), lang),
        },
        {
          title: t('overview.tierAum'),
          dataIndex: 'aum',
          align: 'right',
          render: (n: number, r) => (
            <span
              data-testid={`overview-tier-${r.tier}-aum`}
              data-value={String(n)}
              title={formatCnyFull(n, lang)}
            >
              {formatCnyCompact(n, lang)}
            </span>
          ),
        },
        {
          title: t('overview.tierAumShare'),
          key: 'aumShare',
          align: 'right',
          render: (_: unknown, r) => (
            <Typography.Text strong={share(r.aum, overview.aum) >= 0.3}>
              {formatPercent(share(r.aum, overview.aum), lang)}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}
