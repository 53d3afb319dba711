import { Tabs } from 'antd';
import { can, useMe } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../router.ts';
import { AssignmentPage } from './assignment/AssignmentPage.tsx';
import { CoveragePage } from './coverage/CoveragePage.tsx';
import { HandoverList } from './handover/HandoverList.tsx';
import { HandoverProgress } from './handover/HandoverProgress.tsx';
import { HandoverSheet } from './handover/HandoverSheet.tsx';
import { HandoverWizard } from './handover/HandoverWizard.tsx';
import { StaffPage } from './staff/StaffPage.tsx';
import { WorkbenchPage } from './workbench/WorkbenchPage.tsx';

/**
 * The customer pool: /pool (workbench), /pool/handovers[/new|/:id|/:id/sheet], /pool/staff (org and staff), /pool/assignment
 * (unassigned queue, assignment rules), /pool/coverage (interaction coverage and log). Tabs the role cannot use
 * are not offered; the server decides anyway.
 */
export default function PoolArea() {
  const { t } = useI18n();
  const me = useMe();
  const [first, second, third] = subPath(usePath(), '/pool');
  const handovers = can(me, 'handover.run');
  const staff = can(me, 'pool.manage', 'pool.assign');
  const assignment = can(me, 'pool.assign');
  const tabs = [
    { key: 'workbench', label: t('pool.tab.workbench') },
    ...(handovers ? [{ key: 'handovers', label: t('pool.tab.handovers') }] : []),
    ...(staff ? [{ key: 'staff', label: t('pool.tab.staff') }] : []),
    ...(assignment ? [{ key: 'assignment', label: t('pool.tab.assignment') }] : []),
    { key: 'coverage', label: t('pool.tab.coverage') },
  ];
  const active = first ?? 'workbench';

  const body = (() => {
    if (first === 'handovers' && handovers) {
      if (second === 'new') return <HandoverWizard />;
      if (second !== undefined && /^\d+$/.test(second))
        return third === 'sheet' ? (
          <HandoverSheet id={Number(second)} />
        ) : (
          <HandoverProgress id={Number(second)} />
        );
      return <HandoverList />;
    }
    if (first === 'staff' && staff) return <StaffPage />;
    if (first === 'assignment' && assignment) return <AssignmentPage />;
    if (first === 'coverage') return <CoveragePage />;
    return <WorkbenchPage />;
  })();

  return (
    <div data-testid="pool">
      <Tabs
        activeKey={active}
        items={tabs.map((tab) => ({
          key: tab.key,
          label: <span data-testid={`pool-tab-${tab.key}`}>{tab.label}</span>,
        }))}
        onChange={(key) => navigate(key === 'workbench' ? '/pool' : `/pool/${key}`)}
        style={{ marginTop: -12, marginBottom: 4 }}
      />
      {body}
    </div>
  );
}
