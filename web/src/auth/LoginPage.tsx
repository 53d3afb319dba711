import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState, type CSSProperties } from 'react';
import { ApiError } from '../api/client.ts';
import { authApi, type Me } from '../api/auth.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Brand } from '../layout/Brand.tsx';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';

interface Credentials {
  username: string;
  password: string;
}

/** The sign-in form; the server sets an httpOnly session cookie on success. */
export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t, lang } = useI18n();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);

  const submit = async (values: Credentials) => {
    setSubmitting(true);
    setError(null);
    try {
      onSignedIn(await authApi.login(values.username, values.password));
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      setSubmitting(false);
    }
  };

  let errorText: string | null = null;
  if (error instanceof ApiError && error.code === 'too_many_attempts') {
    const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
    errorText = t('login.throttled', { seconds });
  } else if (error instanceof ApiError) {
    // The server's message is authoritative; a known code gets the user's language.
    errorText =
      error.code === 'unauthenticated' && lang === 'zh-CN' ? t('login.wrongCredentials') : error.message;
  } else if (error) {
    errorText = t('login.networkError', { message: error.message });
  }

  return (
    <div style={styles.page}>
      <div style={styles.topBar}>
        <LanguageSwitch />
      </div>
      <div style={styles.center}>
        <Card style={styles.card} styles={{ body: { padding: 36 } }}>
          <div style={{ marginBottom: 28 }}>
            <Brand size="large" />
          </div>
          <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
            {t('login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
            {t('login.subtitle')}
          </Typography.Paragraph>
          {errorText && (
            <Alert
              data-testid="login-error"
              type="error"
              showIcon
              title={t('login.failed')}
              description={errorText}
              style={{ marginBottom: 20 }}
            />
          )}
          <Form<Credentials>
            layout="vertical"
            requiredMark={false}
            onFinish={submit}
            data-testid="login-form"
          >
            <Form.Item
              label={t('login.username')}
              name="username"
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input
                prefix={<UserOutlined />}
                autoComplete="username"
                autoFocus
                size="large"
                data-testid="login-username"
              />
            </Form.Item>
            <Form.Item
              label={t('login.password')}
              name="password"
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                size="large"
                data-testid="login-password"
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              size="large"
              block
              loading={submitting}
              data-testid="login-submit"
            >
              {t('login.submit')}
            </Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ marginTop: 20, marginBottom: 0, fontSize: 12 }}>
            {t('login.hint')}
          </Typography.Paragraph>
        </Card>
      </div>
    </div>
  );
}

const styles = {
  page: {
    minHeight: '100%',
    display: 'flex',
    flexDirection: 'column',
    background:
      'radial-gradient(1200px 600px at 15% 0%, #dbe8ff 0%, transparent 60%), linear-gradient(180deg, #f5f8ff 0%, #eef2f8 100%)',
  },
  topBar: { display: 'flex', justifyContent: 'flex-end', padding: '16px 24px' },
  center: {
    flex: 1,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    padding: '0 16px 64px',
  },
  card: { width: 420, maxWidth: '100%', boxShadow: '0 12px 40px rgba(22, 56, 120, 0.12)', borderRadius: 12 },
} satisfies Record<string, CSSProperties>;
