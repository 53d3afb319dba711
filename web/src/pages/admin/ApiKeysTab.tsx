import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Table,
  Tag,
} from 'antd';
import { useMemo, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { flattenUnits, poolApi } from '../../api/pool.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { adminApi, ROLES, type ApiKey, type ApiKeyCreated, type Role } from './api.ts';
import { ShownOnce } from './ShownOnce.tsx';

type Shown = 'active' | 'revoked' | 'all';
interface NewKey {
  name: string;
  role: Role;
  orgUnitId?: string;
}

/** API keys for partner systems and scripts: list (never the secret), create (shown once), revoke at once. */
export function ApiKeysTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [shown, setShown] = useState<Shown>('active');
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [created, setCreated] = useState<(ApiKeyCreated & { name: string }) | null>(null);
  const keys = useLoad((signal) => adminApi.apiKeys(signal), []);
  const units = useLoad((signal) => poolApi.orgUnits(signal).catch(() => []), []);
  const unitOptions = useMemo(
    () =>
      flattenUnits(units.data ?? []).map(({ unit }) => ({
        value: unit.id,
        label: `${unit.name} (${unit.id})`,
      })),
    [units.data],
  );
  const rows = (keys.data?.items ?? []).filter(
    (k) => shown === 'all' || (shown === 'active') === (k.revokedAt === null),
  );

  const create = async (v: NewKey) => {
    setBusy(true);
    setFailure(null);
    try {
      const result = await adminApi.createApiKey({
        name: v.name.trim(),
        role: v.role,
        ...(v.orgUnitId ? { orgUnitId: v.orgUnitId } : {}),
      });
      setCreating(false);
      setCreated({ ...result, name: v.name.trim() });
      keys.reload();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (k: ApiKey) => {
    try {
      await adminApi.revokeApiKey(k.id);
      message.success(t('admin.keys.revoked', { name: k.name }));
      keys.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };

  return (
    <div data-testid="admin-keys">
      <PageHeader
        title={t('admin.keys.title')}
        subtitle={t('admin.keys.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="key-new"
          >
            {t('admin.keys.new')}
          </Button>
        }
      />
      {keys.error !== null && (
        <LoadError error={keys.error} title={t('admin.keys.loadFailed')} onRetry={keys.reload} />
      )}
      <Segmented<Shown>
        value={shown}
        onChange={setShown}
        style={{ marginBottom: 12 }}
        options={(['active', 'revoked', 'all'] as const).map((s) => ({
          value: s,
          label: t(`admin.keys.show.${s}`),
        }))}
        data-testid="key-filter"
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<ApiKey>
          rowKey="id"
          size="middle"
          loading={keys.loading}
          dataSource={rows}
          pagination={rows.length > 20 ? { pageSize: 20 } : false}
          onRow={(k) => ({ 'data-testid': `key-row-${k.id}` }) as object}
          columns={[
            { title: t('admin.keys.name'), dataIndex: 'name', render: (n: string) => <strong>{n}</strong> },
            { title: t('admin.keys.prefix'), dataIndex: 'prefix', render: (p: string) => <code>{p}…</code> },
            { title: t('admin.users.role'), dataIndex: 'role', render: (r: Role) => t(`app.role.${r}`) },
            {
              title: t('admin.users.orgUnit'),
              dataIndex: 'orgUnitId',
              render: (u: string | null) => u ?? '—',
            },
            { title: t('admin.keys.createdBy'), dataIndex: 'createdBy', render: (a: string) => actorName(a) },
            {
              title: t('admin.createdAt'),
              dataIndex: 'createdAt',
              render: (at: string) => formatDateTime(at),
            },
            {
              title: t('admin.keys.lastUsed'),
              dataIndex: 'lastUsedAt',
              render: (at: string | null) => (at ? formatDateTime(at) : t('admin.keys.never')),
            },
            {
              title: t('admin.users.status'),
              key: 'status',
              render: (_: unknown, k) =>
                k.revokedAt ? (
                  <Tag data-testid={`key-status-${k.id}`} data-value="revoked">
                    {t('admin.keys.revokedAt', { at: formatDateTime(k.revokedAt) })}
                  </Tag>
                ) : (
                  <Tag color="green" data-testid={`key-status-${k.id}`} data-value="active">
                    {t('admin.status.active')}
                  </Tag>
                ),
            },
            {
              title: '',
              key: 'actions',
              width: 60,
              render: (_: unknown, k) =>
                k.revokedAt === null && (
                  <Popconfirm
                    title={t('admin.keys.revokeConfirm', { name: k.name })}
                    description={t('admin.keys.revokeHelp')}
                    onConfirm={() => revoke(k)}
                    okButtonProps={{ danger: true, 'data-testid': 'key-revoke-ok' }}
                  >
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      title={t('admin.keys.revoke')}
                      aria-label={t('admin.keys.revoke')}
                      data-testid={`key-revoke-${k.id}`}
                    />
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      <Modal
        open={creating}
        title={t('admin.keys.new')}
        footer={null}
        destroyOnHidden
        onCancel={() => setCreating(false)}
      >
        <Form<NewKey>
          layout="vertical"
          onFinish={create}
          initialValues={{ role: 'analyst' }}
          data-testid="key-form"
        >
          {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
          <Form.Item
            name="name"
            label={t('admin.keys.name')}
            extra={t('admin.keys.nameHelp')}
            rules={[{ required: true, max: 64 }]}
          >
            <Input data-testid="key-form-name" />
          </Form.Item>
          <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
            <Select
              options={ROLES.map((r) => ({ value: r, label: t(`app.role.${r}`) }))}
              data-testid="key-form-role"
            />
          </Form.Item>
          <Form.Item name="orgUnitId" label={t('admin.users.orgUnit')} extra={t('admin.users.orgUnitHelp')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={unitOptions} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="key-form-submit">
            {t('admin.keys.create')}
          </Button>
        </Form>
      </Modal>
      <Modal
        open={created !== null}
        title={t('admin.keys.createdTitle', { name: created?.name ?? '' })}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="key-created-close">
            {t('common.close')}
          </Button>
        }
      >
        {created && (
          <ShownOnce label={t('admin.keys.createdKey')} secret={created.key} testId="key-created" />
        )}
      </Modal>
    </div>
  );
}
