import { EditOutlined, PlusOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { errorText } from '../../api/client.ts';
import { flattenUnits, poolApi } from '../../api/pool.ts';
import { useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { adminApi, ROLES, type Role, type UserAccount, type UserCreated } from './api.ts';
import { refusalText, ShownOnce } from './ShownOnce.tsx';
import { UserCreateForm, UserEditForm, type ScopeChoices } from './UserForms.tsx';
import { IconAction } from '../../components/IconAction.tsx';

const PAGE_SIZE = 20;

/** Users: find, create (a generated password shown once), change role, scope and grants, disable and enable. */
export function UsersTab() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [status, setStatus] = useState<'active' | 'disabled' | undefined>();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<UserAccount | 'new' | null>(null);
  const [created, setCreated] = useState<UserCreated | null>(null);
  const users = useLoad(
    (signal) =>
      adminApi.users(
        { ...(q ? { q } : {}), role, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
        signal,
      ),
    [q, role, status, page],
  );
  // Scope pickers: the org tree and staff (a failure here leaves the pickers empty, the list still works).
  const units = useLoad((signal) => poolApi.orgUnits(signal).catch(() => []), []);
  const staff = useLoad((signal) => poolApi.staff({}, signal).catch(() => []), []);
  const choices: ScopeChoices = useMemo(
    () => ({ units: flattenUnits(units.data ?? []), staff: staff.data ?? [] }),
    [units.data, staff.data],
  );

  const setUserStatus = async (u: UserAccount, next: 'active' | 'disabled') => {
    try {
      await adminApi.updateUser(u.id, { status: next });
      message.success(
        t(next === 'disabled' ? 'admin.users.disabled' : 'admin.users.enabled', { name: u.username }),
      );
      users.reload();
    } catch (e) {
      message.error(refusalText(e, t, errorText));
    }
  };

  return (
    <div data-testid="admin-users">
      <PageHeader
        title={t('admin.users.title')}
        subtitle={t('admin.users.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="user-new"
          >
            {t('admin.users.new')}
          </Button>
        }
      />
      {users.error !== null && (
        <LoadError error={users.error} title={t('admin.users.loadFailed')} onRetry={users.reload} />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          placeholder={t('admin.users.search')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          style={{ width: 240 }}
          data-testid="user-search"
        />
        <Select<Role>
          allowClear
          placeholder={t('admin.users.role')}
          value={role}
          onChange={(v) => {
            setRole(v);
            setPage(1);
          }}
          options={ROLES.map((r) => ({ value: r, label: t(`app.role.${r}`) }))}
          style={{ width: 180 }}
        />
        <Select<'active' | 'disabled'>
          allowClear
          placeholder={t('admin.users.status')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={(['active', 'disabled'] as const).map((s) => ({
            value: s,
            label: t(`admin.status.${s}`),
          }))}
          style={{ width: 140 }}
        />
      </Space>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<UserAccount>
          rowKey="id"
          size="middle"
          loading={users.loading}
          dataSource={users.data?.items ?? []}
          onRow={(u) => ({ 'data-testid': `user-row-${u.username}` }) as object}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: users.data?.total ?? 0,
            onChange: setPage,
            showTotal: (n) => t('admin.total', { n: formatInteger(n, lang) }),
          }}
          columns={[
            {
              title: t('login.username'),
              key: 'username',
              render: (_: unknown, u) => (
                <span>
                  <strong>{u.username}</strong>
                  {u.displayName && <span style={{ color: 'rgba(0,0,0,0.45)' }}> · {u.displayName}</span>}
                </span>
              ),
            },
            {
              title: t('admin.users.role'),
              dataIndex: 'role',
              render: (r: Role, u) => (
                <span data-testid={`user-role-${u.username}`}>{t(`app.role.${r}`)}</span>
              ),
            },
            {
              title: t('admin.users.scope'),
              key: 'scope',
              render: (_: unknown, u) => [u.orgUnitId, u.staffId].filter(Boolean).join(' · ') || '—',
            },
            {
              title: t('admin.users.status'),
              dataIndex: 'status',
              render: (s: 'active' | 'disabled', u) => (
                <Space size={4} data-testid={`user-status-${u.username}`} data-value={s}>
                  <Tag color={s === 'active' ? 'green' : 'default'}>{t(`admin.status.${s}`)}</Tag>
                  {u.mustChangePassword && <Tag color="orange">{t('admin.users.mustChange')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('admin.users.grants'),
              dataIndex: 'grants',
              render: (grants: UserAccount['grants']) =>
                grants.length === 0
                  ? '—'
                  : grants.map((g) => <Tag key={g}>{t(`admin.permission.${g}`)}</Tag>),
            },
            {
              title: t('admin.createdAt'),
              dataIndex: 'createdAt',
              render: (at: string) => formatDateTime(at),
            },
            {
              title: '',
              key: 'actions',
              width: 100,
              render: (_: unknown, u) => (
                <Space size={0}>
                  <IconAction
                    title={t('admin.users.edit')}
                    icon={<EditOutlined />}
                    onClick={() => setEditing(u)}
                    testId={`user-edit-${u.username}`}
                  />
                  {u.status === 'active' ? (
                    <Popconfirm
                      title={t('admin.users.disableConfirm', { name: u.username })}
                      description={
                        me.actor === `user:${u.username}`
                          ? t('admin.users.disableSelf')
                          : t('admin.users.disableHelp')
                      }
                      onConfirm={() => setUserStatus(u, 'disabled')}
                      okButtonProps={{ danger: true, 'data-testid': 'user-disable-ok' }}
                    >
                      <Button
                        type="text"
                        danger
                        icon={<StopOutlined />}
                        title={t('admin.users.disable')}
                        aria-label={t('admin.users.disable')}
                        data-testid={`user-disable-${u.username}`}
                      />
                    </Popconfirm>
                  ) : (
                    <IconAction
                      title={t('admin.users.enable')}
                      icon={<UndoOutlined />}
                      onClick={() => setUserStatus(u, 'active')}
                      testId={`user-enable-${u.username}`}
                    />
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={
          editing === 'new'
            ? t('admin.users.new')
            : t('admin.users.editTitle', { name: editing?.username ?? '' })
        }
        footer={null}
        destroyOnHidden
        onCancel={() => setEditing(null)}
      >
        {editing === 'new' && (
          <UserCreateForm
            choices={choices}
            onCreated={(c, generated) => {
              setEditing(null);
              if (generated) setCreated(c);
              else message.success(t('admin.users.saved', { name: c.username }));
              users.reload();
            }}
          />
        )}
        {editing !== null && editing !== 'new' && (
          <UserEditForm
            user={editing}
            grantable={users.data?.grantable ?? []}
            choices={choices}
            onSaved={(u) => {
              setEditing(null);
              message.success(t('admin.users.saved', { name: u.username }));
              users.reload();
            }}
          />
        )}
      </Modal>
      <Modal
        open={created !== null}
        title={t('admin.users.createdTitle', { name: created?.username ?? '' })}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="user-created-close">
            {t('common.close')}
          </Button>
        }
      >
        {created && (
          <ShownOnce
            label={t('admin.users.createdPassword')}
            secret={created.password}
            testId="user-created-password"
          />
        )}
      </Modal>
    </div>
  );
}
