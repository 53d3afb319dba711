import { PlayCircleOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, InputNumber, Select, Space } from 'antd';
import { useState } from 'react';
import type { SegmentCatalogue } from '../../../api/segments.ts';
import { useMe } from '../../../auth/session.tsx';
import { bankDay, shiftDate } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { ChurnRequest, EventCatalogue, Period, RetentionRequest } from '../funnels/api.ts';
import { breakdownOf, breakdownOptions } from '../funnels/FunnelForm.tsx';

/** What the page runs: the retention table and the churn trend, over the same dates and period. */
export interface RetentionQuery {
  readonly retention: RetentionRequest;
  readonly churn: ChurnRequest;
}

const PERIOD_DAYS: Record<Period, number> = { day: 1, week: 7, month: 30 };

/** Start, return, period, cohort dates and breakdown of the retention table; activity and D of the churn trend. */
export function RetentionForm(props: {
  events: EventCatalogue;
  catalogue: SegmentCatalogue | null;
  onRun: (query: RetentionQuery) => void;
}) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const names = props.events.events.map((e) => e.name);
  // Defaults end on the bank's business day of the latest event (else today), as the server cuts days.
  const { timeZone } = useMe();
  const latestEvent = props.events.freshness.latestEventTime;
  const latest = latestEvent ? bankDay(timeZone, latestEvent) : bankDay(timeZone);
  const [start, setStart] = useState('any');
  const [ret, setRet] = useState('any');
  const [period, setPeriod] = useState<Period>('week');
  const [periods, setPeriods] = useState(12);
  const [from, setFrom] = useState(shiftDate(latest, -7 * 12 + 1));
  const [to, setTo] = useState(latest);
  const [breakdown, setBreakdown] = useState('');
  const [activity, setActivity] = useState('event');
  const [days, setDays] = useState(30);

  const eventOptions = names.map((n) => ({ value: `event:${n}`, label: dictionary.displayName('event', n) }));
  const run = () => {
    const b = breakdownOf(breakdown);
    const startSpec =
      start === 'first_purchase'
        ? { kind: 'first_purchase' as const }
        : start.startsWith('event:')
          ? { kind: 'event' as const, event: start.slice(6) }
          : { kind: 'any_event' as const };
    const returnSpec = ret.startsWith('event:')
      ? { kind: 'event' as const, event: ret.slice(6) }
      : { kind: 'any_event' as const };
    props.onRun({
      retention: {
        start: startSpec,
        return: returnSpec,
        period,
        periods,
        from,
        to,
        ...(b && b.by !== 'property' ? { breakdown: b } : {}),
      },
      churn: {
        activity:
          activity === 'transaction'
            ? { kind: 'transaction' }
            : activity.startsWith('event:')
              ? { kind: 'event', event: activity.slice(6) }
              : { kind: 'event' },
        days,
        period,
        from,
        to,
      },
    });
  };

  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="retention-form">
      <Form layout="vertical">
        <Space wrap align="end">
          <Form.Item label={t('analytics.retention.start')}>
            <Select
              value={start}
              onChange={setStart}
              style={{ width: 220 }}
              data-testid="retention-start"
              options={[
                { value: 'any', label: t('analytics.retention.anyEvent') },
                { value: 'first_purchase', label: t('analytics.retention.firstPurchase') },
                ...eventOptions,
              ]}
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.return')}>
            <Select
              value={ret}
              onChange={setRet}
              style={{ width: 220 }}
              data-testid="retention-return"
              options={[{ value: 'any', label: t('analytics.retention.anyEvent') }, ...eventOptions]}
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.period')}>
            <Select
              value={period}
              onChange={(p: Period) => {
                setPeriod(p);
                setFrom(shiftDate(to, -PERIOD_DAYS[p] * periods + 1));
              }}
              style={{ width: 120 }}
              data-testid="retention-period"
              options={(['day', 'week', 'month'] as const).map((p) => ({
                value: p,
                label: t(`analytics.retention.period.${p}`),
              }))}
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.periods')}>
            <InputNumber min={1} max={60} value={periods} onChange={(v) => setPeriods(v ?? 12)} />
          </Form.Item>
          <Form.Item label={t('analytics.retention.from')}>
            <Input
              type="date"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-testid="retention-from"
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.to')}>
            <Input
              type="date"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              data-testid="retention-to"
            />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.breakdown')}>
            <Select
              value={breakdown}
              onChange={setBreakdown}
              style={{ width: 220 }}
              options={[
                { value: '', label: t('analytics.funnels.noBreakdown') },
                ...breakdownOptions(t, lang, props.catalogue, null, dictionary),
              ]}
              data-testid="retention-breakdown"
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.churnActivity')}>
            <Select
              value={activity}
              onChange={setActivity}
              style={{ width: 200 }}
              data-testid="churn-activity"
              options={[
                { value: 'event', label: t('analytics.retention.anyEvent') },
                { value: 'transaction', label: t('analytics.retention.transaction') },
                ...eventOptions,
              ]}
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.churnDays')}>
            <InputNumber
              min={1}
              max={366}
              value={days}
              onChange={(v) => setDays(v ?? 30)}
              data-testid="churn-days"
            />
          </Form.Item>
          <Form.Item>
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              disabled={from > to}
              onClick={run}
              data-testid="retention-run"
            >
              {t('analytics.retention.run')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
    </Card>
  );
}
