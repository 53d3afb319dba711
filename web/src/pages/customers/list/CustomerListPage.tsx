import { SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Popover, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  customerListApi,
  type BulkBody,
  type CustomerFilter,
  type CustomerRow,
  type CustomerSort,
} from '../../../api/customer-list.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { BulkActions } from './BulkActions.tsx';
import { COLUMN_KEYS, columnsOf, readColumns, saveColumns, type ColumnKey } from './columns.tsx';
import { FiltersBar } from './FiltersBar.tsx';

const PAGE = 20;

/** What the server is asked for: a tag filter only once it has values (the server wants both). */
function requestFilter(filter: CustomerFilter): CustomerFilter {
  if (filter.tag === undefined || filter.tagValue) return filter;
  const { tag: _tag, ...rest } = filter;
  return rest;
}

/**
 * The customers list: filters, search, a table of the columns the user chose (remembered in this browser), row
 * selection or "select all N matching", and the bulk actions; a row opens the customer's 360.
 */
export function CustomerListPage() {
  const { t, lang } = useI18n();
  const [filter, setFilter] = useState<CustomerFilter>({});
  const [sort, setSort] = useState<{ sort: CustomerSort; order: 'asc' | 'desc' }>({
    sort: 'aum',
    order: 'desc',
  });
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<string[]>([]);
  const [allMatching, setAllMatching] = useState(false);
  const [shown, setShown] = useState<ColumnKey[]>(readColumns);
  const asked = requestFilter(filter);
  const key = JSON.stringify(asked);
  const { data, error, loading, reload } = useLoad(
    (signal) => customerListApi.page({ ...asked, ...sort, limit: PAGE, offset: (page - 1) * PAGE }, signal),
    [key, sort.sort, sort.order, page],
  );
  const total = data?.total ?? 0;
  // A search that names one customer by their exact number opens that customer (the lookup a manager expects).
  const jump = useRef<string | null>(null);
  useEffect(() => {
    const only = data?.items[0];
    if (jump.current && data && !loading) {
      if (data.total === 1 && only?.customerNo === jump.current)
        navigate(`/customers/${encodeURIComponent(only.customerNo)}`);
      jump.current = null;
    }
  }, [data, loading]);
  const format = (n: number) => formatInteger(n, lang);

  const changeFilter = (next: CustomerFilter) => {
    jump.current = next.q !== undefined && next.q !== filter.q ? next.q : null;
    setFilter(next);
    setPage(1);
    setPicked([]);
    setAllMatching(false);
  };
  const sortOrder = (k: CustomerSort) =>
    sort.sort === k ? (sort.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null;
  const all = columnsOf(t, lang, sortOrder);
  const columns = shown.map((k) => all[k]);
  const target: BulkBody['target'] | null = allMatching
    ? { filter: asked }
    : picked.length > 0
      ? { customerNos: picked }
      : null;
  const count = allMatching ? total : picked.length;
  const chooser = useMemo(
    () => (
      <Checkbox.Group
        value={shown}
        onChange={(v) => {
          const keys = COLUMN_KEYS.filter((k) => v.includes(k));
          if (keys.length === 0) return;
          setShown(keys);
          saveColumns(keys);
        }}
        style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
        options={COLUMN_KEYS.map((k) => ({ value: k, label: all[k].title as string }))}
        data-testid="clist-columns-choice"
      />
    ),
    [shown, lang],
  );

  return (
    <div data-testid="customer-list">
      <PageHeader title={t('clist.title')} subtitle={t('clist.subtitle')} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <FiltersBar filter={filter} onChange={changeFilter} />
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        <Space style={{ padding: '8px 16px', width: '100%', justifyContent: 'space-between' }} wrap>
          <Space wrap>
            <Typography.Text
              type="secondary"
              data-testid="clist-total"
              data-value={data ? String(total) : ''}
            >
              {data ? t('clist.total', { n: format(total) }) : '…'}
            </Typography.Text>
            {(picked.length > 0 || allMatching) && (
              <Typography.Text strong data-testid="clist-selected">
                {allMatching
                  ? t('clist.allSelected', { n: format(total) })
                  : t('clist.selected', { n: format(picked.length) })}
              </Typography.Text>
            )}
            {picked.length > 0 && !allMatching && total > picked.length && (
              <Button type="link" onClick={() => setAllMatching(true)} data-testid="clist-select-all">
                {t('clist.selectAll', { n: format(total) })}
              </Button>
            )}
            {(picked.length > 0 || allMatching) && (
              <Button
                type="link"
                onClick={() => {
                  setPicked([]);
                  setAllMatching(false);
                }}
              >
                {t('clist.clearSelection')}
              </Button>
            )}
          </Space>
          <Space>
            <Popover content={chooser} trigger="click" placement="bottomRight">
              <Button icon={<SettingOutlined />} data-testid="clist-columns">
                {t('clist.columns')}
              </Button>
            </Popover>
            <BulkActions
              target={target}
              count={count}
              filter={asked}
              sort={sort.sort}
              order={sort.order}
              onDone={() => {
                setPicked([]);
                setAllMatching(false);
                reload();
              }}
            />
          </Space>
        </Space>
        {error !== null && (
          <div style={{ padding: '0 16px 8px' }}>
            <LoadError error={error} title={t('clist.loadFailed')} onRetry={reload} />
          </div>
        )}
        {allMatching && <Alert type="info" banner message={t('clist.allSelected', { n: format(total) })} />}
        <Table<CustomerRow>
          rowKey="customerNo"
          size="middle"
          loading={loading}
          scroll={{ x: 'max-content' }}
          dataSource={[...(data?.items ?? [])]}
          rowSelection={{
            selectedRowKeys: allMatching ? (data?.items ?? []).map((r) => r.customerNo) : picked,
            preserveSelectedRowKeys: true,
            onChange: (keys) => {
              setAllMatching(false);
              setPicked(keys.map(String));
            },
            getCheckboxProps: () => ({ disabled: allMatching }),
          }}
          onRow={(c) => ({
            onClick: (e) => {
              // A click on the selection box selects; anywhere else opens the customer.
              if ((e.target as HTMLElement).closest('.ant-table-selection-column')) return;
              navigate(`/customers/${encodeURIComponent(c.customerNo)}`);
            },
            style: { cursor: 'pointer' },
            'data-testid': `clist-row-${c.customerNo}`,
          })}
          onChange={(pagination, _filters, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as
              { columnKey?: unknown; order?: 'ascend' | 'descend' | null } | undefined;
            const k = s?.columnKey as CustomerSort | undefined;
            if (k && s?.order) setSort({ sort: k, order: s.order === 'ascend' ? 'asc' : 'desc' });
            else if (!s?.order) setSort({ sort: 'aum', order: 'desc' });
            setPage(pagination.current ?? 1);
          }}
          pagination={{
            current: page,
            pageSize: PAGE,
            total,
            showSizeChanger: false,
            showTotal: (n) => t('clist.total', { n: format(n) }),
          }}
          columns={columns}
        />
      </Card>
    </div>
  );
}
