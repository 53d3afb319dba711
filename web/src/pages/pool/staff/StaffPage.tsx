import { EditOutlined, PlusOutlined, SwapOutlined, UserDeleteOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Modal, Popconfirm, Row, Space, Table, Tag, Tree } from 'antd';
import { useMemo, useState } from 'react';
import { errorText } from '../../../api/client.ts';
import { flattenUnits, poolApi, type OrgNode, type StaffMember } from '../../../api/pool.ts';
import { can, useMe } from '../../../auth/session.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { label, today } from '../labels.ts';
import { StaffForm } from './StaffForm.tsx';
import { IconAction } from '../../../components/IconAction.tsx';

function subtreeIds(node: OrgNode): string[] {
  return [node.id, ...node.children.flatMap(subtreeIds)];
}
interface TreeNode {
  key: string;
  title: string;
  children: TreeNode[];
}
const treeData = (units: readonly OrgNode[]): TreeNode[] =>
  units.map((u) => ({ key: u.id, title: `${u.name} (${u.id})`, children: treeData(u.children) }));

/** The organisation and its staff: role, status, capacity, pool size; create, edit, mark departed (admins). */
export function StaffPage() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message, modal } = App.useApp();
  const manage = can(me, 'pool.manage');
  const handover = can(me, 'handover.run');
  const units = useLoad((signal) => poolApi.orgUnits(signal), []);
  const staff = useLoad((signal) => poolApi.staff({}, signal), []);
  const [unit, setUnit] = useState<string | null>(null);
  const [editing, setEditing] = useState<StaffMember | 'new' | null>(null);

  const flat = useMemo(() => flattenUnits(units.data ?? []), [units.data]);
  const unitName = useMemo(() => new Map(flat.map(({ unit: u }) => [u.id, u.name])), [flat]);
  const shown = useMemo(() => {
    const node = flat.find((f) => f.unit.id === unit)?.unit;
    const ids = node ? new Set(subtreeIds(node)) : null;
    return (staff.data ?? []).filter((s) => !ids || ids.has(s.orgUnitId));
  }, [staff.data, flat, unit]);

  const depart = async (s: StaffMember) => {
    try {
      await poolApi.updateStaff(s.id, { status: 'departed', departedOn: today(me.timeZone) });
      staff.reload();
      if (s.poolSize > 0 && handover)
        modal.confirm({
          title: t('staff.departedTitle', { name: s.name }),
          content: t('staff.departedHandover', { n: formatInteger(s.poolSize, lang) }),
          okText: t('staff.handOver'),
          cancelText: t('common.close'),
          okButtonProps: { 'data-testid': 'staff-handover-now' },
          onOk: () => navigate(`/pool/handovers/new?from=${encodeURIComponent(s.id)}`),
        });
      else message.success(t('staff.departedTitle', { name: s.name }));
    } catch (e) {
      message.error(errorText(e));
    }
  };

  return (
    <div data-testid="staff-page">
      <PageHeader
        title={t('staff.title')}
        subtitle={t('staff.subtitle')}
        extra={
          manage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="staff-new"
            >
              {t('staff.new')}
            </Button>
          )
        }
      />
      {units.error !== null && (
        <LoadError error={units.error} title={t('staff.loadFailed')} onRetry={units.reload} />
      )}
      {staff.error !== null && (
        <LoadError error={staff.error} title={t('staff.loadFailed')} onRetry={staff.reload} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={6}>
          <Card
            size="small"
            title={t('staff.org')}
            loading={!units.data && units.loading}
            data-testid="org-tree"
          >
            {units.data && (
              <Tree
                defaultExpandAll
                blockNode
                selectedKeys={unit ? [unit] : []}
                onSelect={(keys) => setUnit((keys[0] as string | undefined) ?? null)}
                treeData={treeData(units.data)}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={18}>
          <Card styles={{ body: { padding: 0 } }}>
            <Table<StaffMember>
              rowKey="id"
              size="middle"
              loading={staff.loading}
              dataSource={shown}
              pagination={shown.length > 20 ? { pageSize: 20 } : false}
              onRow={(s) => ({ 'data-testid': `staff-row-${s.id}` }) as object}
              columns={[
                { title: t('staff.id'), dataIndex: 'id', width: 110 },
                { title: t('staff.name'), dataIndex: 'name' },
                {
                  title: t('staff.unit'),
                  dataIndex: 'orgUnitId',
                  render: (id: string) => unitName.get(id) ?? id,
                },
                {
                  title: t('staff.role'),
                  dataIndex: 'role',
                  render: (r: string) => label(t, 'staff.role', r),
                },
                {
                  title: t('staff.status'),
                  dataIndex: 'status',
                  render: (s: string) => (
                    <Tag color={s === 'active' ? 'green' : 'default'}>{label(t, 'staff.status', s)}</Tag>
                  ),
                },
                {
                  title: t('staff.pool'),
                  key: 'pool',
                  align: 'right',
                  sorter: (a, b) => a.poolSize - b.poolSize,
                  render: (_: unknown, s) => (
                    <span data-testid={`staff-pool-${s.id}`} data-value={String(s.poolSize)}>
                      {formatInteger(s.poolSize, lang)} / {formatInteger(s.poolCapacity, lang)}
                    </span>
                  ),
                },
                { title: t('staff.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
                {
                  title: '',
                  key: 'actions',
                  width: 130,
                  render: (_: unknown, s) => (
                    <Space size={0}>
                      {s.role === 'account_manager' && (
                        <IconAction
                          title={t('staff.viewPool')}
                          icon={<SwapOutlined />}
                          onClick={() => navigate(`/pool?staff=${encodeURIComponent(s.id)}`)}
                        />
                      )}
                      {manage && (
                        <IconAction
                          title={t('staff.edit')}
                          icon={<EditOutlined />}
                          onClick={() => setEditing(s)}
                        />
                      )}
                      {manage && s.status === 'active' && (
                        <Popconfirm
                          title={t('staff.departConfirm', { name: s.name })}
                          onConfirm={() => depart(s)}
                          okButtonProps={{ 'data-testid': 'staff-depart-ok' }}
                        >
                          {/* No tooltip here: it would cover the confirmation's buttons. */}
                          <Button
                            type="text"
                            danger
                            icon={<UserDeleteOutlined />}
                            title={t('staff.depart')}
                            aria-label={t('staff.depart')}
                            data-testid={`staff-depart-${s.id}`}
                          />
                        </Popconfirm>
                      )}
                      {handover && s.status === 'departed' && s.poolSize > 0 && (
                        <Button
                          size="small"
                          onClick={() => navigate(`/pool/handovers/new?from=${encodeURIComponent(s.id)}`)}
                          data-testid={`staff-handover-${s.id}`}
                        >
                          {t('staff.handOver')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('staff.new') : t('staff.edit')}
        footer={null}
        destroyOnHidden
        onCancel={() => setEditing(null)}
      >
        {editing !== null && (
          <StaffForm
            member={editing === 'new' ? null : editing}
            units={flat}
            onSaved={() => {
              setEditing(null);
              staff.reload();
              message.success(t('staff.saved'));
            }}
          />
        )}
      </Modal>
    </div>
  );
}
