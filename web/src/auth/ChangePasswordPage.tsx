import { Button, Card, Typography } from 'antd';
import type { CSSProperties } from 'react';
import { authApi, type Me } from '../api/auth.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Brand } from '../layout/Brand.tsx';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';

/** Shown instead of the dashboard while the server says the password was generated and must be changed. */
export function ChangePasswordPage(props: { me: Me; onChanged: () => void; onSignedOut: () => void }) {
  const { t } = useI18n();
  const signOut = async () => {
    try {
      await authApi.logout();
    } finally {
      props.onSignedOut();
    }
  };
  return (
    <div style={styles.page} data-testid="password-required">
      <div style={styles.topBar}>
        <LanguageSwitch />
      </div>
      <Card style={styles.card} styles={{ body: { padding: 36 } }}>
        <div style={{ marginBottom: 24 }}>
          <Brand size="large" />
        </div>
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          {t('password.requiredTitle')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
          {t('password.requiredText', { name: props.me.actor.replace(/^user:/, '') })}
        </Typography.Paragraph>
        <ChangePasswordForm onChanged={props.onChanged} />
        <Button type="link" onClick={signOut} style={{ marginTop: 12, paddingInline: 0 }}>
          {t('app.signOut')}
        </Button>
      </Card>
    </div>
  );
}

const styles = {
  page: {
    minHeight: '100%',
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    background: '#eef2f8',
  },
  topBar: { alignSelf: 'stretch', display: 'flex', justifyContent: 'flex-end', padding: '16px 24px' },
  card: { width: 440, maxWidth: '100%', marginTop: '6vh', borderRadius: 12 },
} satisfies Record<string, CSSProperties>;
