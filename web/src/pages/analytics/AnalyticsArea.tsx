import { Tabs } from 'antd';
import type { ReactElement } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { navigate, subPath, usePath } from '../../router.ts';
import { DashboardsPage } from '../reports/DashboardsPage.tsx';
import { ConcentrationPage } from './concentration/ConcentrationPage.tsx';
import { DriversPage } from './drivers/DriversPage.tsx';
import { ExperimentsPage } from './experiments/ExperimentsPage.tsx';
import { FunnelPage } from './funnels/FunnelPage.tsx';
import { LifecyclePage } from './lifecycle/LifecyclePage.tsx';
import { RetentionPage } from './retention/RetentionPage.tsx';
import { ScenesPage } from './scenes/ScenesPage.tsx';

const TABS: readonly { key: string; label: MessageKey; page: () => ReactElement }[] = [
  { key: 'funnels', label: 'analytics.tab.funnels', page: FunnelPage },
  { key: 'lifecycle', label: 'analytics.tab.lifecycle', page: LifecyclePage },
  { key: 'retention', label: 'analytics.tab.retention', page: RetentionPage },
  { key: 'drivers', label: 'analytics.tab.drivers', page: DriversPage },
  { key: 'experiments', label: 'analytics.tab.experiments', page: ExperimentsPage },
  { key: 'concentration', label: 'analytics.tab.concentration', page: ConcentrationPage },
  { key: 'scenes', label: 'analytics.tab.scenes', page: ScenesPage },
  { key: 'dashboards', label: 'analytics.tab.dashboards', page: DashboardsPage },
];

/** /analytics/<funnels|lifecycle|retention|drivers|experiments|concentration|scenes|dashboards>[/…]: one tab each. */
export default function AnalyticsArea() {
  const { t } = useI18n();
  const [first] = subPath(usePath(), '/analytics');
  const active = TABS.find((tab) => tab.key === first) ?? (TABS[0] as (typeof TABS)[number]);
  const Page = active.page;
  return (
    <div data-testid="analytics">
      <Tabs
        activeKey={active.key}
        items={TABS.map((tab) => ({
          key: tab.key,
          label: <span data-testid={`analytics-tab-${tab.key}`}>{t(tab.label)}</span>,
        }))}
        onChange={(key) => navigate(`/analytics/${key}`)}
        style={{ marginTop: -12, marginBottom: 4 }}
      />
      <Page />
    </div>
  );
}
