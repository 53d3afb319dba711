import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { errorText } from '../../api.ts';
import { tagsApi, type ManualImport } from '../../api/tags.ts';
import { parseCsv } from '../../components/csv.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** `customer_no,value` rows from CSV text; a header row naming the columns is skipped. */
export function manualRows(text: string): { customer_no: string; value: string }[] {
  const rows = parseCsv(text).filter((r) => (r[0] ?? '') !== '');
  if (rows.length > 0 && /^(customer_?no|客户号)$/i.test(rows[0]?.[0] ?? '')) rows.shift();
  return rows.map((r) => ({ customer_no: r[0] ?? '', value: r[1] ?? '' }));
}

/** Imports the values of a manual tag from CSV (POST /v1/tags/:key/values) and says what was taken. */
export function ManualUpload({ tagKey, onImported }: { tagKey: string; onImported: () => void }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ManualImport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const rows = manualRows(text);

  const submit = async () => {
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      setResult(await tagsApi.importValues(tagKey, rows));
      onImported();
    } catch (e) {
      setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('tagForm.upload')} data-testid="manual-upload">
      <Typography.Paragraph type="secondary">{t('tagForm.uploadHelp')}</Typography.Paragraph>
      <Input.TextArea
        rows={6}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={'customer_no,value\nC000001,vip\nC000002,watch'}
        spellCheck={false}
        style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 12.5 }}
        data-testid="manual-upload-text"
      />
      <Space style={{ marginTop: 12 }} wrap>
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
        <Button
          type="primary"
          onClick={submit}
          loading={busy}
          disabled={rows.length === 0}
          data-testid="manual-upload-submit"
        >
          {t('tagForm.uploadSubmit', { n: rows.length })}
        </Button>
      </Space>
      {result && (
        <Alert
          type={result.unknownCustomerNos.length > 0 ? 'warning' : 'success'}
          showIcon
          style={{ marginTop: 12 }}
          data-testid="manual-upload-result"
          data-value={String(result.imported)}
          title={t('tagForm.uploadResult', { n: formatInteger(result.imported, lang) })}
          description={
            result.unknownCustomerNos.length > 0 ? (
              <span data-testid="manual-upload-unknown" data-value={String(result.unknownCustomerNos.length)}>
                {t('tagForm.unknownNos', {
                  n: result.unknownCustomerNos.length,
                  list: result.unknownCustomerNos.slice(0, 20).join(', '),
                })}
              </span>
            ) : (
              t('tagForm.computeHint')
            )
          }
        />
      )}
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={failure}
          data-testid="manual-upload-error"
        />
      )}
    </Card>
  );
}
