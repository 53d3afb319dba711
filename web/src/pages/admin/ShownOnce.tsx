import { Alert, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';

/** A secret the server returns once (a generated password, an API key): shown with a copy button and a warning. */
export function ShownOnce({ label, secret, testId }: { label: string; secret: string; testId: string }) {
  const { t } = useI18n();
  return (
    <div data-testid={testId}>
      <Alert type="warning" showIcon title={t('admin.shownOnce')} style={{ marginBottom: 12 }} />
      <Typography.Text type="secondary">{label}</Typography.Text>
      <Typography.Paragraph
        code
        copyable={{ text: secret, tooltips: [t('admin.copy'), t('admin.copied')] }}
        style={{ fontSize: 15, marginTop: 4, wordBreak: 'break-all' }}
        data-testid={`${testId}-value`}
        data-value={secret}
      >
        {secret}
      </Typography.Paragraph>
    </div>
  );
}

/** The server's refusal of an account change, in the user's language where it names a known reason. */
export function refusalText(
  e: unknown,
  t: (key: 'admin.users.lastAdmin' | 'admin.users.unknownRef') => string,
  fallback: (e: unknown) => string,
): string {
  const reason = (e as { details?: { reason?: string } } | null)?.details?.reason;
  if (reason === 'last_active_admin') return t('admin.users.lastAdmin');
  if (reason === 'unknown') return `${t('admin.users.unknownRef')} (${fallback(e)})`;
  return fallback(e);
}
