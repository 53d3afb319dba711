import { Card, Checkbox, Col, InputNumber, Radio, Row, Select, Slider, Space, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { LIFECYCLE_STAGES } from '../customers/list/columns.tsx';
import type { Entry, JourneyBody } from './api.ts';
import { EventPicker } from './NodeInspector.tsx';
import type { EditorSources } from './sources.ts';

const DATE_FIELDS = [
  'deposit_maturity',
  'insurance_renewal',
  'loan_repayment',
  'fund_auto_investment',
  'birthday',
] as const;
const ENTRY_KINDS = ['date', 'event', 'segment', 'lifecycle', 'schedule'] as const;

const label = (text: string) => (
  <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0 4px', fontSize: 12 }}>
    {text}
  </Typography.Text>
);

/** A fresh entry of a kind, with the defaults an author starts from. */
function entryOf(kind: Entry['kind'], sources: EditorSources): Entry {
  switch (kind) {
    case 'date':
      return { kind, field: 'deposit_maturity', daysBefore: 7 };
    case 'event':
      return { kind, event: sources.events[0] ?? '' };
    case 'segment':
      return { kind, segmentId: sources.segments[0]?.id ?? '', on: 'enter' };
    case 'lifecycle':
      return { kind, to: 'transaction' };
    case 'schedule':
      return {
        kind,
        population: { segmentId: sources.segments[0]?.id ?? '' },
        schedule: { kind: 'daily', time: '09:00' },
      } as Entry;
  }
}

/** How customers enter, whether they may enter again, the control group and the goal. */
export function EntryForm(props: {
  body: JourneyBody;
  sources: EditorSources;
  onChange: (body: JourneyBody) => void;
}) {
  const { t } = useI18n();
  const { body, sources, onChange } = props;
  const entry = body.entry;
  const setEntry = (next: Entry) => onChange({ ...body, entry: next });
  const segmentOptions = sources.segments.map((s) => ({ value: s.id, label: s.name }));
  const entryFields = (() => {
    switch (entry.kind) {
      case 'date':
        return (
          <Space wrap>
            <Select
              style={{ width: 200 }}
              value={entry.field}
              data-testid="entry-date-field"
              onChange={(field: (typeof DATE_FIELDS)[number]) => setEntry({ ...entry, field })}
              options={DATE_FIELDS.map((f) => ({ value: f, label: t(`jny.date.${f}`) }))}
            />
            <InputNumber
              min={0}
              max={90}
              value={entry.daysBefore}
              prefix="T−"
              suffix={t('jny.unit.days')}
              data-testid="entry-days-before"
              onChange={(n) => setEntry({ ...entry, daysBefore: n ?? 0 })}
            />
          </Space>
        );
      case 'event':
        return (
          <EventPicker
            value={entry.event}
            events={sources.events}
            testId="entry-event"
            onChange={(event) => setEntry({ ...entry, event })}
          />
        );
      case 'segment':
        return (
          <Space wrap>
            <Select
              style={{ width: 220 }}
              value={entry.segmentId || undefined}
              onChange={(segmentId: string) => setEntry({ ...entry, segmentId })}
              options={segmentOptions}
            />
            <Radio.Group
              value={entry.on}
              onChange={(e) => setEntry({ ...entry, on: e.target.value as 'enter' | 'leave' })}
              options={[
                { value: 'enter', label: t('jny.segment.enter') },
                { value: 'leave', label: t('jny.segment.leave') },
              ]}
            />
          </Space>
        );
      case 'lifecycle':
        return (
          <Space wrap>
            <Select
              allowClear
              placeholder={t('jny.lifecycle.anyFrom')}
              style={{ width: 170 }}
              value={entry.from}
              onChange={(from?: (typeof LIFECYCLE_STAGES)[number]) =>
                setEntry(from ? { ...entry, from } : { kind: 'lifecycle', to: entry.to })
              }
              options={LIFECYCLE_STAGES.map((s) => ({ value: s, label: t(`clist.stage.${s}`) }))}
            />
            →
            <Select
              style={{ width: 170 }}
              value={entry.to}
              onChange={(to: (typeof LIFECYCLE_STAGES)[number]) => setEntry({ ...entry, to })}
              options={LIFECYCLE_STAGES.map((s) => ({ value: s, label: t(`clist.stage.${s}`) }))}
            />
          </Space>
        );
      case 'schedule': {
        const segmentId =
          entry.population && 'segmentId' in entry.population ? entry.population.segmentId : undefined;
        const time = 'time' in entry.schedule ? entry.schedule.time : '09:00';
        return (
          <Space wrap>
            <Select
              style={{ width: 220 }}
              value={segmentId}
              onChange={(id: string) => setEntry({ ...entry, population: { segmentId: id } })}
              options={segmentOptions}
            />
            <Typography.Text>{t('jny.schedule.dailyAt')}</Typography.Text>
            <Select
              style={{ width: 100 }}
              value={time}
              onChange={(at: string) => setEntry({ ...entry, schedule: { kind: 'daily', time: at } })}
              options={Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`).map((v) => ({
                value: v,
                label: v,
              }))}
            />
          </Space>
        );
      }
    }
  })();
  return (
    <Card size="small" title={t('jny.entry.title')} data-testid="journey-entry">
      <Row gutter={[24, 8]}>
        <Col xs={24} xl={12}>
          {label(t('jny.entry.kind'))}
          <Select
            style={{ width: '100%' }}
            value={entry.kind}
            data-testid="entry-kind"
            onChange={(kind: Entry['kind']) => setEntry(entryOf(kind, sources))}
            options={ENTRY_KINDS.map((k) => ({ value: k, label: t(`jny.entry.${k}`) }))}
          />
          {label(t(`jny.entry.${entry.kind}.help`))}
          {entryFields}
        </Col>
        <Col xs={24} xl={12}>
          {label(t('jny.reentry'))}
          <Space wrap>
            <Radio.Group
              value={body.reentry.kind}
              onChange={(e) =>
                onChange({
                  ...body,
                  reentry:
                    e.target.value === 'afterDays'
                      ? { kind: 'afterDays', days: 30 }
                      : { kind: e.target.value as 'once' | 'always' },
                })
              }
              options={[
                { value: 'once', label: t('jny.reentry.once') },
                { value: 'afterDays', label: t('jny.reentry.afterDays') },
                { value: 'always', label: t('jny.reentry.always') },
              ]}
            />
            {body.reentry.kind === 'afterDays' && (
              <InputNumber
                min={1}
                max={3650}
                value={body.reentry.days}
                suffix={t('jny.unit.days')}
                onChange={(n) => onChange({ ...body, reentry: { kind: 'afterDays', days: n ?? 1 } })}
              />
            )}
          </Space>
          {label(t('jny.control', { n: body.controlPercent }))}
          <Slider
            min={0}
            max={50}
            value={body.controlPercent}
            data-testid="journey-control"
            onChange={(n: number) => onChange({ ...body, controlPercent: n })}
          />
          <Checkbox
            checked={body.goal !== undefined}
            data-testid="journey-goal-on"
            onChange={(e) => {
              const { goal: _old, ...rest } = body;
              onChange(
                e.target.checked
                  ? {
                      ...rest,
                      goal: {
                        event: sources.events.includes('purchase') ? 'purchase' : (sources.events[0] ?? ''),
                      },
                    }
                  : rest,
              );
            }}
          >
            {t('jny.goal')}
          </Checkbox>
          {body.goal && (
            <div style={{ marginTop: 6 }}>
              <EventPicker
                value={body.goal.event}
                events={sources.events}
                testId="journey-goal-event"
                onChange={(event) => onChange({ ...body, goal: { event } })}
              />
            </div>
          )}
        </Col>
      </Row>
    </Card>
  );
}
