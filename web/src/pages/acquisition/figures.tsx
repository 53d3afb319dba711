import { Tag } from 'antd';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Strategy } from './api.ts';

/** A match rate as a percentage with one decimal, a dash without requests. */
export function rateText(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** Microseconds as the page shows latencies: µs below a millisecond, else ms with two decimals. */
export function latencyText(us: number | null): string {
  if (us === null) return '—';
  return us < 1000 ? `${formatInteger(Math.round(us), 'en-US')} µs` : `${(us / 1000).toFixed(2)} ms`;
}

/** A strategy's bid factor in words: a constant, or the look-alike score mapped onto a range. */
export function BidText({ bid }: { bid: Strategy['bidFactor'] }) {
  const { t } = useI18n();
  return typeof bid === 'number' ? (
    <span>×{bid}</span>
  ) : (
    <span>{t('acq.bid.lookalike', { min: bid.min, max: bid.max })}</span>
  );
}

/** A strategy's status tag. */
export function StrategyStatus({ status }: { status: Strategy['status'] }) {
  const { t } = useI18n();
  return (
    <Tag color={status === 'active' ? 'green' : 'default'} data-testid="strategy-status">
      {t(`acq.status.${status}`)}
    </Tag>
  );
}
