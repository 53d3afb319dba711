import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, InputNumber, List, Radio, Select, Space } from 'antd';
import { behaviourApi } from '../analytics/funnels/api.ts';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { contentApi, type CampaignDraft, type Channel, type ContentItem, type Schedule } from './api.ts';
import { purposeKey } from './labels.ts';

// The steps of the campaign wizard, each editing part of the draft.

/** What every step gets: the draft and a way to change part of it. */
export type StepProps = { draft: CampaignDraft; set: (patch: Partial<CampaignDraft>) => void };

/** What: one approved content item (its approved version). */
export function ContentStep({ draft, set, items }: StepProps & { items: readonly ContentItem[] }) {
  const { t } = useI18n();
  const approved = items.filter((i) => i.approvedVersion !== null);
  if (approved.length === 0) return <Alert type="info" showIcon title={t('wizard.content.none')} />;
  return (
    <Form layout="vertical">
      {draft.reminder && <ReminderVariables />}
      <Form.Item label={t('wizard.content.pick')}>
        <Select
          value={draft.content.id || undefined}
          onChange={(id: number) =>
            set({ content: { id, version: approved.find((i) => i.id === id)!.approvedVersion! } })
          }
          options={approved.map((i) => ({ value: i.id, label: i.title }))}
          style={{ maxWidth: 480 }}
          data-testid="campaign-content"
        />
      </Form.Item>
    </Form>
  );
}

/** The variables a holding reminder's content can fill in, from the editor's own vocabulary. */
function ReminderVariables() {
  const { t } = useI18n();
  const vocabulary = useLoad((signal) => contentApi.variables(signal), []);
  const fields = vocabulary.data?.fields['reminder'] ?? [];
  if (fields.length === 0) return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="reminder-variables"
      title={t('wizard.reminder.variables', { vars: fields.map((f) => `{{ reminder.${f} }}`).join('  ') })}
    />
  );
}

/** How: channels in fallback order. */
export function ChannelsStep({
  draft,
  set,
  channels,
  name,
}: StepProps & { channels: readonly Channel[]; name: (key: string) => string }) {
  const { t } = useI18n();
  const order = draft.channels;
  const move = (i: number, by: number) => {
    const next = [...order];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item!);
    set({ channels: next });
  };
  const available = channels.filter((c) => c.enabled && !order.includes(c.key));
  return (
    <Form layout="vertical">
      <Form.Item label={t('wizard.channels.pick')} extra={t('wizard.channels.help')}>
        <List
          bordered
          size="small"
          dataSource={[...order]}
          data-testid="campaign-channels"
          renderItem={(key, i) => (
            <List.Item
              actions={[
                <Button
                  key="up"
                  size="small"
                  icon={<ArrowUpOutlined />}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  aria-label={t('wizard.channels.up')}
                />,
                <Button
                  key="down"
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={i === order.length - 1}
                  onClick={() => move(i, 1)}
                  aria-label={t('wizard.channels.down')}
                />,
                <Button
                  key="rm"
                  size="small"
                  icon={<DeleteOutlined />}
                  onClick={() => set({ channels: order.filter((k) => k !== key) })}
                  aria-label={t('wizard.channels.remove')}
                />,
              ]}
            >
              {i + 1}. {name(key)}
            </List.Item>
          )}
        />
      </Form.Item>
      {available.length > 0 && (
        <Select
          value={null}
          placeholder={t('wizard.channels.add')}
          options={available.map((c) => ({ value: c.key, label: name(c.key) }))}
          onChange={(key: string | null) => key && set({ channels: [...order, key] })}
          style={{ minWidth: 280 }}
          data-testid="campaign-channel-add"
        />
      )}
    </Form>
  );
}

const KINDS = ['now', 'at', 'daily', 'weekly', 'monthly'] as const;

/** The next full hour, as the API takes instants. */
function nextHour(): string {
  const d = new Date(Date.now() + 3_600_000);
  d.setMinutes(0, 0, 0);
  return d.toISOString();
}

/** An instant as a datetime-local input shows it (the viewer's clock). */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** When: once approved, at a time, or recurring on the bank's clock. */
export function ScheduleStep({ draft, set }: StepProps) {
  const { t } = useI18n();
  const s = draft.schedule;
  const time = 'time' in s ? s.time : '09:00';
  const pick = (kind: (typeof KINDS)[number]): Schedule =>
    kind === 'now'
      ? { kind }
      : kind === 'at'
        ? { kind, at: nextHour() }
        : kind === 'daily'
          ? { kind, time }
          : kind === 'weekly'
            ? { kind, weekday: 1, time }
            : { kind, day: 1, time };
  return (
    <Form layout="vertical">
      <Form.Item label={t('wizard.schedule.kind')}>
        <Radio.Group
          value={s.kind}
          onChange={(e) => set({ schedule: pick(e.target.value) })}
          data-testid="schedule-kind"
        >
          {KINDS.map((k) => (
            <Radio key={k} value={k}>
              {t(`wizard.schedule.${k}`)}
            </Radio>
          ))}
        </Radio.Group>
      </Form.Item>
      {s.kind === 'at' && (
        <Form.Item label={t('wizard.schedule.datetime')}>
          <Input
            type="datetime-local"
            value={localInput(s.at)}
            onChange={(e) =>
              e.target.value && set({ schedule: { kind: 'at', at: new Date(e.target.value).toISOString() } })
            }
            style={{ maxWidth: 260 }}
          />
        </Form.Item>
      )}
      {s.kind === 'weekly' && (
        <Form.Item label={t('wizard.schedule.weekday')}>
          <InputNumber
            min={1}
            max={7}
            value={s.weekday}
            onChange={(v) => v && set({ schedule: { ...s, weekday: v } })}
          />
        </Form.Item>
      )}
      {s.kind === 'monthly' && (
        <Form.Item label={t('wizard.schedule.day')}>
          <InputNumber
            min={1}
            max={28}
            value={s.day}
            onChange={(v) => v && set({ schedule: { ...s, day: v } })}
          />
        </Form.Item>
      )}
      {'time' in s && (
        <Form.Item label={t('wizard.schedule.time')}>
          <Input
            type="time"
            value={s.time}
            onChange={(e) => e.target.value && set({ schedule: { ...s, time: e.target.value } })}
            style={{ maxWidth: 160 }}
          />
        </Form.Item>
      )}
    </Form>
  );
}

/** Name, purpose, the control group, the conversion it is measured by and its cost. */
export function LimitsStep({ draft, set }: StepProps) {
  const { t } = useI18n();
  const events = useLoad((signal) => behaviourApi.events(signal), []);
  return (
    <Form layout="vertical" style={{ maxWidth: 480 }}>
      <Form.Item label={t('wizard.name')}>
        <Input
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          data-testid="campaign-name"
        />
      </Form.Item>
      <Form.Item label={t('wizard.purpose')}>
        <Radio.Group value={draft.purpose} onChange={(e) => set({ purpose: e.target.value })}>
          {(['marketing', 'service'] as const).map((p) => (
            <Radio key={p} value={p}>
              {t(purposeKey(p))}
            </Radio>
          ))}
        </Radio.Group>
      </Form.Item>
      <Form.Item label={t('wizard.control')}>
        <InputNumber
          min={0}
          max={50}
          value={draft.controlPercent}
          onChange={(v) => set({ controlPercent: v ?? 0 })}
          data-testid="campaign-control"
        />
      </Form.Item>
      <Form.Item label={t('wizard.conversion')} extra={t('wizard.conversionHelp')}>
        <Space wrap>
          <Select
            allowClear
            value={draft.conversion?.event}
            placeholder={t('wizard.conversionEvent')}
            onChange={(event: string | undefined) =>
              set({
                conversion: event ? { event, windowDays: draft.conversion?.windowDays ?? 7 } : undefined,
              })
            }
            options={(events.data?.events ?? []).map((e) => ({ value: e.name, label: e.name }))}
            style={{ minWidth: 220 }}
            data-testid="campaign-conversion"
          />
          {draft.conversion && (
            <InputNumber
              min={1}
              max={90}
              value={draft.conversion.windowDays}
              addonAfter={t('wizard.days')}
              onChange={(v) => set({ conversion: { ...draft.conversion!, windowDays: v ?? 7 } })}
            />
          )}
        </Space>
      </Form.Item>
      <Form.Item label={t('wizard.cost')}>
        <InputNumber
          min={0}
          max={100}
          step={0.01}
          value={draft.costPerMessage ?? null}
          onChange={(v) => set({ costPerMessage: v ?? undefined })}
        />
      </Form.Item>
    </Form>
  );
}
