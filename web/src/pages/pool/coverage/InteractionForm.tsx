import { Alert, Button, Form, Input, Radio, Select } from 'antd';
import { CHANNELS, OUTCOMES, poolApi, type InteractionInput } from '../../../api/pool.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';
import { useSubmit } from '../../../components/useSubmit.ts';

interface Values {
  customerNo: string;
  channel: InteractionInput['channel'];
  direction: 'in' | 'out';
  summary?: string;
  outcome?: InteractionInput['outcome'];
  nextStep?: string;
  followUpOn?: string;
}

/**
 * Logs one contact with a customer (POST /v1/interactions): channel, direction, summary, outcome, next step and
 * an optional follow-up date (which creates a task). `customerNo` fixes the customer (from Customer 360).
 */
export function InteractionForm(props: { customerNo?: string; onLogged: (taskId: number | null) => void }) {
  const { t } = useI18n();
  const { busy, failure, submit } = useSubmit();
  const save = async (v: Values) => {
    await submit(async () => {
      const r = await poolApi.logInteraction({
        customerNo: props.customerNo ?? v.customerNo.trim(),
        channel: v.channel,
        direction: v.direction,
        summary: v.summary?.trim() || null,
        outcome: v.outcome ?? null,
        nextStep: v.nextStep?.trim() || null,
        followUpOn: v.followUpOn || null,
      });
      // One interaction sent: the answer is the single-item one, never a batch's.
      props.onLogged('taskId' in r ? (r.taskId ?? null) : null);
    });
  };
  return (
    <Form<Values>
      layout="vertical"
      onFinish={save}
      initialValues={{ channel: 'call', direction: 'out', customerNo: props.customerNo ?? '' }}
      data-testid="interaction-form"
    >
      {failure && (
        <Alert
          type="error"
          showIcon
          title={failure}
          style={{ marginBottom: 12 }}
          data-testid="interaction-error"
        />
      )}
      {!props.customerNo && (
        <Form.Item name="customerNo" label={t('customers.customerNo')} rules={[{ required: true }]}>
          <Input data-testid="interaction-customer" placeholder={t('customers.searchPlaceholder')} />
        </Form.Item>
      )}
      <Form.Item name="channel" label={t('interaction.channel')} rules={[{ required: true }]}>
        <Select
          options={CHANNELS.map((c) => ({ value: c, label: label(t, 'interaction.ch', c) }))}
          data-testid="interaction-channel"
        />
      </Form.Item>
      <Form.Item name="direction" label={t('interaction.direction')} rules={[{ required: true }]}>
        <Radio.Group>
          <Radio.Button value="out">{t('interaction.dir.out')}</Radio.Button>
          <Radio.Button value="in">{t('interaction.dir.in')}</Radio.Button>
        </Radio.Group>
      </Form.Item>
      <Form.Item name="summary" label={t('interaction.summary')} rules={[{ max: 2000 }]}>
        <Input.TextArea rows={3} data-testid="interaction-summary" />
      </Form.Item>
      <Form.Item name="outcome" label={t('interaction.outcome')}>
        <Select
          allowClear
          options={OUTCOMES.map((o) => ({ value: o, label: label(t, 'interaction.out', o) }))}
          data-testid="interaction-outcome"
        />
      </Form.Item>
      <Form.Item name="nextStep" label={t('interaction.nextStep')} rules={[{ max: 500 }]}>
        <Input data-testid="interaction-next" />
      </Form.Item>
      <Form.Item name="followUpOn" label={t('interaction.followUp')} help={t('interaction.followUpHelp')}>
        <Input type="date" style={{ maxWidth: 200 }} data-testid="interaction-follow-up" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="interaction-save">
        {t('interaction.save')}
      </Button>
    </Form>
  );
}
