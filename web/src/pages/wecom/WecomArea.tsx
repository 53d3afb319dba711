import { Tabs } from 'antd';
import { can, useMe } from '../../auth/session.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../router.ts';
import { WecomCoveragePage } from './WecomCoveragePage.tsx';
import { WecomHandovers } from './WecomHandovers.tsx';
import { UnmatchedFriends } from './UnmatchedFriends.tsx';

/**
 * The WeCom area: /wecom (coverage per account manager), /wecom/unmatched (friends not linked to a customer, linked
 * by hand), /wecom/handovers (handover jobs with their WeCom transfers; offered to those who run handovers).
 */
export default function WecomArea() {
  const { t } = useI18n();
  const me = useMe();
  const [first] = subPath(usePath(), '/wecom');
  const handovers = can(me, 'handover.run');
  const tabs = [
    { key: 'coverage', label: t('wecom.tab.coverage') },
    { key: 'unmatched', label: t('wecom.tab.unmatched') },
    ...(handovers ? [{ key: 'handovers', label: t('wecom.tab.handovers') }] : []),
  ];
  const active = tabs.some((tab) => tab.key === first) ? (first as string) : 'coverage';
  const body =
    active === 'unmatched' ? (
      <UnmatchedFriends />
    ) : active === 'handovers' ? (
      <WecomHandovers />
    ) : (
      <WecomCoveragePage />
    );

  return (
    <div data-testid="wecom">
      <PageHeader title={t('wecom.title')} subtitle={t('wecom.subtitle')} />
      <Tabs
        activeKey={active}
        items={tabs.map((tab) => ({
          key: tab.key,
          label: <span data-testid={`wecom-tab-${tab.key}`}>{tab.label}</span>,
        }))}
        onChange={(key) => navigate(key === 'coverage' ? '/wecom' : `/wecom/${key}`)}
        style={{ marginTop: -12, marginBottom: 4 }}
      />
      {body}
    </div>
  );
}
