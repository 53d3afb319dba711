import { Alert, App, Checkbox, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useSubmit } from '../../components/useSubmit.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Population } from '../campaigns/api.ts';
import { channelNamer } from '../campaigns/channelName.ts';
import { PopulationPicker } from '../campaigns/PopulationPicker.tsx';
import { useEditorSources } from '../journeys/sources.ts';
import { activitiesApi, FOLLOW_UP_WHO, type FollowUpWho } from './api.ts';

interface InviteValues {
  content: string;
  channels: string[];
  controlPercent: number;
}

/**
 * Invites a population (a saved customer group, tiers, or a rule — lists uploaded in its builder) with approved
 * content over channels, a control percent held out.
 */
export function InviteDialog({
  id,
  onClose,
  onDone,
}: {
  id: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const sources = useEditorSources();
  const { busy, failure, submit } = useSubmit();
  const [form] = Form.useForm<InviteValues>();
  const [population, setPopulation] = useState<Population>({ segmentId: '' });
  const required = [{ required: true, message: t('act.form.required') }];
  const channelName = channelNamer(sources?.channels ?? [], t);
  const send = (v: InviteValues) =>
    submit(async () => {
      const [contentId, version] = v.content.split(':').map(Number);
      if ('segmentId' in population && !population.segmentId) throw new Error(t('act.invite.noPopulation'));
      const r = await activitiesApi.invite(id, {
        population,
        content: { id: contentId ?? 0, version: version ?? 0 },
        channels: v.channels,
        controlPercent: v.controlPercent,
      });
      message.success(
        t('act.invite.done', {
          invitees: r.invitees,
          control: r.control,
          queued: r.queued,
          suppressed: r.suppressed,
          already: r.alreadyInvited,
        }),
      );
      onDone();
    });
  return (
    <Modal
      open
      title={t('act.invite.title')}
      okText={t('act.invite.submit')}
      cancelText={t('act.form.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={1080}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('act.invite.help')}</Typography.Paragraph>
      <Form layout="vertical" data-testid="invite-population">
        <PopulationPicker population={population} onChange={setPopulation} />
      </Form>
      <Form<InviteValues>
        form={form}
        layout="vertical"
        initialValues={{ controlPercent: 10, channels: [] }}
        onFinish={(v) => void send(v)}
      >
        <Form.Item name="content" label={t('act.invite.content')} rules={required}>
          <Select
            showSearch
            optionFilterProp="label"
            loading={!sources}
            data-testid="invite-content"
            options={(sources?.content ?? []).map((c) => ({
              value: `${c.id}:${c.version}`,
              label: `${c.title} (v${c.version})`,
            }))}
          />
        </Form.Item>
        <Form.Item name="channels" label={t('act.invite.channels')} rules={required}>
          <Select
            mode="multiple"
            data-testid="invite-channels"
            options={(sources?.channels ?? []).map((c) => ({ value: c.key, label: channelName(c.key) }))}
          />
        </Form.Item>
        <Form.Item name="controlPercent" label={t('act.invite.control')} rules={required}>
          <InputNumber min={0} max={50} data-testid="invite-control" />
        </Form.Item>
      </Form>
      {failure && <Alert type="error" showIcon message={failure} />}
    </Modal>
  );
}

interface FollowUpValues {
  who: FollowUpWho[];
  dueDays: number;
  title?: string;
}

/** Creates follow-up tasks for the owners of the attendees, leads or no-shows the rule names. */
export function FollowUpsDialog({ id, onClose }: { id: number; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { busy, failure, submit } = useSubmit();
  const [form] = Form.useForm<FollowUpValues>();
  const run = (v: FollowUpValues) =>
    submit(async () => {
      const r = await activitiesApi.followUps(id, {
        who: v.who,
        dueDays: v.dueDays,
        ...(v.title?.trim() ? { title: v.title.trim() } : {}),
      });
      message.success(t('act.followUps.done', { ...r }));
      onClose();
    });
  return (
    <Modal
      open
      title={t('act.followUps.title')}
      okText={t('act.followUps.submit')}
      cancelText={t('act.form.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('act.followUps.help')}</Typography.Paragraph>
      <Form<FollowUpValues>
        form={form}
        layout="vertical"
        initialValues={{ who: ['attendees', 'leads'], dueDays: 3 }}
        onFinish={(v) => void run(v)}
      >
        <Form.Item
          name="who"
          label={t('act.followUps.who')}
          rules={[{ required: true, message: t('act.form.required') }]}
        >
          <Checkbox.Group
            options={FOLLOW_UP_WHO.map((w) => ({ value: w, label: t(`act.followUps.who.${w}`) }))}
          />
        </Form.Item>
        <Form.Item name="dueDays" label={t('act.followUps.dueDays')}>
          <InputNumber min={0} max={90} />
        </Form.Item>
        <Form.Item name="title" label={t('act.followUps.taskTitle')}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
      {failure && <Alert type="error" showIcon message={failure} />}
    </Modal>
  );
}
