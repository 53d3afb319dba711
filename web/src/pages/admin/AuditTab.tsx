import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Card, Form, Input, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { DayPicker } from '../../components/DayPicker.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { adminApi, auditExportUrl, type AuditFilters, type AuditRecord } from './api.ts';
import { auditActionLabel, auditEntityLabel } from './auditLabels.ts';

const PAGE = 50;
/** Action prefixes offered while typing (any action or start of one may be typed). */
const COMMON_ACTIONS = [
  'session.',
  'session.login_failed',
  'user.',
  'user.role_change',
  'user.grant',
  'apikey.',
  'customer.reveal_pii',
  'customers.export',
  'pool.',
  'segment.',
  'tag.',
  'audit.export',
];

interface FilterValues {
  actor?: string;
  action?: string;
  customer?: string;
  from?: string;
  to?: string;
}

/** Only the filled-in filters, trimmed; a day as `to` includes the whole day (the server's rule). */
function applied(v: FilterValues): AuditFilters {
  const out: AuditFilters = {};
  for (const key of ['actor', 'action', 'customer', 'from', 'to'] as const) {
    const value = v[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

/** The audit log: who did what to which record and when, filtered, newest first, and exported as CSV. */
export function AuditTab() {
  const { t } = useI18n();
  const [filters, setFilters] = useState<AuditFilters>({});
  const first = useLoad((signal) => adminApi.audit(filters, { limit: PAGE }, signal), [filters]);
  const [items, setItems] = useState<AuditRecord[]>([]);
  const [opened, setOpened] = useState<readonly number[]>([]);
  const toggle = (id: number) =>
    setOpened((ids) => (ids.includes(id) ? ids.filter((i) => i !== id) : [...ids, id]));
  const [next, setNext] = useState<number | null>(null);
  const [older, setOlder] = useState<{ loading: boolean; error: string | null }>({
    loading: false,
    error: null,
  });
  useEffect(() => {
    setItems(first.data?.items ?? []);
    setNext(first.data?.next ?? null);
  }, [first.data]);

  const loadOlder = async () => {
    if (next === null) return;
    setOlder({ loading: true, error: null });
    try {
      const page = await adminApi.audit(filters, { limit: PAGE, before: next });
      setItems((shown) => [...shown, ...page.items]);
      setNext(page.next);
      setOlder({ loading: false, error: null });
    } catch (e) {
      setOlder({ loading: false, error: errorText(e) });
    }
  };

  return (
    <div data-testid="admin-audit">
      <PageHeader
        title={t('admin.audit.title')}
        subtitle={t('admin.audit.subtitle')}
        extra={
          <Button icon={<DownloadOutlined />} href={auditExportUrl(filters)} data-testid="audit-export">
            {t('admin.audit.export')}
          </Button>
        }
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form<FilterValues>
          layout="inline"
          onFinish={(v) => setFilters(applied(v))}
          data-testid="audit-filters"
        >
          <Form.Item name="actor" label={t('admin.audit.actor')}>
            <Input
              allowClear
              placeholder="li.na, apikey:3:etl"
              style={{ width: 170 }}
              data-testid="audit-actor"
            />
          </Form.Item>
          <Form.Item name="action" label={t('admin.audit.action')}>
            <AutoComplete
              allowClear
              options={COMMON_ACTIONS.map((a) => ({ value: a }))}
              placeholder="user."
              style={{ width: 190 }}
              data-testid="audit-action"
            />
          </Form.Item>
          <Form.Item name="customer" label={t('admin.audit.customer')}>
            <Input allowClear placeholder="C000000001" style={{ width: 140 }} data-testid="audit-customer" />
          </Form.Item>
          <Form.Item name="from" label={t('admin.audit.from')}>
            <DayPicker allowClear data-testid="audit-from" />
          </Form.Item>
          <Form.Item name="to" label={t('admin.audit.to')}>
            <DayPicker allowClear data-testid="audit-to" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
              {t('admin.audit.search')}
            </Button>
          </Form.Item>
        </Form>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('admin.audit.help')}
        </Typography.Text>
      </Card>
      {first.error !== null && (
        <LoadError error={first.error} title={t('admin.audit.loadFailed')} onRetry={first.reload} />
      )}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<AuditRecord>
          rowKey="id"
          size="small"
          loading={first.loading}
          dataSource={items}
          pagination={false}
          onRow={(r) => ({ 'data-testid': 'audit-row', 'data-action': r.action }) as object}
          expandable={{
            // The details are the forensic record as stored (keys, SQL): shown on request, marked raw.
            expandedRowKeys: [...opened],
            showExpandColumn: false,
            expandedRowRender: (r) => (
              <pre
                style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}
                data-raw-key
                data-testid="audit-details"
              >
                {JSON.stringify(r.details, null, 2)}
              </pre>
            ),
          }}
          columns={[
            {
              title: t('admin.audit.at'),
              dataIndex: 'at',
              width: 150,
              render: (at: string) => formatDateTime(at),
            },
            {
              title: t('admin.audit.actor'),
              dataIndex: 'actor',
              width: 160,
              render: (a: string) => actorName(a),
            },
            {
              title: t('admin.audit.action'),
              dataIndex: 'action',
              width: 190,
              render: (a: string) => {
                const label = auditActionLabel(a, t);
                return (
                  <div>
                    {label !== null && <div data-testid="audit-action-label">{label}</div>}
                    <Typography.Text type="secondary" code style={{ fontSize: 11 }} data-raw-key>
                      {a}
                    </Typography.Text>
                  </div>
                );
              },
            },
            {
              title: t('admin.audit.entity'),
              key: 'entity',
              width: 180,
              render: (_: unknown, r) => {
                const label = auditEntityLabel(r.entityType, t);
                return (
                  <span>
                    {label ?? <code data-raw-key>{r.entityType}</code>}
                    {r.entityId && (
                      <Typography.Text code style={{ fontSize: 11, marginLeft: 4 }} data-raw-key>
                        {r.entityId}
                      </Typography.Text>
                    )}
                  </span>
                );
              },
            },
            {
              title: t('admin.audit.details'),
              key: 'details',
              width: 110,
              render: (_: unknown, r) => (
                <Button
                  type="link"
                  size="small"
                  onClick={() => toggle(r.id)}
                  data-testid="audit-details-toggle"
                >
                  {opened.includes(r.id) ? t('admin.audit.hideDetails') : t('admin.audit.showDetails')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Space style={{ marginTop: 12 }}>
        {next !== null && (
          <Button onClick={loadOlder} loading={older.loading} data-testid="audit-older">
            {t('admin.audit.older')}
          </Button>
        )}
        {next === null && items.length > 0 && (
          <Typography.Text type="secondary">{t('admin.audit.end')}</Typography.Text>
        )}
        {older.error && <Typography.Text type="danger">{older.error}</Typography.Text>}
      </Space>
    </div>
  );
}
