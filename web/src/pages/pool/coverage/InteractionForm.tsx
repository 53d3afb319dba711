import { Alert, Button, Form, Input, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import {
  CHANNELS,
  OUTCOMES,
  poolApi,
  type ConsentWarning,
  type InteractionInput,
} from '../../../api/pool.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';
import { useSubmit } from '../../../components/useSubmit.ts';
import { DayPicker } from '../../../components/DayPicker.tsx';

interface Values {
  customerNo: string;
  channel: InteractionInput['channel'];
  direction: 'in' | 'out';
  summary?: string;
  outcome?: InteractionInput['outcome'];
  nextStep?: string;
  followUpOn?: string;
}

/** The consent warning of a refused contact (409, details.reason consent_withdrawn), else null. */
function consentWarningOf(e: unknown): ConsentWarning | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const details = e.details as { reason?: unknown; warning?: ConsentWarning } | null;
  return details?.reason === 'consent_withdrawn' && details.warning ? details.warning : null;
}

/**
 * Logs one contact with a customer (POST /v1/interactions): channel, direction, summary, outcome, next step and
 * an optional follow-up date (which creates a task). `customerNo` fixes the customer (from Customer 360). An
 * outbound contact on a touchpoint where the customer withdrew consent (or with a do-not-contact customer) is not
 * saved at first: the server's warning is shown, and the contact is saved only once the user acknowledges it (the
 * acknowledgement is kept with the contact and audited).
 */
export function InteractionForm(props: { customerNo?: string; onLogged: (taskId: number | null) => void }) {
  const { t } = useI18n();
  const { busy, failure, submit } = useSubmit();
  const [pending, setPending] = useState<{ input: InteractionInput; warning: ConsentWarning } | null>(null);
  const send = async (input: InteractionInput) => {
    await submit(async () => {
      try {
        const r = await poolApi.logInteraction(input);
        setPending(null);
        // One interaction sent: the answer is the single-item one, never a batch's.
        props.onLogged('taskId' in r ? (r.taskId ?? null) : null);
      } catch (e) {
        const warning = consentWarningOf(e);
        if (!warning) throw e;
        setPending({ input, warning });
      }
    });
  };
  const save = (v: Values) =>
    send({
      customerNo: props.customerNo ?? v.customerNo.trim(),
      channel: v.channel,
      direction: v.direction,
      summary: v.summary?.trim() || null,
      outcome: v.outcome ?? null,
      nextStep: v.nextStep?.trim() || null,
      followUpOn: v.followUpOn || null,
    });
  const warningText = (w: ConsentWarning) =>
    [
      ...(w.revokedPurposes.length > 0 && w.touchpoint
        ? [
            t('care.consent.revoked', {
              purposes: w.revokedPurposes
                .map((p) => t(`care.consent.purpose.${p}`))
                .join(t('care.consent.and')),
              touchpoint: t(`care.touchpoint.${w.touchpoint}`),
            }),
          ]
        : []),
      ...(w.doNotContact ? [t('care.consent.dnc')] : []),
      t('care.consent.ask'),
    ].join(' ');
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
      {pending && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('care.consent.title')}
          description={
            <Space orientation="vertical" size={8}>
              <span data-testid="consent-warning-text">{warningText(pending.warning)}</span>
              <Space>
                <Button
                  danger
                  loading={busy}
                  onClick={() => void send({ ...pending.input, acknowledgedConsentWarning: true })}
                  data-testid="consent-ack"
                >
                  {t('care.consent.ack')}
                </Button>
                <Button onClick={() => setPending(null)} data-testid="consent-cancel">
                  {t('care.consent.cancel')}
                </Button>
              </Space>
            </Space>
          }
          data-testid="consent-warning"
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
        <DayPicker data-testid="interaction-follow-up" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="interaction-save">
        {t('interaction.save')}
      </Button>
    </Form>
  );
}
