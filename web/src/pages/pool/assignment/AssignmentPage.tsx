import { ThunderboltOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Space } from 'antd';
import { useMemo, useState } from 'react';
import { flattenUnits, poolApi, type AssignResponse } from '../../../api/pool.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AssignResults } from './AssignResults.tsx';
import type { Directory } from './directory.ts';
import { QueueTable } from './QueueTable.tsx';
import { RulesCard } from './RulesCard.tsx';

/**
 * Assignment (`pool.assign`: admins, branch heads): the unassigned queue assigned by hand, assignment by the rules,
 * and the rules themselves. Every action shows the server's verdict per customer, then reloads the queue.
 */
export function AssignmentPage() {
  const { t } = useI18n();
  const units = useLoad((signal) => poolApi.orgUnits(signal), []);
  const staff = useLoad((signal) => poolApi.staff({ role: 'account_manager' }, signal), []);
  const [outcome, setOutcome] = useState<{ kind: 'manual' | 'rules'; response: AssignResponse } | null>(null);
  const [queueTick, setQueueTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const directory = useMemo<Directory>(() => {
    const flat = flattenUnits(units.data ?? []);
    const members = staff.data ?? [];
    const unitName = new Map(flat.map(({ unit }) => [unit.id, unit.name]));
    const staffById = new Map(members.map((s) => [s.id, s]));
    return {
      units: flat,
      unitLabel: (id) => (id === null ? '—' : unitName.has(id) ? `${unitName.get(id)} (${id})` : id),
      staffLabel: (id) => {
        if (id === null || id === undefined) return '—';
        const s = staffById.get(id);
        return s ? `${s.name} (${id})` : id;
      },
      staff: members,
      managers: members.filter((s) => s.status === 'active'),
    };
  }, [units.data, staff.data]);

  const done = (kind: 'manual' | 'rules', response: AssignResponse) => {
    setOutcome({ kind, response });
    setQueueTick((n) => n + 1);
    staff.reload(); // pool sizes changed
  };

  const byRules = async () => {
    setBusy(true);
    setFailure(null);
    try {
      done('rules', await poolApi.assignByRules());
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="assignment-page">
      <PageHeader
        title={t('pool.assign.title')}
        subtitle={t('pool.assign.subtitle')}
        extra={
          <Popconfirm
            title={t('pool.assign.byRulesConfirm')}
            onConfirm={byRules}
            okButtonProps={{ 'data-testid': 'assign-by-rules-ok' }}
          >
            <Button icon={<ThunderboltOutlined />} loading={busy} data-testid="assign-by-rules">
              {t('pool.assign.byRules')}
            </Button>
          </Popconfirm>
        }
      />
      {units.error !== null && (
        <LoadError error={units.error} title={t('pool.assign.unitsFailed')} onRetry={units.reload} />
      )}
      {staff.error !== null && (
        <LoadError error={staff.error} title={t('pool.assign.staffFailed')} onRetry={staff.reload} />
      )}
      {failure !== null && <LoadError error={failure} title={t('pool.assign.failed')} onRetry={byRules} />}
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {outcome && (
          <AssignResults
            kind={outcome.kind}
            response={outcome.response}
            directory={directory}
            onClose={() => setOutcome(null)}
          />
        )}
        <QueueTable directory={directory} tick={queueTick} onAssigned={(r) => done('manual', r)} />
        <RulesCard directory={directory} />
      </Space>
    </div>
  );
}
