import { InputNumber, Select, Space, Typography } from 'antd';
import type { Bounds, EventRule, Rule } from '../../../api/rule.ts';
import { keyedPicker } from '../../../dictionary/keyedPicker.tsx';
import { useDictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { BoundsInput } from './BoundsInput.tsx';
import { useBuilder } from './context.ts';
import { eventLabel } from './labels.ts';
import { WhereEditor } from './WhereEditor.tsx';
import { DayPicker } from '../../../components/DayPicker.tsx';

type Measure = 'count' | 'sum';
type WindowMode = 'days' | 'range' | 'all';

/** The count or the sum of a property of an event, in a window, over the events matching `where`. */
export function EventCondition({ rule, onChange }: { rule: EventRule; onChange: (r: Rule) => void }) {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const { catalogue } = useBuilder();
  const event = catalogue.events.find((e) => e.name === rule.event);
  const properties = event?.properties ?? [];
  const measure: Measure = rule.sum ? 'sum' : 'count';
  const windowMode: WindowMode =
    rule.within_days !== undefined
      ? 'days'
      : rule.from !== undefined || rule.to !== undefined
        ? 'range'
        : 'all';

  // Writes the rule back without the keys that are unset, so the JSON stays as small as people write it.
  const set = (patch: Partial<EventRule>) => {
    const next: EventRule = { ...rule, ...patch };
    for (const key of Object.keys(next) as (keyof EventRule)[]) if (next[key] === undefined) delete next[key];
    onChange(next);
  };
  const setMeasure = (m: Measure) =>
    m === 'sum'
      ? set({ count: undefined, sum: { property: properties[0] ?? '', gte: 0 } })
      : set({ sum: undefined, count: { gte: 1 } });
  const setWindow = (mode: WindowMode) =>
    set(
      mode === 'days'
        ? { within_days: 30, from: undefined, to: undefined }
        : mode === 'range'
          ? { within_days: undefined, from: '', to: '' }
          : { within_days: undefined, from: undefined, to: undefined },
    );
  const sumBounds: Bounds | undefined = rule.sum ? (({ property: _p, ...b }) => b)(rule.sum) : undefined;

  return (
    <Space orientation="vertical" size={8} style={{ flex: 1, minWidth: 0 }}>
      <Space wrap size={8}>
        <Select<string>
          {...keyedPicker(
            catalogue.events.map((e) => ({ key: e.name, label: eventLabel(e.name, t, dictionary) })),
          )}
          placeholder={t('builder.event.pick')}
          value={rule.event || undefined}
          onChange={(name) => set({ event: name, where: undefined })}
          style={{ width: 220 }}
          popupMatchSelectWidth={false}
          data-testid="cond-event-name"
        />
        <Select<Measure>
          value={measure}
          onChange={setMeasure}
          options={[
            { value: 'count', label: t('builder.event.count') },
            { value: 'sum', label: t('builder.event.sum') },
          ]}
          style={{ width: 110 }}
          data-testid="cond-event-measure"
        />
        {measure === 'sum' && (
          <Select<string>
            value={rule.sum?.property || undefined}
            placeholder={t('builder.event.property')}
            onChange={(property) => set({ sum: { ...(sumBounds ?? {}), property } })}
            options={properties.map((p) => ({
              value: p,
              label: dictionary.displayName('event_property', p),
            }))}
            style={{ width: 150 }}
            data-testid="cond-event-sum-property"
          />
        )}
        {measure === 'count' ? (
          <BoundsInput
            value={rule.count}
            onChange={(count) => set({ count })}
            optional
            noneLabel={t('builder.event.atLeastOnce')}
            min={0}
            testId="cond-event-count"
          />
        ) : (
          <BoundsInput
            value={sumBounds}
            onChange={(b) => set({ sum: { ...(b ?? {}), property: rule.sum?.property ?? '' } })}
            optional={false}
            testId="cond-event-sum"
          />
        )}
      </Space>
      <Space wrap size={8}>
        <Typography.Text type="secondary">{t('builder.event.window')}</Typography.Text>
        <Select<WindowMode>
          value={windowMode}
          onChange={setWindow}
          options={[
            { value: 'days', label: t('builder.event.lastDays') },
            { value: 'range', label: t('builder.event.range') },
            { value: 'all', label: t('builder.event.allTime') },
          ]}
          style={{ width: 130 }}
          data-testid="cond-event-window"
        />
        {windowMode === 'days' && (
          <InputNumber<number>
            value={rule.within_days}
            min={1}
            precision={0}
            suffix={t('builder.event.days')}
            onChange={(v) => set({ within_days: v ?? (null as unknown as number) })}
            style={{ width: 120 }}
            data-testid="cond-event-days"
          />
        )}
        {windowMode === 'range' && (
          <>
            <DayPicker
              value={rule.from ?? ''}
              onChange={(day) => set({ from: day })}
              maxDay={rule.to || undefined}
              data-testid="cond-event-from"
            />
            <span>–</span>
            <DayPicker
              value={rule.to ?? ''}
              onChange={(day) => set({ to: day })}
              minDay={rule.from || undefined}
              data-testid="cond-event-to"
            />
          </>
        )}
      </Space>
      <WhereEditor where={rule.where} properties={properties} onChange={(where) => set({ where })} />
    </Space>
  );
}
