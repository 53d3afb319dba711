import { Tag, Tooltip, Typography } from 'antd';
import { translateReason } from '../../../../src/analytics/reasons.ts';
import { formatCnyCompact, formatInteger, formatPercent } from '../../format.ts';
import { useI18n, type Lang } from '../../i18n/i18n.tsx';
import type { Comparison, MetricKey, PlanGoal } from './api.ts';

// How OGSM figures are written: a value in its metric's unit, a lift with its 95% interval, and a figure the server
// could not measure as a short translated word with the server's reason, in the page's language, behind a tooltip.

type Unit = PlanGoal['unit'];
/** An absolute lift with its interval (`estimate`, `lower`, `upper`). */
export type Interval = NonNullable<Comparison['absolute']>;

/** A value in its unit: customers as an integer, a ratio as a percentage, CNY compact. */
export function formatValue(value: number, unit: Unit, lang: Lang): string {
  if (unit === 'ratio') return formatPercent(value, lang);
  if (unit === 'CNY') return formatCnyCompact(value, lang);
  return formatInteger(value, lang);
}

/** The unit of a metric's lift: AUM change compares mean CNY per customer, every other metric a share (pp). */
export function formatLift(n: number, metric: MetricKey, lang: Lang): string {
  const sign = n >= 0 ? '+' : '';
  if (metric === 'aum_change') return `${sign}${formatCnyCompact(n, lang)}`;
  return `${sign}${(n * 100).toFixed(1)} pp`;
}

/** A word for a missing figure, with the server's reason on hover. */
export function Missing({ word, reason }: { word: string; reason: string | null | undefined }) {
  const { lang } = useI18n();
  return (
    <Tooltip title={reason == null ? undefined : translateReason(reason, lang)}>
      <Typography.Text type="secondary">{word}</Typography.Text>
    </Tooltip>
  );
}

/** A lift against control: the estimate, its interval and whether it is significant. */
export function LiftText(props: {
  interval: Interval | null;
  metric: MetricKey;
  significant?: boolean | null;
  pValue?: number | null;
  reason?: string | null;
}) {
  const { t, lang } = useI18n();
  const a = props.interval;
  if (!a) return <Missing word={t('ogsm.noLift')} reason={props.reason} />;
  const f = (n: number) => formatLift(n, props.metric, lang);
  return (
    <span data-testid="ogsm-lift">
      <b>{f(a.estimate)}</b>{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        [{f(a.lower)}, {f(a.upper)}]
      </Typography.Text>
      {props.significant !== undefined && props.significant !== null && (
        <Tooltip title={props.pValue != null ? `p = ${props.pValue.toPrecision(3)}` : undefined}>
          <Tag color={props.significant ? 'green' : 'default'} style={{ marginLeft: 6 }}>
            {props.significant ? t('ogsm.significant') : t('ogsm.notSignificant')}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}

/** A comparison (the experiments' shape) as a LiftText. */
export function ComparisonText(props: { lift: Comparison | null; reason: string | null; metric: MetricKey }) {
  const { lift } = props;
  return (
    <LiftText
      interval={lift?.absolute ?? null}
      metric={props.metric}
      significant={lift?.test.significant ?? null}
      pValue={lift?.test.pValue ?? null}
      reason={props.reason ?? lift?.absoluteReason}
    />
  );
}
