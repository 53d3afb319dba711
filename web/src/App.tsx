import { App as AntApp, Button, ConfigProvider, Result, Spin, theme } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, UNAUTHENTICATED_EVENT } from './api/client.ts';
import { authApi, type Me } from './api/auth.ts';
import { ChangePasswordPage } from './auth/ChangePasswordPage.tsx';
import { LoginPage } from './auth/LoginPage.tsx';
import { antdLocale } from './i18n/antd-locale.ts';
import { I18nProvider, useI18n } from './i18n/i18n.tsx';
import { Shell } from './layout/Shell.tsx';

type Session =
  | { state: 'checking' }
  | { state: 'anonymous' }
  | { state: 'signed-in'; me: Me }
  | { state: 'error'; message: string };

/** Decides between the sign-in page and the dashboard from GET /v1/auth/me. */
function Root() {
  const { t, lang } = useI18n();
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const check = useCallback(() => {
    setSession({ state: 'checking' });
    authApi
      .me()
      .then((me) => setSession({ state: 'signed-in', me }))
      .catch((e: unknown) =>
        setSession(
          e instanceof ApiError && e.status === 401
            ? { state: 'anonymous' }
            : { state: 'error', message: e instanceof Error ? e.message : String(e) },
        ),
      );
  }, []);

  useEffect(check, [check]);
  useEffect(() => {
    const expired = () => setSession({ state: 'anonymous' });
    window.addEventListener(UNAUTHENTICATED_EVENT, expired);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, expired);
  }, []);

  const body = (() => {
    switch (session.state) {
      case 'checking':
        return (
          <Spin
            size="large"
            style={{ display: 'block', margin: '30vh auto' }}
            aria-label={t('app.loading')}
          />
        );
      case 'anonymous':
        return <LoginPage onSignedIn={(me) => setSession({ state: 'signed-in', me })} />;
      case 'signed-in':
        // A generated password is changed before anything else (the server refuses every other route meanwhile).
        return session.me.mustChangePassword ? (
          <ChangePasswordPage
            me={session.me}
            onChanged={check}
            onSignedOut={() => setSession({ state: 'anonymous' })}
          />
        ) : (
          <Shell me={session.me} onSignedOut={() => setSession({ state: 'anonymous' })} />
        );
      case 'error':
        return (
          <Result
            status="warning"
            title={t('login.networkError', { message: session.message })}
            extra={<Button onClick={check}>{t('overview.retry')}</Button>}
          />
        );
    }
  })();

  return (
    <ConfigProvider
      locale={antdLocale(lang)}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: { colorPrimary: '#1677ff', borderRadius: 8, colorBgLayout: '#f5f7fa' },
        components: {
          Layout: { siderBg: '#0f1f3d', headerBg: '#ffffff' },
          Menu: {
            darkItemBg: '#0f1f3d',
            darkSubMenuItemBg: '#0f1f3d',
            darkGroupTitleColor: 'rgba(255,255,255,0.38)',
          },
        },
      }}
    >
      <AntApp style={{ height: '100%' }}>{body}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Root />
    </I18nProvider>
  );
}
