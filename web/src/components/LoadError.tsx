import { Alert, Button, Card, Skeleton } from 'antd';
import type { ReactNode } from 'react';
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

/**
 * A page that cannot show its data yet, under its header: the failed load with a retry when `error` is set (pass it
 * only when there is nothing to show), else a skeleton of `rows` lines.
 */
export function NotReady(page: {
  header: ReactNode;
  error: unknown;
  failedTitle: string;
  onRetry: () => void;
  rows: number;
}) {
  return (
    <>
      {page.header}
      {page.error ? (
        <LoadError error={page.error} title={page.failedTitle} onRetry={page.onRetry} />
      ) : (
        <Card>
          <Skeleton active paragraph={{ rows: page.rows }} />
        </Card>
      )}
    </>
  );
}
