import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../../../api/client.ts';
import { poolApi, type AssignmentRule } from '../../../api/pool.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label, TIER_TAG_COLORS } from '../labels.ts';
import type { Directory } from './directory.ts';
import { RuleForm } from './RuleForm.tsx';
import { IconAction } from '../../../components/IconAction.tsx';

/** The assignment rules in scope: unit, tier, managers in turn and who is next; create, replace, delete. */
export function RulesCard({ directory }: { directory: Directory }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const rules = useLoad((signal) => poolApi.rules(signal), []);
  const [editing, setEditing] = useState<AssignmentRule | 'new' | null>(null);
  const tierText = (tier: string | null) => (tier ? label(t, 'tier', tier) : t('pool.assign.rule.anyTier'));
  const departed = new Set(directory.staff.filter((s) => s.status !== 'active').map((s) => s.id));

  const remove = async (rule: AssignmentRule) => {
    try {
      await poolApi.deleteRule(rule.id);
      message.success(t('pool.assign.rule.deleted'));
    } catch (e) {
      message.error(errorText(e));
    }
    rules.reload();
  };

  return (
    <Card
      title={t('pool.assign.rules')}
      styles={{ body: { padding: 0 } }}
      data-testid="assign-rules"
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="rule-new">
          {t('pool.assign.rule.new')}
        </Button>
      }
    >
      <div style={{ padding: '12px 16px 0' }}>
        <Typography.Paragraph type="secondary">{t('pool.assign.rulesHelp')}</Typography.Paragraph>
        {rules.error !== null && (
          <LoadError error={rules.error} title={t('pool.assign.rulesFailed')} onRetry={rules.reload} />
        )}
      </div>
      <Table<AssignmentRule>
        rowKey="id"
        size="middle"
        loading={rules.loading}
        dataSource={[...(rules.data ?? [])]}
        pagination={false}
        locale={{ emptyText: t('pool.assign.rulesEmpty') }}
        onRow={(r) => ({ 'data-testid': `rule-row-${r.id}` }) as object}
        columns={[
          { title: '#', dataIndex: 'id', width: 60 },
          {
            title: t('pool.assign.rule.unit'),
            dataIndex: 'orgUnitId',
            render: (id: string) => directory.unitLabel(id),
          },
          {
            title: t('pool.assign.rule.tier'),
            dataIndex: 'tier',
            render: (tier: string | null) => (
              <Tag color={tier ? (TIER_TAG_COLORS[tier] ?? 'default') : 'default'}>{tierText(tier)}</Tag>
            ),
          },
          {
            title: t('pool.assign.rule.managers'),
            dataIndex: 'managerIds',
            render: (ids: readonly string[]) => (
              <Space size={[0, 4]} wrap>
                {ids.map((id) => (
                  <Tag key={id} color={departed.has(id) ? 'default' : 'blue'}>
                    {directory.staffLabel(id)}
                    {departed.has(id) ? ` · ${t('pool.assign.rule.departed')}` : ''}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('pool.assign.rule.next'),
            key: 'next',
            render: (_: unknown, r) => directory.staffLabel(r.managerIds[r.nextIndex] ?? r.managerIds[0]),
          },
          {
            title: '',
            key: 'actions',
            width: 100,
            render: (_: unknown, r) => (
              <Space size={0}>
                <IconAction
                  title={t('pool.assign.rule.edit')}
                  icon={<EditOutlined />}
                  onClick={() => setEditing(r)}
                  testId={`rule-edit-${r.id}`}
                />
                <Popconfirm
                  title={t('pool.assign.rule.deleteConfirm', {
                    unit: directory.unitLabel(r.orgUnitId),
                    tier: tierText(r.tier),
                  })}
                  onConfirm={() => remove(r)}
                  okButtonProps={{ danger: true, 'data-testid': 'rule-delete-ok' }}
                >
                  {/* No tooltip here: it would cover the confirmation's buttons. */}
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    title={t('pool.assign.rule.delete')}
                    aria-label={t('pool.assign.rule.delete')}
                    data-testid={`rule-delete-${r.id}`}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('pool.assign.rule.new') : t('pool.assign.rule.edit')}
        footer={null}
        destroyOnHidden
        onCancel={() => setEditing(null)}
      >
        {editing !== null && (
          <RuleForm
            rule={editing === 'new' ? null : editing}
            directory={directory}
            onSaved={() => {
              setEditing(null);
              rules.reload();
              message.success(t('pool.assign.rule.saved'));
            }}
          />
        )}
      </Modal>
    </Card>
  );
}
