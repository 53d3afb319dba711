import {
  ApiOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { App, Avatar, Button, Dropdown, Layout, Menu, Modal, Spin, Typography, type MenuProps } from 'antd';
import { lazy, Suspense, useEffect, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { authApi, type Me } from '../api/auth.ts';
import { ChangePasswordForm } from '../auth/ChangePasswordForm.tsx';
import { mayOpenArea, MeProvider } from '../auth/session.tsx';
import { DictionaryProvider } from '../dictionary/useDictionary.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ComingSoon } from '../pages/ComingSoon.tsx';
import { navigate, usePath } from '../router.ts';
import { AREA_GROUPS, areaForPath } from './areas.tsx';
import { Brand } from './Brand.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

// The pages carry ECharts; loading them lazily keeps the sign-in page light.
const PAGES: Readonly<Record<string, LazyExoticComponent<ComponentType>>> = {
  overview: lazy(() => import('../pages/overview/OverviewPage.tsx')),
  customers: lazy(() => import('../pages/customers/CustomersPage.tsx')),
  tags: lazy(() => import('../pages/tags/TagsArea.tsx')),
  segments: lazy(() => import('../pages/segments/SegmentsArea.tsx')),
  pool: lazy(() => import('../pages/pool/PoolArea.tsx')),
  analytics: lazy(() => import('../pages/analytics/AnalyticsArea.tsx')),
  campaigns: lazy(() => import('../pages/campaigns/CampaignsArea.tsx')),
  journeys: lazy(() => import('../pages/journeys/JourneysArea.tsx')),
  activities: lazy(() => import('../pages/activities/ActivitiesArea.tsx')),
  media: lazy(() => import('../pages/media/MediaPage.tsx')),
  wecom: lazy(() => import('../pages/wecom/WecomArea.tsx')),
  acquisition: lazy(() => import('../pages/acquisition/AcquisitionArea.tsx')),
  admin: lazy(() => import('../pages/admin/AdminArea.tsx')),
};

const SIDER_WIDTH = 240;

/** The signed-in frame: side navigation for every area, a header with language and account, the page. */
export function Shell({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t } = useI18n();
  const path = usePath();
  // Roles bound to a branch or a pool start on their workbench rather than a refused whole-bank page.
  const home = !mayOpenArea(me, areaForPath(path).key) ? '/pool' : null;
  useEffect(() => {
    if (home) navigate(home, true);
  }, [home]);
  const area = areaForPath(home ?? path);
  const Page = home ? undefined : PAGES[area.key];
  const [collapsed, setCollapsed] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const { message } = App.useApp();

  const items: MenuProps['items'] = AREA_GROUPS.map((group, i) => {
    const children = group.areas
      .filter((a) => mayOpenArea(me, a.key))
      .map((a) => ({
        key: a.key,
        icon: a.icon,
        label: <span data-testid={`nav-${a.key}`}>{t(a.label)}</span>,
      }));
    return group.label === null
      ? { type: 'group' as const, key: `g${i}`, children }
      : { type: 'group' as const, key: `g${i}`, label: collapsed ? null : t(group.label), children };
  });

  const signOut = async () => {
    try {
      await authApi.logout();
    } finally {
      onSignedOut();
    }
  };

  const account: MenuProps['items'] = [
    {
      key: 'role',
      disabled: true,
      label: <span>{t(`app.role.${me.role}`)}</span>,
    },
    {
      key: 'password',
      icon: <KeyOutlined />,
      label: <span data-testid="change-password">{t('password.change')}</span>,
      onClick: () => setChangingPassword(true),
    },
    { type: 'divider' },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: <span data-testid="logout">{t('app.signOut')}</span>,
      onClick: signOut,
    },
  ];

  return (
    <Layout hasSider style={{ minHeight: '100%' }}>
      <Layout.Sider width={SIDER_WIDTH} collapsed={collapsed} collapsedWidth={64} trigger={null}>
        {/* The dark column spans the whole page; the navigation inside stays in view while the page scrolls. */}
        <div style={{ position: 'sticky', top: 0, maxHeight: '100vh', overflowY: 'auto' }}>
          <div
            style={{
              height: 64,
              display: 'flex',
              alignItems: 'center',
              padding: collapsed ? '0 17px' : '0 20px',
            }}
          >
            <Brand inverse collapsed={collapsed} />
          </div>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[area.key]}
            items={items}
            onClick={({ key }) => {
              const target = AREA_GROUPS.flatMap((g) => g.areas).find((a) => a.key === key);
              if (target) navigate(target.path);
            }}
            data-testid="side-nav"
            style={{ borderInlineEnd: 0, paddingBottom: 24 }}
          />
        </div>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={styles.header}>
          <div style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0 }}>
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => setCollapsed(!collapsed)}
              aria-label="toggle navigation"
            />
            <Typography.Text strong style={{ fontSize: 16 }} data-testid="page-area">
              {t(area.label)}
            </Typography.Text>
          </div>
          <div style={{ display: 'flex', alignItems: 'center', gap: 20 }}>
            <Button
              type="link"
              href="/docs"
              target="_blank"
              icon={<ApiOutlined />}
              style={{ paddingInline: 0 }}
            >
              {t('app.apiDocs')}
            </Button>
            <LanguageSwitch />
            <Dropdown menu={{ items: account }} placement="bottomRight" trigger={['click']}>
              <Button
                type="text"
                data-testid="account"
                style={{ display: 'flex', alignItems: 'center', gap: 8 }}
              >
                <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1677ff' }} />
                <span data-testid="account-name">{me.actor.replace(/^user:/, '')}</span>
              </Button>
            </Dropdown>
          </div>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          {home ? null : area.coming || !Page ? (
            <ComingSoon area={area} />
          ) : (
            <MeProvider me={me}>
              <DictionaryProvider>
                <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '120px auto' }} />}>
                  <Page />
                </Suspense>
              </DictionaryProvider>
            </MeProvider>
          )}
        </Layout.Content>
      </Layout>
      <Modal
        open={changingPassword}
        title={t('password.change')}
        footer={null}
        destroyOnHidden
        onCancel={() => setChangingPassword(false)}
      >
        <ChangePasswordForm
          onChanged={() => {
            setChangingPassword(false);
            message.success(t('password.changed'));
          }}
        />
      </Modal>
    </Layout>
  );
}

const styles = {
  header: {
    position: 'sticky',
    top: 0,
    zIndex: 5,
    height: 56,
    lineHeight: '56px',
    padding: '0 24px 0 12px',
    background: '#fff',
    borderBottom: '1px solid #eef0f3',
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: 16,
  },
} as const;
