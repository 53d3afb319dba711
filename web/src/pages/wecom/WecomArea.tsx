import { Tabs } from 'antd';
import { can, seesWholeBank, useMe } from '../../auth/session.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../router.ts';
import { WecomCoveragePage } from './WecomCoveragePage.tsx';
import { WecomHandovers } from './WecomHandovers.tsx';
import { UnmatchedFriends } from './UnmatchedFriends.tsx';
import { WecomGroupMessages } from './WecomGroupMessages.tsx';
import { WecomTags } from './WecomTags.tsx';

/**
 * The WeCom area: /wecom (coverage per account manager), /wecom/unmatched (friends not linked to a customer, linked
 * by hand), /wecom/messages (group messages campaigns sent, awaiting confirmation first), /wecom/handovers (handover
 * jobs with their WeCom transfers; offered to those who run handovers), /wecom/tags (tags published to WeCom and the
 * tag sync; head office).
 */
export default function WecomArea() {
  const { t } = useI18n();
  const me = useMe();
  const [first] = subPath(usePath(), '/wecom');
  const handovers = can(me, 'handover.run');
  // Tags reach every manager's friends: the whole bank's, so head office's (the API answers 403 to others).
  const headOffice = can(me, 'pool.manage') && seesWholeBank(me);
  const tabs = [
    { key: 'coverage', label: t('wecom.tab.coverage') },
    { key: 'unmatched', label: t('wecom.tab.unmatched') },
    { key: 'messages', label: t('wecom.tab.messages') },
    ...(handovers ? [{ key: 'handovers', label: t('wecom.tab.handovers') }] : []),
    ...(headOffice ? [{ key: 'tags', label: t('wecom.tab.tags') }] : []),
  ];
  const active = tabs.some((tab) => tab.key === first) ? (first as string) : 'coverage';
  const body =
    active === 'unmatched' ? (
      <UnmatchedFriends />
    ) : active === 'messages' ? (
      <WecomGroupMessages />
    ) : active === 'tags' ? (
      <WecomTags />
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
