import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Select, Space } from 'antd';
import { useState } from 'react';
import { poolApi } from '../../../api/pool.ts';
import { useMe } from '../../../auth/session.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate, useSearchParams } from '../../../router.ts';
import { KpiCards } from './KpiCards.tsx';
import { MyActivitiesCard } from './MyActivitiesCard.tsx';
import { MyDayCard } from './MyDayCard.tsx';
import { MyPoolTable } from './MyPoolTable.tsx';

/**
 * The account manager's workbench: pool KPIs, what is due today, and the pool itself. Branch heads, analysts and
 * admins own no pool: they pick the manager to look at (`?staff=`); without one they see the KPIs of their whole
 * scope, labelled as such, and no "my pool" (which would be empty beside the scope's figures).
 */
export function WorkbenchPage() {
  const { t } = useI18n();
  const me = useMe();
  const params = useSearchParams();
  const picks = me.role !== 'account_manager';
  const picked = picks ? (params.get('staff') ?? undefined) : undefined;
  // The staff id the lists are for: an account manager's own, else the chosen manager.
  const staffId = picks ? picked : me.staffId || undefined;
  const [tick, setTick] = useState(0);

  const managers = useLoad(
    (signal) => (picks ? poolApi.staff({ role: 'account_manager' }, signal) : Promise.resolve([])),
    [picks],
  );

  const pick = (id: string | undefined) => navigate(id ? `/pool?staff=${encodeURIComponent(id)}` : '/pool');

  return (
    <div data-testid="workbench" data-staff={staffId ?? ''}>
      <PageHeader
        title={t('pool.workbench.title')}
        subtitle={t('pool.workbench.subtitle')}
        extra={
          <Space>
            {picks && (
              <Select
                showSearch
                allowClear
                style={{ width: 260 }}
                placeholder={t('pool.workbench.pickManager')}
                value={picked}
                onChange={(v: string | undefined) => pick(v)}
                loading={managers.loading}
                optionFilterProp="label"
                options={(managers.data ?? []).map((s) => ({
                  value: s.id,
                  label: `${s.name} (${s.id})${s.status === 'departed' ? ` · ${t('staff.status.departed')}` : ''}`,
                }))}
                data-testid="workbench-manager"
              />
            )}
            <Button icon={<ReloadOutlined />} onClick={() => setTick((n) => n + 1)}>
              {t('overview.refresh')}
            </Button>
          </Space>
        }
      />
      <KpiCards
        staffId={picked}
        staffName={(managers.data ?? []).find((s) => s.id === picked)?.name}
        tick={tick}
      />
      {staffId ? (
        <>
          <MyDayCard staffId={staffId} tick={tick} />
          {!picks && <MyActivitiesCard tick={tick} />}
          <MyPoolTable staffId={picked} tick={tick} />
        </>
      ) : (
        <Card style={{ marginTop: 16 }}>
          <Empty description={t('pool.workbench.pickHint')} data-testid="workbench-pick-hint" />
        </Card>
      )}
    </div>
  );
}
