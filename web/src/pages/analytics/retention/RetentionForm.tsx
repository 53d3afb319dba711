import { PlayCircleOutlined } from '@ant-design/icons';
import { Button, Card, Form, InputNumber, Select, Space } from 'antd';
import { useState } from 'react';
import type { SegmentCatalogue } from '../../../api/segments.ts';
import { useMe } from '../../../auth/session.tsx';
import { bankDay, shiftDate } from '../../../format.ts';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { ChurnRequest, EventCatalogue, Period, RetentionRequest } from '../funnels/api.ts';
import { breakdownOf, breakdownOptions, breakdownValue, populationValue } from '../funnels/FunnelForm.tsx';
import { DayPicker } from '../../../components/DayPicker.tsx';

/** What the page runs: the retention table and the churn trend, over the same dates and period. */
export interface RetentionQuery {
  readonly retention: RetentionRequest;
  readonly churn: ChurnRequest;
}

const PERIOD_DAYS: Record<Period, number> = { day: 1, week: 7, month: 30 };

/** The start / return select's value of a definition's spec. */
function startValue(spec: RetentionRequest['start'] | RetentionRequest['return']): string {
  if (spec.kind === 'event') return `event:${spec.event}`;
  return spec.kind === 'first_purchase' ? 'first_purchase' : 'any';
}

/** The churn activity select's value of a definition's activity (named transaction kinds are not editable here). */
function activityValue(activity: ChurnRequest['activity']): string {
  if (activity.kind === 'transaction') return 'transaction';
  return activity.event ? `event:${activity.event}` : 'event';
}

/** Start, return, period, cohort dates and breakdown of the retention table; activity and D of the churn trend. */
export function RetentionForm(props: {
  events: EventCatalogue;
  catalogue: SegmentCatalogue | null;
  /** A saved report's definitions to start from (a retention or a churn report: the other keeps its defaults). */
  initial?: Partial<RetentionQuery> | undefined;
  onRun: (query: RetentionQuery) => void;
}) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const names = props.events.events.map((e) => e.name);
  // Defaults end on the bank's business day of the latest event (else today), as the server cuts days.
  const { timeZone } = useMe();
  const latestEvent = props.events.freshness.latestEventTime;
  const latest = latestEvent ? bankDay(timeZone, latestEvent) : bankDay(timeZone);
  const r0 = props.initial?.retention;
  const c0 = props.initial?.churn;
  const shared = r0 ?? c0;
  const [start, setStart] = useState(r0 ? startValue(r0.start) : 'any');
  const [ret, setRet] = useState(r0 ? startValue(r0.return) : 'any');
  const [period, setPeriod] = useState<Period>(shared?.period ?? 'week');
  const [periods, setPeriods] = useState(r0?.periods ?? 12);
  const [from, setFrom] = useState(shared?.from ?? shiftDate(latest, -7 * 12 + 1));
  const [to, setTo] = useState(shared?.to ?? latest);
  const [population, setPopulation] = useState(populationValue(shared?.population));
  const [breakdown, setBreakdown] = useState(breakdownValue(shared?.breakdown));
  const [activity, setActivity] = useState(c0 ? activityValue(c0.activity) : 'event');
  const [days, setDays] = useState(c0?.days ?? 30);

  const eventOptions = names.map((n) => ({ value: `event:${n}`, label: dictionary.displayName('event', n) }));
  const run = () => {
    const b = breakdownOf(breakdown);
    const scope = population ? { population: { segmentId: population } } : {};
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
        ...scope,
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
        ...scope,
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
            <DayPicker
              value={from}
              onChange={setFrom}
              maxDay={to || undefined}
              data-testid="retention-from"
            />
          </Form.Item>
          <Form.Item label={t('analytics.retention.to')}>
            <DayPicker value={to} onChange={setTo} minDay={from || undefined} data-testid="retention-to" />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.population')}>
            <Select
              value={population}
              onChange={setPopulation}
              style={{ width: 220 }}
              showSearch
              optionFilterProp="label"
              options={[
                { value: '', label: t('analytics.funnels.allCustomers') },
                ...(props.catalogue?.segments ?? []).map((seg) => ({ value: seg.id, label: seg.name })),
              ]}
              data-testid="retention-population"
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
