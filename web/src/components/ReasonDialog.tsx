import { Alert, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useState } from 'react';
import type { MessageKey } from '../i18n/en-US.ts';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A dialog that asks why before an audited act (dismissing a reminder, revealing personal data): a reason picked from
 * a short list, with optional details; the reason sent is the picked label in the user's language plus the details.
 */
export function ReasonDialog(props: {
  readonly open: boolean;
  readonly title: string;
  readonly reasonLabel: string;
  readonly reasons: readonly MessageKey[];
  readonly detailLabel: string;
  readonly required: string;
  readonly okText: string;
  readonly hint?: string;
  readonly testId: string;
  readonly onCancel: () => void;
  readonly onConfirm: (reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: MessageKey; detail?: string }>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    const v = await form.validateFields();
    const detail = v.detail?.trim();
    setBusy(true);
    try {
      await props.onConfirm(detail ? `${t(v.reason)}: ${detail}` : t(v.reason));
      form.resetFields();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={props.title}
      okText={props.okText}
      onOk={() => void confirm().catch(() => undefined)}
      onCancel={() => {
        form.resetFields();
        props.onCancel();
      }}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': `${props.testId}-ok` } as ButtonProps}
      data-testid={props.testId}
    >
      {props.hint && <Alert type="info" showIcon title={props.hint} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={props.reasonLabel}
          rules={[{ required: true, message: props.required }]}
        >
          <Select
            data-testid={`${props.testId}-reason`}
            options={props.reasons.map((key) => ({ value: key, label: t(key) }))}
          />
        </Form.Item>
        <Form.Item name="detail" label={props.detailLabel} rules={[{ max: 300 }]}>
          <Input data-testid={`${props.testId}-detail`} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
