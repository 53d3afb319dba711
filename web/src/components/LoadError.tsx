import { Alert, Button } from 'antd';
import { ApiError, errorText } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** A failed load: what failed, the server's reason (or that the role may not see it), and a retry. */
export function LoadError({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title: string;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={forbidden ? t('common.forbidden') : errorText(error)}
      data-testid="load-error"
      action={onRetry && <Button onClick={onRetry}>{t('overview.retry')}</Button>}
      style={{ marginBottom: 16 }}
    />
  );
}
