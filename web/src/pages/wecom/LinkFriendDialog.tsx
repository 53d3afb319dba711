import { Alert, Form, Input, Modal, type ButtonProps } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api/client.ts';
import { wecomApi, type WecomFriend } from '../../api/wecom.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * Links one WeCom friend to a customer by the customer number. A refusal (a customer outside the caller's scope, an
 * unknown number) is shown as the server words it and the dialog stays open.
 */
export function LinkFriendDialog({
  friend,
  onClose,
  onLinked,
}: {
  friend: WecomFriend | null;
  onClose: () => void;
  onLinked: (customerNo: string) => void;
}) {
  const { t } = useI18n();
  const [customerNo, setCustomerNo] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  const close = () => {
    setCustomerNo('');
    setRefusal(null);
    onClose();
  };

  const submit = async () => {
    if (!friend) return;
    if (customerNo.trim() === '') {
      setRefusal(t('wecom.link.customerNoRequired'));
      return;
    }
    setBusy(true);
    setRefusal(null);
    try {
      const linked = await wecomApi.link({
        staffId: friend.staffId,
        externalUserid: friend.externalUserid,
        customerNo: customerNo.trim(),
      });
      setCustomerNo('');
      onLinked(linked.customerNo);
    } catch (e) {
      setRefusal(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={friend !== null}
      title={t('wecom.link.title', { name: friend?.name ?? t('wecom.link.unknownName') })}
      okText={t('wecom.link.submit')}
      okButtonProps={{ loading: busy, 'data-testid': 'wecom-link-ok' } as ButtonProps}
      onOk={() => void submit()}
      onCancel={close}
      destroyOnHidden
    >
      <Form layout="vertical" onFinish={() => void submit()}>
        <Form.Item label={t('wecom.link.customerNo')} required>
          <Input
            autoFocus
            maxLength={64}
            value={customerNo}
            onChange={(e) => setCustomerNo(e.target.value)}
            data-testid="wecom-link-customer"
          />
        </Form.Item>
      </Form>
      {refusal !== null && <Alert type="error" showIcon message={refusal} data-testid="wecom-link-refused" />}
    </Modal>
  );
}
