import { Tag, Tooltip, Typography } from 'antd';
import { translateReason } from '../../../../src/analytics/reasons.ts';
import { formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

// A conversion rate and a difference against control as the results cards show them (journeys, activities); a
// figure the server could not compute shows its reason in the page's language.

interface RateLike {
  readonly rate: number | null;
  readonly interval: { readonly lower: number; readonly upper: number } | null;
  readonly reason: string | null;
}
interface LiftLike {
  readonly absolute: { readonly estimate: number; readonly lower: number; readonly upper: number } | null;
  readonly absoluteReason: string | null;
  readonly test: { readonly pValue: number | null; readonly significant: boolean | null };
}

const pp = (n: number) => `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} pp`;

/** A rate with its 95% interval, or why there is none. */
export function RateCell({ rate }: { rate: RateLike }) {
  const { lang } = useI18n();
  if (rate.rate === null)
    return (
      <Typography.Text type="secondary">
        {rate.reason === null ? '—' : translateReason(rate.reason, lang)}
      </Typography.Text>
    );
  return (
    <span>
      {formatPercent(rate.rate, lang)}
      {rate.interval && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          [{formatPercent(rate.interval.lower, lang)}, {formatPercent(rate.interval.upper, lang)}]
        </Typography.Text>
      )}
    </span>
  );
}

/** A difference in percentage points with its 95% interval and whether it is significant, or why there is none. */
export function LiftCell({ lift, reason }: { lift: LiftLike | null; reason: string | null }) {
  const { t, lang } = useI18n();
  if (!lift?.absolute) {
    const why = reason ?? lift?.absoluteReason ?? null;
    return (
      <Typography.Text type="secondary">{why === null ? '—' : translateReason(why, lang)}</Typography.Text>
    );
  }
  const a = lift.absolute;
  return (
    <span>
      <b>{pp(a.estimate)}</b>{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        [{pp(a.lower)}, {pp(a.upper)}]
      </Typography.Text>{' '}
      {lift.test.pValue !== null && (
        <Tooltip title={`p = ${lift.test.pValue.toPrecision(3)}`}>
          <Tag color={lift.test.significant ? 'green' : 'default'}>
            {lift.test.significant ? t('jny.res.significant') : t('jny.res.notSignificant')}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}
