import { LockOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { ApiError, errorText } from '../api/client.ts';
import { authApi } from '../api/auth.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** The server's refusal in the user's language: the field it names and why, or the throttle's wait. */
function refusal(e: unknown, t: Translate): { field?: keyof Values; text: string } {
  if (!(e instanceof ApiError)) return { text: errorText(e) };
  const details = e.details as { field?: string; reason?: string; retryAfterSeconds?: number } | undefined;
  if (e.code === 'too_many_attempts')
    return { text: t('password.throttled', { seconds: details?.retryAfterSeconds ?? 60 }) };
  if (details?.field === 'currentPassword')
    return { field: 'currentPassword', text: t('password.wrongCurrent') };
  if (details?.field === 'newPassword')
    return {
      field: 'newPassword',
      text: details.reason === 'unchanged' ? t('password.unchanged') : t('password.policy'),
    };
  return { text: e.message };
}

/** Current password, a new one (policy: 10 characters, not the username) twice; the server ends other sessions. */
export function ChangePasswordForm({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = async (v: Values) => {
    setBusy(true);
    setFailure(null);
    try {
      await authApi.changePassword(v.currentPassword, v.newPassword);
      onChanged();
    } catch (e) {
      const r = refusal(e, t);
      if (r.field) form.setFields([{ name: r.field, errors: [r.text] }]);
      else setFailure(r.text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      requiredMark={false}
      onFinish={submit}
      data-testid="password-form"
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('login.passwordRequired') }]}
      >
        <Input.Password
          prefix={<LockOutlined />}
          autoComplete="current-password"
          data-testid="password-current"
        />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.policy')}
        rules={[{ required: true, min: 10, message: t('password.policy') }]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.mismatch') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || value === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password
          prefix={<LockOutlined />}
          autoComplete="new-password"
          data-testid="password-confirm"
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy} data-testid="password-submit">
        {t('password.submit')}
      </Button>
    </Form>
  );
}
