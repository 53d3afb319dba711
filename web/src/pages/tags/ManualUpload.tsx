import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Input, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, errorText } from '../../api/client.ts';
import { tagsApi, type ManualImport } from '../../api/tags.ts';
import { parseCsv } from '../../components/csv.ts';
import { formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type Row = { customer_no: string; value: string };

/** `customer_no,value` rows from CSV text; a header row naming the columns is skipped. */
export function manualRows(text: string): Row[] {
  const rows = parseCsv(text).filter((r) => (r[0] ?? '') !== '');
  if (rows.length > 0 && /^(customer_?no|客户号)$/i.test(rows[0]?.[0] ?? '')) rows.shift();
  return rows.map((r) => ({ customer_no: r[0] ?? '', value: r[1] ?? '' }));
}

const toCsv = (rows: readonly Row[]) =>
  ['customer_no,value', ...rows.map((r) => `${r.customer_no},${r.value}`)].join('\n');

/** Why an import was refused: every offending row, 1-based in the rows sent (the document leaves `details` open). */
interface ImportRejection {
  readonly rows?: readonly { row: number; customer_no: string; reason: string }[];
}

/**
 * Imports the values of a manual tag (POST /v1/tags/:key/values). The server takes all rows or none: a refusal names
 * every offending row here, with a way to leave those rows out and import the rest.
 */
export function ManualUpload({ tagKey, onImported }: { tagKey: string; onImported: () => void }) {
  const { t, lang } = useI18n();
  const [text, setText] = useState('');
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ManualImport | null>(null);
  const [rejection, setRejection] = useState<{
    message: string;
    rows: NonNullable<ImportRejection['rows']>;
  } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const rows = manualRows(text);

  const edit = (next: string) => {
    setText(next);
    setRejection(null);
  };
  const submit = async () => {
    setBusy(true);
    setFailure(null);
    setRejection(null);
    setResult(null);
    try {
      setResult(await tagsApi.importValues(tagKey, rows, replace));
      onImported();
    } catch (e) {
      const details = e instanceof ApiError ? (e.details as ImportRejection | undefined) : undefined;
      if (e instanceof ApiError && details?.rows?.length)
        setRejection({ message: e.message, rows: details.rows });
      else setFailure(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  // Rows are numbered by their position in the body sent (1-based).
  const dropRejected = () => {
    const bad = new Set(rejection?.rows.map((r) => r.row - 1));
    edit(toCsv(rows.filter((_, i) => !bad.has(i))));
  };

  return (
    <Card title={t('tagForm.upload')} data-testid="manual-upload">
      <Typography.Paragraph type="secondary">{t('tagForm.uploadHelp')}</Typography.Paragraph>
      <Input.TextArea
        rows={6}
        value={text}
        onChange={(e) => edit(e.target.value)}
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
            void file.text().then(edit);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('builder.list.chooseFile')}</Button>
        </Upload>
        <Checkbox checked={replace} onChange={(e) => setReplace(e.target.checked)}>
          {t('tagForm.replace')}
        </Checkbox>
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
      {rejection && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="manual-upload-rejected"
          data-value={String(rejection.rows.length)}
          title={t('tagForm.rejected', { n: rejection.rows.length })}
          description={
            <>
              <ul style={{ margin: '4px 0 8px', paddingInlineStart: 18 }}>
                {rejection.rows.slice(0, 50).map((r) => (
                  <li key={r.row} data-testid="manual-upload-rejected-row">
                    {t('tagForm.rejectedRow', { row: r.row, no: r.customer_no, reason: r.reason })}
                  </li>
                ))}
              </ul>
              <Button size="small" onClick={dropRejected} data-testid="manual-upload-drop">
                {t('tagForm.dropRejected', { n: rejection.rows.length })}
              </Button>
            </>
          }
        />
      )}
      {result && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="manual-upload-result"
          data-value={String(result.imported)}
          title={t('tagForm.uploadResult', { n: formatInteger(result.imported, lang) })}
          description={t('tagForm.computeHint')}
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
