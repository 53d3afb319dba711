import { Tag } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { STATUS_COLOR, statusKey } from './labels.ts';

/** A review or run status, coloured and translated. */
export function StatusTag({ status, testId }: { status: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-testid={testId} data-value={status}>
      {t(statusKey(status))}
    </Tag>
  );
}
