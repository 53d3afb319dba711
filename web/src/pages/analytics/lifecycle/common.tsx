import { Select, Space, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../../../api/client.ts';
import { segmentsApi } from '../../../api/segments.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad, type Loaded } from '../../../components/useLoad.ts';
import { formatInteger } from '../../../format.ts';
import type { MessageKey } from '../../../i18n/en-US.ts';
import { useI18n, type Translate } from '../../../i18n/i18n.tsx';
import type { PopulationView } from './api.ts';

// Pieces the lifecycle and concentration pages share: the population picker (whole bank or a saved segment) and
// the handling of a load that may answer "not enough data".

const REASONS = {
  no_snapshot: 'analytics.lifecycle.notEnough.noSnapshot',
  no_snapshot_in_range: 'analytics.lifecycle.notEnough.noSnapshotInRange',
  two_snapshot_days: 'analytics.lifecycle.notEnough.twoSnapshotDays',
} as const satisfies Record<string, MessageKey>;

/**
 * The reason of a 422 not_enough_data answer in the page's language (from its `details.reason` code; else the
 * server's text without its "not enough data:" prefix), or null for any other outcome.
 */
export function notEnoughReason(error: unknown, t: Translate): string | null {
  if (!(error instanceof ApiError) || error.code !== 'not_enough_data') return null;
  const details = (error.details ?? {}) as { reason?: string; from?: string; to?: string };
  const key = REASONS[details.reason as keyof typeof REASONS] as MessageKey | undefined;
  if (key) return t(key, { from: details.from ?? '', to: details.to ?? '' });
  return error.message.replace(/^not enough data:\s*/i, '');
}

/** Whole bank or one saved segment; `value` is the segment id or '' for the whole bank. */
export function PopulationPicker(props: { value: string; onChange: (segment: string) => void }) {
  const { t } = useI18n();
  const segments = useLoad((signal) => segmentsApi.list(signal), []);
  return (
    <Space>
      <Typography.Text>{t('analytics.lifecycle.population')}</Typography.Text>
      <Select
        data-testid="population-select"
        style={{ minWidth: 240 }}
        value={props.value}
        onChange={props.onChange}
        loading={segments.loading}
        options={[
          { value: '', label: t('analytics.lifecycle.wholeBank') },
          ...(segments.data?.segments ?? [])
            .filter((s) => s.status === 'active')
            .map((s) => ({ value: s.id, label: t('analytics.lifecycle.segmentOption', { name: s.name }) })),
        ]}
      />
    </Space>
  );
}

/** "Segment members on D: N" for a segment population, nothing for the whole bank. */
export function PopulationNote({ population }: { population: PopulationView | undefined }) {
  const { t, lang } = useI18n();
  if (!population || population.kind === 'bank' || population.customers === null) return null;
  return (
    <Typography.Text type="secondary" data-testid="population-note" data-value={population.customers}>
      {t('analytics.lifecycle.populationNote', {
        day: population.evaluatedOn ?? '',
        count: formatInteger(population.customers, lang),
      })}
    </Typography.Text>
  );
}

/**
 * The body of a frame whose data may be loading, missing ("not enough data" goes to the frame) or failed:
 * `children` renders once the data is there.
 */
export function Loading<T>(props: { loaded: Loaded<T>; title: string; children: (data: T) => ReactNode }) {
  const { loaded } = props;
  if (loaded.error && !(loaded.error instanceof ApiError && loaded.error.code === 'not_enough_data'))
    return <LoadError error={loaded.error} title={props.title} onRetry={loaded.reload} />;
  if (!loaded.data) return loaded.loading ? <Spin /> : null;
  return <>{props.children(loaded.data)}</>;
}
