import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, errorText } from '../../../api/client.ts';
import { segmentsApi } from '../../../api/segments.ts';
import { parseCsv } from '../../../components/csv.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useBuilder } from './context.ts';

/** Customer numbers from pasted text or a CSV file: the first column of each row, without a header row. */
export function customerNosFrom(text: string): string[] {
  const rows = parseCsv(text);
  const first = rows.map((r) => r[0] ?? '').filter((c) => c !== '');
  if (first.length > 0 && /^(customer_?no|客户号|customer)$/i.test(first[0] ?? '')) first.shift();
  return [...new Set(first)];
}

/** Uploads a customer list (POST /v1/lists) and hands back its id. */
export function ListUpload({ onUploaded }: { onUploaded: (id: string) => void }) {
  const { t } = useI18n();
  const { reloadCatalogue } = useBuilder();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // Numbers the server did not know: the upload is refused until the user accepts leaving them out.
  const [unknown, setUnknown] = useState<{ count: number; sample: readonly string[] } | null>(null);
  const numbers = customerNosFrom(text);

  const submit = async (allowUnknown: boolean) => {
    setBusy(true);
    setFailure(null);
    try {
      const list = await segmentsApi.createList(name.trim(), numbers, allowUnknown);
      await reloadCatalogue();
      onUploaded(list.id);
      setOpen(false);
      setName('');
      setText('');
      setUnknown(null);
    } catch (e) {
      const details =
        e instanceof ApiError
          ? (e.details as { unknownCustomerNos?: string[]; unknownCount?: number } | undefined)
          : undefined;
      if (details?.unknownCustomerNos)
        setUnknown({
          count: details.unknownCount ?? details.unknownCustomerNos.length,
          sample: details.unknownCustomerNos.slice(0, 20),
        });
      else setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="list-upload-open">
        {t('builder.list.upload')}
      </Button>
      <Modal
        open={open}
        title={t('builder.list.uploadTitle')}
        onCancel={() => setOpen(false)}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              onClick={() => void submit(unknown !== null)}
              loading={busy}
              disabled={name.trim() === '' || numbers.length === 0}
              data-testid="list-upload-submit"
            >
              {unknown
                ? t('builder.list.uploadKnown', { n: numbers.length - unknown.count })
                : t('builder.list.uploadSubmit')}
            </Button>
          </>
        }
      >
        <Form layout="vertical">
          <Form.Item label={t('builder.list.name')} required>
            <Input value={name} onChange={(e) => setName(e.target.value)} data-testid="list-upload-name" />
          </Form.Item>
          <Form.Item label={t('builder.list.numbers')} extra={t('builder.list.numbersHelp')}>
            <Input.TextArea
              rows={6}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setUnknown(null);
              }}
              data-testid="list-upload-text"
              placeholder={'C000001\nC000002'}
            />
          </Form.Item>
          <Upload
            accept=".csv,.txt"
            showUploadList={false}
            beforeUpload={(file) => {
              void file.text().then(setText);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />}>{t('builder.list.chooseFile')}</Button>
          </Upload>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('builder.list.count', { n: numbers.length })}
          </Typography.Paragraph>
        </Form>
        {unknown && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 12 }}
            data-testid="list-upload-unknown"
            data-value={String(unknown.count)}
            title={t('builder.list.unknown', { n: unknown.count })}
            description={unknown.sample.join(', ')}
          />
        )}
        {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} />}
      </Modal>
    </>
  );
}
