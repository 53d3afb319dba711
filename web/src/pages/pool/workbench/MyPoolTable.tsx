import { Card, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import {
  POOL_TIERS,
  poolApi,
  type PoolCustomer,
  type PoolCustomerTag,
  type PoolSort,
} from '../../../api/pool.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatCnyCompact, formatCnyFull, formatDateTime, formatInteger } from '../../../format.ts';
import { useI18n, type Lang } from '../../../i18n/i18n.tsx';
import { pick } from '../../../i18n/pick.ts';
import { navigate } from '../../../router.ts';
import { label, TIER_TAG_COLORS } from '../labels.ts';

const PAGE = 20;

// What a manager acts on first: products and due dates, behaviour and lifecycle; the tier has its own column.
const CATEGORY_ORDER = [
  'product',
  'behaviour',
  'lifecycle',
  'value',
  'cash_flow',
  'reachability',
  'loyalty',
  'demographics',
];
const SHOWN = 3;

/**
 * A row's tags: what the customer has (a yes/no tag shows its name when yes and nothing when no; other tags their
 * value), the first few by what a manager acts on, the rest behind "+N".
 */
function RowTags({ tags, lang }: { tags: readonly PoolCustomerTag[]; lang: Lang }) {
  const rank = (c: string) =>
    (CATEGORY_ORDER.indexOf(c) + CATEGORY_ORDER.length + 1) % (CATEGORY_ORDER.length + 1);
  const held = tags
    .filter((tag) => tag.key !== 'aum_tier' && tag.value !== 'no' && tag.value !== 'none')
    .sort((a, b) => rank(a.category) - rank(b.category));
  const text = (tag: PoolCustomerTag) =>
    tag.value === 'yes' ? pick(tag.name, lang) : pick(tag.label, lang) || tag.value;
  const title = (tag: PoolCustomerTag) => `${pick(tag.name, lang)}: ${pick(tag.label, lang) || tag.value}`;
  const rest = held.slice(SHOWN);
  return (
    <span data-testid="pool-tags" data-count={held.length}>
      {held.slice(0, SHOWN).map((tag) => (
        <Tag key={tag.key} title={title(tag)} style={{ marginBottom: 2 }}>
          {text(tag)}
        </Tag>
      ))}
      {rest.length > 0 && (
        <Tooltip title={rest.map(text).join(' · ')}>
          <Tag>+{rest.length}</Tag>
        </Tooltip>
      )}
    </span>
  );
}

/** The manager's pool: tier, AUM, last contact; filter by tier and search, sort, page; a row opens Customer 360. */
export function MyPoolTable({ staffId, tick }: { staffId: string | undefined; tick: number }) {
  const { t, lang } = useI18n();
  const [tiers, setTiers] = useState<string[]>([]);
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<{ sort: PoolSort; order: 'asc' | 'desc' }>({ sort: 'aum', order: 'desc' });
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      poolApi.myPool(
        { staffId, tier: tiers, q: q || undefined, ...sort, limit: PAGE, offset: (page - 1) * PAGE },
        signal,
      ),
    [staffId, tiers.join(','), q, sort.sort, sort.order, page, tick],
  );

  const order = (key: PoolSort) =>
    sort.sort === key ? (sort.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null;

  return (
    <Card
      title={t('pool.myPool.title')}
      style={{ marginTop: 16 }}
      styles={{ body: { padding: 0 } }}
      data-testid="my-pool"
      extra={
        <Space wrap>
          <Select
            mode="multiple"
            allowClear
            style={{ minWidth: 200 }}
            placeholder={t('pool.myPool.tierFilter')}
            value={tiers}
            onChange={(v: string[]) => {
              setTiers(v);
              setPage(1);
            }}
            options={POOL_TIERS.map((x) => ({ value: x, label: label(t, 'tier', x) }))}
            data-testid="my-pool-tier"
          />
          <Input.Search
            allowClear
            style={{ width: 240 }}
            placeholder={t('pool.myPool.search')}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            data-testid="my-pool-search"
          />
        </Space>
      }
    >
      {error !== null && <LoadError error={error} title={t('pool.myPool.loadFailed')} onRetry={reload} />}
      <div style={{ padding: '8px 16px' }}>
        <Typography.Text type="secondary">
          {t('pool.myPool.total')}{' '}
          <strong data-testid="my-pool-total" data-value={data ? String(data.total) : ''}>
            {data ? formatInteger(data.total, lang) : '…'}
          </strong>
        </Typography.Text>
      </div>
      <Table<PoolCustomer>
        rowKey="customerNo"
        size="middle"
        loading={loading}
        dataSource={[...(data?.items ?? [])]}
        onRow={(c) => ({
          onClick: () => navigate(`/customers/${encodeURIComponent(c.customerNo)}`),
          style: { cursor: 'pointer' },
          'data-testid': `pool-row-${c.customerNo}`,
        })}
        onChange={(pagination, _filters, sorter) => {
          const s = (Array.isArray(sorter) ? sorter[0] : sorter) as
            { columnKey?: unknown; order?: 'ascend' | 'descend' | null } | undefined;
          const key = s?.columnKey as PoolSort | undefined;
          if (key && s?.order) setSort({ sort: key, order: s.order === 'ascend' ? 'asc' : 'desc' });
          else if (!s?.order) setSort({ sort: 'aum', order: 'desc' });
          setPage(pagination.current ?? 1);
        }}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false }}
        columns={[
          {
            title: t('customers.customerNo'),
            key: 'customer_no',
            dataIndex: 'customerNo',
            sorter: true,
            sortOrder: order('customer_no'),
            render: (no: string) => <Typography.Link>{no}</Typography.Link>,
          },
          {
            title: t('customers.name'),
            dataIndex: 'name',
            render: (name: string | null) => <span data-testid="pool-name">{name ?? '—'}</span>,
          },
          {
            title: t('pool.myPool.tier'),
            dataIndex: 'tier',
            render: (tier: string | null) => (
              <Tag color={TIER_TAG_COLORS[tier ?? ''] ?? 'default'}>
                {label(t, 'tier', tier ?? 'unknown')}
              </Tag>
            ),
          },
          {
            title: t('pool.myPool.tags'),
            dataIndex: 'tags',
            render: (tags: readonly PoolCustomerTag[]) => <RowTags tags={tags} lang={lang} />,
          },
          {
            title: t('overview.tierAum'),
            key: 'aum',
            dataIndex: 'aum',
            align: 'right',
            sorter: true,
            sortOrder: order('aum'),
            render: (aum: number) => (
              <span title={formatCnyFull(aum, lang)}>{formatCnyCompact(aum, lang)}</span>
            ),
          },
          {
            title: t('pool.myPool.lastContact'),
            key: 'last_contact',
            dataIndex: 'lastContactAt',
            sorter: true,
            sortOrder: order('last_contact'),
            render: (at: string | null) => (at ? formatDateTime(at) : t('pool.myPool.never')),
          },
          {
            title: t('pool.myPool.ownerSince'),
            key: 'owner_since',
            dataIndex: 'ownerSince',
            sorter: true,
            sortOrder: order('owner_since'),
            render: (at: string | null) => (at ? at.slice(0, 10) : '—'),
          },
          {
            title: t('pool.myPool.handover'),
            dataIndex: 'handoverStatus',
            render: (s: string | null) => (s ? <Tag>{label(t, 'pool.handoverStatus', s)}</Tag> : null),
          },
        ]}
      />
    </Card>
  );
}
