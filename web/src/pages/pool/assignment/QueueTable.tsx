import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { poolApi, type AssignResponse, type UnassignedCustomer } from '../../../api/pool.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatCnyCompact, formatCnyFull, formatInteger } from '../../../format.ts';
import { CustomerNoLink } from '../../../components/CustomerNoLink.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label, TIER_TAG_COLORS } from '../labels.ts';
import { managerOption, unitOptions, type Directory } from './directory.ts';

const PAGE = 20;

/**
 * The unassigned queue (richest first, names masked), paged, filtered by unit; rows selected across pages are
 * assigned to one manager with an optional reason.
 */
export function QueueTable(props: {
  directory: Directory;
  tick: number;
  onAssigned: (response: AssignResponse) => void;
}) {
  const { t, lang } = useI18n();
  const { directory } = props;
  const [unit, setUnit] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<string[]>([]);
  const [manager, setManager] = useState<string | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const queue = useLoad(
    (signal) => poolApi.unassigned({ orgUnitId: unit, limit: PAGE, offset: (page - 1) * PAGE }, signal),
    [unit, page, props.tick],
  );

  // A page emptied by an assignment: show the last page that still has customers.
  const lastPage = queue.data ? Math.max(1, Math.ceil(queue.data.total / PAGE)) : page;
  useEffect(() => {
    if (page > lastPage) setPage(lastPage);
  }, [page, lastPage]);

  const assign = async () => {
    if (!manager || selected.length === 0) return;
    setBusy(true);
    setFailure(null);
    try {
      const response = await poolApi.assign(
        selected.map((customerNo) => ({ customerNo, managerId: manager })),
        reason.trim() || null,
      );
      setSelected([]);
      setReason('');
      props.onAssigned(response);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const data = queue.data;
  return (
    <Card
      title={t('pool.assign.queue')}
      styles={{ body: { padding: 0 } }}
      data-testid="assign-queue"
      extra={
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 240 }}
          placeholder={t('pool.assign.unitFilter')}
          value={unit}
          onChange={(v: string | undefined) => {
            setUnit(v);
            setPage(1);
          }}
          options={unitOptions(directory.units)}
          data-testid="assign-unit-filter"
        />
      }
    >
      {queue.error !== null && (
        <div style={{ padding: '16px 16px 0' }}>
          <LoadError error={queue.error} title={t('pool.assign.queueFailed')} onRetry={queue.reload} />
        </div>
      )}
      <Space wrap style={{ padding: '12px 16px' }} align="center">
        <Typography.Text type="secondary">
          {t('pool.assign.total')}{' '}
          <strong data-testid="assign-queue-total" data-value={data ? String(data.total) : ''}>
            {data ? formatInteger(data.total, lang) : '…'}
          </strong>
        </Typography.Text>
        <Typography.Text data-testid="assign-selected" data-value={String(selected.length)}>
          {t('pool.assign.selected', { n: formatInteger(selected.length, lang) })}
        </Typography.Text>
        <Select
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 280 }}
          placeholder={t('pool.assign.toPlaceholder')}
          aria-label={t('pool.assign.to')}
          value={manager}
          onChange={(v: string) => setManager(v)}
          options={directory.managers.map((s) => managerOption(s, (n) => formatInteger(n, lang)))}
          data-testid="assign-manager"
        />
        <Input
          style={{ width: 260 }}
          maxLength={500}
          placeholder={t('pool.assign.reason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-testid="assign-reason"
        />
        <Button
          type="primary"
          disabled={!manager || selected.length === 0}
          loading={busy}
          onClick={assign}
          data-testid="assign-submit"
        >
          {t('pool.assign.submit', { n: formatInteger(selected.length, lang) })}
        </Button>
      </Space>
      {failure !== null && (
        <div style={{ padding: '0 16px 12px' }}>
          <LoadError error={failure} title={t('pool.assign.failed')} />
        </div>
      )}
      <Table<UnassignedCustomer>
        rowKey="customerNo"
        size="middle"
        loading={queue.loading}
        dataSource={[...(data?.items ?? [])]}
        rowSelection={{
          selectedRowKeys: selected,
          preserveSelectedRowKeys: true,
          onChange: (keys) => setSelected(keys.map(String)),
        }}
        onRow={(c) => ({ 'data-testid': `assign-row-${c.customerNo}` }) as object}
        onChange={(pagination) => setPage(pagination.current ?? 1)}
        pagination={{ current: page, pageSize: PAGE, total: data?.total ?? 0, showSizeChanger: false }}
        columns={[
          {
            title: t('customers.customerNo'),
            dataIndex: 'customerNo',
            render: (no: string) => <CustomerNoLink no={no} testId="assign-customer-no" />,
          },
          {
            title: t('customers.name'),
            dataIndex: 'name',
            render: (name: string | null) => name ?? '—',
          },
          {
            title: t('pool.assign.tier'),
            dataIndex: 'tier',
            render: (tier: string | null) => (
              <Tag color={TIER_TAG_COLORS[tier ?? ''] ?? 'default'}>
                {label(t, 'tier', tier ?? 'unknown')}
              </Tag>
            ),
          },
          {
            title: t('pool.assign.aum'),
            dataIndex: 'aum',
            align: 'right',
            render: (aum: number) => (
              <span title={formatCnyFull(aum, lang)}>{formatCnyCompact(aum, lang)}</span>
            ),
          },
          {
            title: t('pool.assign.unit'),
            dataIndex: 'orgUnitId',
            render: (id: string | null) => directory.unitLabel(id),
          },
          {
            title: t('pool.assign.why'),
            dataIndex: 'reason',
            render: (r: string) => (
              <Tag color={r === 'owner_departed' ? 'orange' : 'default'} data-value={r}>
                {label(t, 'pool.assign.why', r)}
              </Tag>
            ),
          },
          {
            title: t('pool.assign.former'),
            dataIndex: 'formerManagerId',
            render: (id: string | null) => (id ? directory.staffLabel(id) : '—'),
          },
        ]}
      />
    </Card>
  );
}
