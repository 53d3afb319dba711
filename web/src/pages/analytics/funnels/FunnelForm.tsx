import { DeleteOutlined, FilterOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, InputNumber, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import type { SegmentCatalogue } from '../../../api/segments.ts';
import { useMe } from '../../../auth/session.tsx';
import { bankDay, shiftDate } from '../../../format.ts';
import { useDictionary, type Dictionary } from '../../../dictionary/useDictionary.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Breakdown, EventCatalogue, FunnelRequest } from './api.ts';
import { DayPicker } from '../../../components/DayPicker.tsx';

/** A breakdown as one select value: '', 'property:month', 'tag:aum_tier', 'attribute:city', 'segment:id'. */
export function breakdownOf(value: string): Breakdown | undefined {
  const at = value.indexOf(':');
  if (at < 0) return undefined;
  const kind = value.slice(0, at);
  const name = value.slice(at + 1);
  if (kind === 'property') return { by: 'property', property: name };
  if (kind === 'tag') return { by: 'tag', tag: name };
  if (kind === 'attribute') return { by: 'attribute', attribute: name };
  if (kind === 'segment') return { by: 'segment', segments: [name] };
  return undefined;
}

/** Options of the breakdown select: first-step properties (funnels only), tags, string/boolean attributes, segments. */
export function breakdownOptions(
  t: ReturnType<typeof useI18n>['t'],
  lang: string,
  catalogue: SegmentCatalogue | null,
  properties: readonly string[] | null,
  dictionary: Dictionary,
) {
  const groups = [];
  if (properties)
    groups.push({
      label: t('analytics.funnels.byProperty'),
      options: properties.map((p) => ({
        value: `property:${p}`,
        label: dictionary.displayName('event_property', p),
      })),
    });
  if (catalogue) {
    groups.push({
      label: t('analytics.funnels.byTag'),
      options: catalogue.tags.map((tag) => ({
        value: `tag:${tag.key}`,
        label: dictionary.displayName('tag', tag.key) || (lang === 'zh-CN' ? tag.name.zh : tag.name.en),
      })),
    });
    groups.push({
      label: t('analytics.funnels.byAttribute'),
      options: catalogue.attributes
        .filter((a) => a.type === 'string' || a.type === 'boolean')
        .map((a) => ({ value: `attribute:${a.name}`, label: dictionary.displayName('attribute', a.name) })),
    });
    groups.push({
      label: t('analytics.funnels.bySegment'),
      options: catalogue.segments.map((s) => ({ value: `segment:${s.id}`, label: s.name })),
    });
  }
  return groups.filter((g) => g.options.length > 0);
}

/** The breakdown select's value of a definition's breakdown (the inverse of breakdownOf; first segment only). */
export function breakdownValue(b: Breakdown | undefined): string {
  if (!b) return '';
  if (b.by === 'property') return `property:${b.property}`;
  if (b.by === 'tag') return `tag:${b.tag}`;
  if (b.by === 'attribute') return `attribute:${b.attribute}`;
  return b.segments[0] ? `segment:${b.segments[0]}` : '';
}

/** The saved-group select's value of a definition's population ('' for every customer or an ad-hoc rule). */
export function populationValue(p: { segmentId: string } | { rule: unknown } | undefined): string {
  return p && 'segmentId' in p ? p.segmentId : '';
}

/** A step's equality conditions as the editor shows them (range conditions are not editable here). */
function filtersOf(where: Record<string, unknown> | undefined): StepFilter[] {
  return Object.entries(where ?? {})
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([property, value]) => ({ property, value: String(value) }));
}

/** One property condition of a step: property = value. */
interface StepFilter {
  readonly property: string;
  readonly value: string;
}

/** A value as typed, as the event stores it: numbers and true/false as such, anything else as text. */
function typed(value: string): string | number | boolean {
  const v = value.trim();
  if (v === 'true' || v === 'false') return v === 'true';
  return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

/** The API's `where` of a step (property → value), or undefined when the step has no complete condition. */
export function whereOf(
  filters: readonly StepFilter[],
): Record<string, string | number | boolean> | undefined {
  const complete = filters.filter((f) => f.property && f.value.trim() !== '');
  return complete.length === 0
    ? undefined
    : Object.fromEntries(complete.map((f) => [f.property, typed(f.value)]));
}

/** The property conditions of one step ("channel = app"), each removable; properties are the event's own. */
function StepFilters(props: {
  step: number;
  properties: readonly string[];
  value: readonly StepFilter[];
  onChange: (next: StepFilter[]) => void;
}) {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const set = (i: number, change: Partial<StepFilter>) =>
    props.onChange(props.value.map((f, j) => (j === i ? { ...f, ...change } : f)));
  return (
    <Space wrap data-testid={`funnel-step-filters-${props.step}`}>
      {props.value.map((f, i) => (
        <Space.Compact key={i}>
          <Select
            value={f.property || undefined}
            placeholder={t('analytics.funnels.property')}
            options={props.properties.map((p) => ({
              value: p,
              label: dictionary.displayName('event_property', p),
            }))}
            onChange={(property: string) => set(i, { property })}
            style={{ width: 150 }}
            data-testid={`funnel-filter-property-${props.step}-${i + 1}`}
          />
          <Input
            value={f.value}
            placeholder={t('analytics.funnels.equals')}
            onChange={(e) => set(i, { value: e.target.value })}
            style={{ width: 130 }}
            data-testid={`funnel-filter-value-${props.step}-${i + 1}`}
          />
          <Button
            icon={<DeleteOutlined />}
            onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}
            aria-label={t('analytics.funnels.removeFilter')}
          />
        </Space.Compact>
      ))}
      <Button
        type="dashed"
        icon={<FilterOutlined />}
        disabled={props.properties.length === 0}
        onClick={() => props.onChange([...props.value, { property: props.properties[0] ?? '', value: '' }])}
        data-testid={`funnel-add-filter-${props.step}`}
      >
        {t('analytics.funnels.addFilter')}
      </Button>
    </Space>
  );
}

/** The step editor (event names present in the store), window, first-step dates and breakdown. */
export function FunnelForm(props: {
  events: EventCatalogue;
  catalogue: SegmentCatalogue | null;
  /** A saved report's definition to start from. */
  initial?: FunnelRequest | undefined;
  onRun: (request: FunnelRequest) => void;
}) {
  const { t, lang } = useI18n();
  const dictionary = useDictionary();
  const names = props.events.events.map((e) => e.name);
  // Defaults end on the bank's business day of the latest event (else today), as the server cuts days.
  const { timeZone } = useMe();
  const latestEvent = props.events.freshness.latestEventTime;
  const latest = latestEvent ? bankDay(timeZone, latestEvent) : bankDay(timeZone);
  const init = props.initial;
  const [steps, setSteps] = useState<string[]>(init?.steps.map((s) => s.event) ?? names.slice(0, 2));
  const [filters, setFilters] = useState<StepFilter[][]>(
    init?.steps.map((s) => filtersOf(s.where)) ?? [[], []],
  );
  const [population, setPopulation] = useState(populationValue(init?.population));
  const [days, setDays] = useState<number>(
    init ? ('days' in init.window ? init.window.days : Math.ceil(init.window.seconds / 86_400)) : 7,
  );
  const [from, setFrom] = useState(init?.from ?? shiftDate(latest, -29));
  const [to, setTo] = useState(init?.to ?? latest);
  const [breakdown, setBreakdown] = useState(breakdownValue(init?.breakdown));
  // The catalogue can arrive after the first render: start with its first two events then.
  const known = names.join(',');
  useEffect(() => {
    if (steps.length === 0 && names.length > 0) setSteps(names.slice(0, 2));
  }, [known]);

  const firstProperties = props.events.events.find((e) => e.name === steps[0])?.properties ?? [];
  const complete = steps.length >= 2 && steps.every(Boolean) && from <= to;
  const run = () => {
    const b = breakdownOf(breakdown);
    props.onRun({
      steps: steps.map((event, i) => {
        const where = whereOf(filters[i] ?? []);
        return where ? { event, where } : { event };
      }),
      ...(population ? { population: { segmentId: population } } : {}),
      window: { days },
      from,
      to,
      ...(b ? { breakdown: b } : {}),
    });
  };

  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="funnel-form">
      <Form layout="vertical">
        <Form.Item label={t('analytics.funnels.steps')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {steps.map((step, i) => (
              <Space key={i} align="start" wrap>
                <span style={{ width: 24, display: 'inline-block' }}>{i + 1}.</span>
                <Select
                  showSearch
                  value={step || undefined}
                  placeholder={t('analytics.funnels.pickEvent')}
                  options={names.map((n) => ({ value: n, label: dictionary.displayName('event', n) }))}
                  onChange={(v: string) => setSteps(steps.map((s, j) => (j === i ? v : s)))}
                  style={{ width: 260 }}
                  data-testid={`funnel-step-select-${i + 1}`}
                />
                <Button
                  icon={<DeleteOutlined />}
                  disabled={steps.length <= 2}
                  onClick={() => {
                    setSteps(steps.filter((_, j) => j !== i));
                    setFilters(filters.filter((_, j) => j !== i));
                  }}
                  aria-label={t('analytics.funnels.removeStep')}
                />
                <StepFilters
                  step={i + 1}
                  properties={props.events.events.find((e) => e.name === step)?.properties ?? []}
                  value={filters[i] ?? []}
                  onChange={(next) => setFilters(steps.map((_, j) => (j === i ? next : (filters[j] ?? []))))}
                />
              </Space>
            ))}
            <Button
              icon={<PlusOutlined />}
              disabled={steps.length >= 8}
              onClick={() => {
                setSteps([...steps, '']);
                setFilters([...filters, []]);
              }}
              data-testid="funnel-add-step"
            >
              {t('analytics.funnels.addStep')}
            </Button>
          </Space>
        </Form.Item>
        <Space wrap align="end">
          <Form.Item label={t('analytics.funnels.windowDays')}>
            <InputNumber
              min={1}
              max={366}
              value={days}
              onChange={(v) => setDays(v ?? 7)}
              data-testid="funnel-window"
            />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.from')}>
            <DayPicker value={from} onChange={setFrom} maxDay={to || undefined} data-testid="funnel-from" />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.to')}>
            <DayPicker value={to} onChange={setTo} minDay={from || undefined} data-testid="funnel-to" />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.population')}>
            <Select
              value={population}
              onChange={setPopulation}
              style={{ width: 220 }}
              options={[
                { value: '', label: t('analytics.funnels.allCustomers') },
                ...(props.catalogue?.segments ?? []).map((seg) => ({ value: seg.id, label: seg.name })),
              ]}
              data-testid="funnel-population"
            />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.breakdown')}>
            <Select
              value={breakdown}
              onChange={setBreakdown}
              style={{ width: 240 }}
              options={[
                { value: '', label: t('analytics.funnels.noBreakdown') },
                ...breakdownOptions(t, lang, props.catalogue, firstProperties, dictionary),
              ]}
              data-testid="funnel-breakdown"
            />
          </Form.Item>
          <Form.Item>
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              disabled={!complete}
              onClick={run}
              data-testid="funnel-run"
            >
              {t('analytics.funnels.run')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
    </Card>
  );
}
