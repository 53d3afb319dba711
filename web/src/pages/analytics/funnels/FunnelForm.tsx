import { DeleteOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, InputNumber, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import type { SegmentCatalogue } from '../../../api/segments.ts';
import { shiftDate } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Breakdown, EventCatalogue, FunnelRequest } from './api.ts';

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
) {
  const groups = [];
  if (properties)
    groups.push({
      label: t('analytics.funnels.byProperty'),
      options: properties.map((p) => ({ value: `property:${p}`, label: p })),
    });
  if (catalogue) {
    groups.push({
      label: t('analytics.funnels.byTag'),
      options: catalogue.tags.map((tag) => ({
        value: `tag:${tag.key}`,
        label: lang === 'zh-CN' ? tag.name.zh : tag.name.en,
      })),
    });
    groups.push({
      label: t('analytics.funnels.byAttribute'),
      options: catalogue.attributes
        .filter((a) => a.type === 'string' || a.type === 'boolean')
        .map((a) => ({ value: `attribute:${a.name}`, label: a.name })),
    });
    groups.push({
      label: t('analytics.funnels.bySegment'),
      options: catalogue.segments.map((s) => ({ value: `segment:${s.id}`, label: s.name })),
    });
  }
  return groups.filter((g) => g.options.length > 0);
}

/** The step editor (event names present in the store), window, first-step dates and breakdown. */
export function FunnelForm(props: {
  events: EventCatalogue;
  catalogue: SegmentCatalogue | null;
  onRun: (request: FunnelRequest) => void;
}) {
  const { t, lang } = useI18n();
  const names = props.events.events.map((e) => e.name);
  const latest =
    props.events.freshness.latestEventTime?.slice(0, 10) ?? new Date().toISOString().slice(0, 10);
  const [steps, setSteps] = useState<string[]>(names.slice(0, 2));
  const [days, setDays] = useState<number>(7);
  const [from, setFrom] = useState(shiftDate(latest, -29));
  const [to, setTo] = useState(latest);
  const [breakdown, setBreakdown] = useState('');
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
      steps: steps.map((event) => ({ event })),
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
              <Space key={i}>
                <span style={{ width: 24, display: 'inline-block' }}>{i + 1}.</span>
                <Select
                  showSearch
                  value={step || undefined}
                  placeholder={t('analytics.funnels.pickEvent')}
                  options={names.map((n) => ({ value: n, label: n }))}
                  onChange={(v: string) => setSteps(steps.map((s, j) => (j === i ? v : s)))}
                  style={{ width: 260 }}
                  data-testid={`funnel-step-select-${i + 1}`}
                />
                <Button
                  icon={<DeleteOutlined />}
                  disabled={steps.length <= 2}
                  onClick={() => setSteps(steps.filter((_, j) => j !== i))}
                  aria-label={t('analytics.funnels.removeStep')}
                />
              </Space>
            ))}
            <Button
              icon={<PlusOutlined />}
              disabled={steps.length >= 8}
              onClick={() => setSteps([...steps, ''])}
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
            <Input
              type="date"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-testid="funnel-from"
            />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.to')}>
            <Input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="funnel-to" />
          </Form.Item>
          <Form.Item label={t('analytics.funnels.breakdown')}>
            <Select
              value={breakdown}
              onChange={setBreakdown}
              style={{ width: 240 }}
              options={[
                { value: '', label: t('analytics.funnels.noBreakdown') },
                ...breakdownOptions(t, lang, props.catalogue, firstProperties),
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
