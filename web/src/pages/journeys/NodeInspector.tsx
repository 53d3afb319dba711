import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { keyedPicker } from '../../dictionary/keyedPicker.tsx';
import { useDictionary } from '../../dictionary/useDictionary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { channelNamer } from '../campaigns/channelName.ts';
import { RuleAudience } from '../campaigns/RuleAudience.tsx';
import type { Rule } from '../../api/rule.ts';
import type { JourneyNode } from './api.ts';
import type { EditorSources } from './sources.ts';

type Duration = { days?: number; hours?: number; minutes?: number };
type Of<K extends JourneyNode['kind']> = Extract<JourneyNode, { kind: K }>;

/** A span of time: days, hours, minutes. */
export function DurationInput({
  value,
  onChange,
  testId,
}: {
  value: Duration;
  onChange: (d: Duration) => void;
  testId: string;
}) {
  const { t } = useI18n();
  const part = (key: keyof Duration, max: number) => (
    <InputNumber
      min={0}
      max={max}
      value={value[key] ?? 0}
      data-testid={`${testId}-${key}`}
      suffix={t(`jny.unit.${key}`)}
      style={{ width: 96 }}
      onChange={(n) => {
        const next = { ...value, [key]: n ?? 0 };
        if (!next[key]) delete next[key];
        onChange(next);
      }}
    />
  );
  return (
    <Space size={4} wrap>
      {part('days', 365)}
      {part('hours', 23)}
      {part('minutes', 59)}
    </Space>
  );
}

/** An event picker over the events the bank has seen, by display name. */
export function EventPicker({
  value,
  onChange,
  events,
  testId,
}: {
  value: string;
  onChange: (e: string) => void;
  events: readonly string[];
  testId: string;
}) {
  const dictionary = useDictionary();
  return (
    <Select
      style={{ width: '100%' }}
      value={value || undefined}
      onChange={onChange}
      data-testid={testId}
      {...keyedPicker(events.map((key) => ({ key, label: dictionary.displayName('event', key) })))}
    />
  );
}

const label = (text: string) => (
  <Typography.Text type="secondary" style={{ display: 'block', margin: '10px 0 4px', fontSize: 12 }}>
    {text}
  </Typography.Text>
);

/** The selected node's settings; every change goes straight back into the body (and so to the live check). */
export function NodeInspector(props: {
  node: JourneyNode | undefined;
  isStart: boolean;
  sources: EditorSources;
  problems: readonly string[];
  onChange: (node: JourneyNode) => void;
  onDelete: () => void;
  onMakeStart: () => void;
}) {
  const { t } = useI18n();
  const { node, sources, onChange } = props;
  if (!node)
    return (
      <Card size="small">
        <Empty description={t('jny.inspector.none')} />
      </Card>
    );
  const set = <K extends JourneyNode['kind']>(patch: Partial<Of<K>>) =>
    onChange({ ...node, ...patch } as JourneyNode);
  const fields = (() => {
    switch (node.kind) {
      case 'wait':
        return (
          <>
            <Radio.Group
              value={node.until !== undefined ? 'until' : 'duration'}
              onChange={(e) =>
                onChange(
                  e.target.value === 'until'
                    ? { id: node.id, kind: 'wait', until: '09:00' }
                    : { id: node.id, kind: 'wait', duration: { days: 1 } },
                )
              }
              options={[
                { value: 'duration', label: t('jny.wait.duration') },
                { value: 'until', label: t('jny.wait.until') },
              ]}
            />
            {label(t(node.until !== undefined ? 'jny.wait.untilHelp' : 'jny.wait.durationHelp'))}
            {node.until !== undefined ? (
              <Input
                value={node.until}
                onChange={(e) => set<'wait'>({ until: e.target.value })}
                data-testid="inspector-until"
                style={{ width: 100 }}
              />
            ) : (
              <DurationInput
                value={node.duration ?? {}}
                onChange={(duration) => set<'wait'>({ duration })}
                testId="inspector-duration"
              />
            )}
          </>
        );
      case 'split':
        return (
          <>
            {label(t('jny.split.help'))}
            {node.arms.map((arm, i) => (
              <Space key={i} style={{ marginBottom: 6 }}>
                <Input
                  value={arm.key}
                  style={{ width: 90 }}
                  data-testid={`inspector-arm-key-${i}`}
                  onChange={(e) =>
                    set<'split'>({
                      arms: node.arms.map((a, j) => (j === i ? { ...a, key: e.target.value } : a)),
                    })
                  }
                />
                <InputNumber
                  min={0}
                  max={100}
                  value={arm.share}
                  suffix="%"
                  data-testid={`inspector-arm-share-${i}`}
                  onChange={(n) =>
                    set<'split'>({ arms: node.arms.map((a, j) => (j === i ? { ...a, share: n ?? 0 } : a)) })
                  }
                />
                <Button
                  size="small"
                  icon={<DeleteOutlined />}
                  disabled={node.arms.length <= 2}
                  onClick={() => set<'split'>({ arms: node.arms.filter((_, j) => j !== i) })}
                />
              </Space>
            ))}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() =>
                set<'split'>({
                  arms: [...node.arms, { key: String.fromCharCode(97 + node.arms.length), share: 0 }],
                })
              }
            >
              {t('jny.split.add')}
            </Button>
          </>
        );
      case 'branch':
        return (
          <>
            {label(t('jny.branch.help'))}
            {node.arms.map((arm, i) => (
              <Card
                key={i}
                size="small"
                style={{ marginBottom: 8 }}
                title={
                  <Input
                    value={arm.key}
                    style={{ width: 140 }}
                    data-testid={`inspector-branch-key-${i}`}
                    onChange={(e) =>
                      set<'branch'>({
                        arms: node.arms.map((a, j) => (j === i ? { ...a, key: e.target.value } : a)),
                      })
                    }
                  />
                }
                extra={
                  <Button
                    size="small"
                    icon={<DeleteOutlined />}
                    disabled={node.arms.length <= 1}
                    onClick={() => set<'branch'>({ arms: node.arms.filter((_, j) => j !== i) })}
                  />
                }
              >
                <RuleAudience
                  rule={arm.rule as Rule}
                  onChange={(rule) =>
                    set<'branch'>({
                      arms: node.arms.map((a, j) => (j === i ? { ...a, rule: rule as typeof a.rule } : a)),
                    })
                  }
                />
              </Card>
            ))}
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() =>
                set<'branch'>({
                  arms: [...node.arms, { key: `arm_${node.arms.length + 1}`, rule: { all: [] } }],
                })
              }
            >
              {t('jny.branch.add')}
            </Button>
          </>
        );
      case 'send': {
        const channelName = channelNamer(sources.channels, t);
        return (
          <>
            {label(t('jny.send.content'))}
            <Select
              style={{ width: '100%' }}
              data-testid="inspector-content"
              value={`${node.content.id}:${node.content.version}`}
              onChange={(v: string) => {
                const [id, version] = v.split(':').map(Number) as [number, number];
                set<'send'>({ content: { id, version } });
              }}
              options={sources.content.map((c) => ({
                value: `${c.id}:${c.version}`,
                label: `${c.title} (v${c.version})`,
              }))}
            />
            {label(t('jny.send.channels'))}
            <Select
              mode="multiple"
              style={{ width: '100%' }}
              data-testid="inspector-channels"
              value={node.channels}
              onChange={(channels: string[]) => set<'send'>({ channels })}
              options={sources.channels.map((c) => ({ value: c.key, label: channelName(c.key) }))}
            />
            {label(t('jny.send.purpose'))}
            <Radio.Group
              value={node.purpose}
              onChange={(e) => set<'send'>({ purpose: e.target.value as Of<'send'>['purpose'] })}
              options={[
                { value: 'marketing', label: t('jny.purpose.marketing') },
                { value: 'service', label: t('jny.purpose.service') },
              ]}
            />
          </>
        );
      }
      case 'task':
        return (
          <>
            {label(t('jny.task.title'))}
            <Input
              value={node.title}
              maxLength={200}
              data-testid="inspector-task-title"
              onChange={(e) => set<'task'>({ title: e.target.value })}
            />
            {label(t('jny.task.due'))}
            <InputNumber
              min={0}
              max={60}
              value={node.dueDays}
              suffix={t('jny.unit.days')}
              onChange={(n) => set<'task'>({ dueDays: n ?? 0 })}
            />
          </>
        );
      case 'tag': {
        const tag = sources.manualTags.find((m) => m.key === node.tag);
        return (
          <>
            <Radio.Group
              value={node.action}
              onChange={(e) => set<'tag'>({ action: e.target.value as 'add' | 'remove' })}
              options={[
                { value: 'add', label: t('jny.tag.add') },
                { value: 'remove', label: t('jny.tag.remove') },
              ]}
            />
            {label(t('jny.tag.tag'))}
            <Select
              style={{ width: '100%' }}
              value={node.tag || undefined}
              data-testid="inspector-tag"
              onChange={(v: string) => set<'tag'>({ tag: v })}
              options={sources.manualTags.map((m) => ({ value: m.key, label: m.key }))}
            />
            {label(t('jny.tag.value'))}
            {tag && tag.values.length > 0 ? (
              <Select
                style={{ width: '100%' }}
                value={node.value || undefined}
                onChange={(v: string) => set<'tag'>({ value: v })}
                options={tag.values.map((v) => ({ value: v, label: v }))}
              />
            ) : (
              <Input
                value={node.value}
                maxLength={64}
                onChange={(e) => set<'tag'>({ value: e.target.value })}
              />
            )}
          </>
        );
      }
      case 'wait_for_event':
        return (
          <>
            {label(t('jny.waitFor.event'))}
            <EventPicker
              value={node.event}
              events={sources.events}
              testId="inspector-event"
              onChange={(event) => set<'wait_for_event'>({ event })}
            />
            {label(t('jny.waitFor.timeout'))}
            <DurationInput
              value={node.timeout}
              testId="inspector-timeout"
              onChange={(timeout) => set<'wait_for_event'>({ timeout })}
            />
          </>
        );
      case 'exit':
        return <Typography.Text type="secondary">{t('jny.exit.help')}</Typography.Text>;
    }
  })();
  return (
    <Card
      size="small"
      data-testid="journey-inspector"
      title={
        <Space>
          {t(`jny.kind.${node.kind}`)}
          <Typography.Text type="secondary" data-raw-key>
            {node.id}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space size={4}>
          {!props.isStart && node.kind !== 'exit' && (
            <Button size="small" onClick={props.onMakeStart} data-testid="inspector-make-start">
              {t('jny.inspector.makeStart')}
            </Button>
          )}
          <Button
            size="small"
            danger
            icon={<DeleteOutlined />}
            disabled={props.isStart}
            onClick={props.onDelete}
            data-testid="inspector-delete"
          />
        </Space>
      }
    >
      {fields}
      {props.problems.length > 0 && (
        <div style={{ marginTop: 10 }} data-testid="inspector-problems">
          {props.problems.map((p, i) => (
            <Typography.Text key={i} type="danger" style={{ display: 'block', fontSize: 12 }}>
              {p}
            </Typography.Text>
          ))}
        </div>
      )}
    </Card>
  );
}
