import { Tabs } from 'antd';
import type { ReactElement } from 'react';
import { can, useMe } from '../../auth/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/en-US.ts';
import { navigate, subPath, usePath } from '../../router.ts';
import { ApiKeysTab } from './ApiKeysTab.tsx';
import { AuditTab } from './AuditTab.tsx';
import { DictionaryTab } from './DictionaryTab.tsx';
import { UsersTab } from './UsersTab.tsx';

const TABS: readonly { key: string; label: MessageKey; permission: string; page: () => ReactElement }[] = [
  { key: 'users', label: 'admin.tab.users', permission: 'users.manage', page: UsersTab },
  { key: 'api-keys', label: 'admin.tab.apiKeys', permission: 'apikeys.manage', page: ApiKeysTab },
  { key: 'audit', label: 'admin.tab.audit', permission: 'audit.read', page: AuditTab },
  { key: 'dictionary', label: 'admin.tab.dictionary', permission: 'dictionary.write', page: DictionaryTab },
];

/** /admin/<users|api-keys|audit|dictionary>: the tabs the principal's permissions open (the server decides anyway). */
export default function AdminArea() {
  const { t } = useI18n();
  const me = useMe();
  const [first] = subPath(usePath(), '/admin');
  const open = TABS.filter((tab) => can(me, tab.permission));
  const active = open.find((tab) => tab.key === first) ?? open[0];
  if (!active) return null;
  const Page = active.page;
  return (
    <div data-testid="admin">
      <Tabs
        activeKey={active.key}
        items={open.map((tab) => ({
          key: tab.key,
          label: <span data-testid={`admin-tab-${tab.key}`}>{t(tab.label)}</span>,
        }))}
        onChange={(key) => navigate(`/admin/${key}`)}
        style={{ marginTop: -12, marginBottom: 4 }}
      />
      <Page />
    </div>
  );
}
