import { Alert, Card, Select, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { translateReason } from '../../../../../src/analytics/reasons.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { experimentsApi } from './api.ts';
import { MetricLiftCard } from './MetricLiftCard.tsx';

const LEVELS = [0.9, 0.95, 0.99] as const;

/** The lift analysis of one experiment: the controls, the sample-ratio check, then one card per metric. */
export function LiftView({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [confidence, setConfidence] = useState<number>(0.95);
  const [control, setControl] = useState<string | undefined>(undefined);
  const { data, error, reload } = useLoad(
    (signal) => experimentsApi.lift(id, { confidence, ...(control ? { control } : {}) }, signal),
    [id, confidence, control],
  );
  if (error && !data)
    return <LoadError error={error} title={t('analytics.experiments.liftFailed')} onRetry={reload} />;
  if (!data)
    return (
      <Card style={{ marginBottom: 16 }}>
        <Skeleton active paragraph={{ rows: 6 }} />
      </Card>
    );
  const srm = data.srm;
  const fmtP = (p: number) => (p < 0.0001 ? p.toExponential(2) : p.toFixed(4));
  return (
    <div
      data-testid="lift-view"
      data-experiment={data.experiment.id}
      data-confidence={data.confidence}
      data-control={data.control}
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {data.experiment.name}
        </Typography.Title>
        <span>{t('analytics.experiments.controls.control')}</span>
        <Select
          value={data.control}
          style={{ minWidth: 160 }}
          onChange={setControl}
          options={data.experiment.arms.map((a) => ({ value: a.arm, label: a.arm }))}
          data-testid="lift-control"
        />
        <span>{t('analytics.experiments.controls.confidence')}</span>
        <Select
          value={confidence}
          style={{ width: 100 }}
          onChange={setConfidence}
          options={LEVELS.map((l) => ({ value: l, label: `${l * 100}%` }))}
          data-testid="lift-confidence"
        />
      </Space>
      {error ? (
        <LoadError error={error} title={t('analytics.experiments.liftFailed')} onRetry={reload} />
      ) : null}
      <Alert
        style={{ marginBottom: 16 }}
        showIcon
        type={srm ? (srm.flagged ? 'error' : 'success') : 'warning'}
        data-testid="lift-srm"
        data-flagged={srm ? String(srm.flagged) : 'unknown'}
        title={
          srm
            ? t(srm.flagged ? 'analytics.experiments.srm.flagged' : 'analytics.experiments.srm.ok', {
                chi: srm.chiSquare.toFixed(3),
                p: fmtP(srm.pValue),
                threshold: srm.threshold,
              })
            : t('analytics.experiments.srm.unchecked', {
                reason: data.srmReason === null ? '' : translateReason(data.srmReason, lang),
              })
        }
      />
      {data.metrics.map((m) => (
        <MetricLiftCard key={m.metric} analysis={data} metric={m} />
      ))}
    </div>
  );
}
