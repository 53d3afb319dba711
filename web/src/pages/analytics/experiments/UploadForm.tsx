import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Input, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, errorText } from '../../../api/client.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { experimentsApi, type ImportResult, type Rejection, type ExperimentUpload } from './api.ts';

/**
 * Uploads an experiment: a CSV file and its mapping (JSON, with the "experiment" section), as
 * `flywheel import experiment` takes them. The server imports all rows or none (unless partial is ticked) and names
 * every rejected row by row, line, field and reason.
 */
export function UploadForm({ onImported }: { onImported: (id: string) => void }) {
  const { t } = useI18n();
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [mapping, setMapping] = useState('');
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [failure, setFailure] = useState<{ message: string; rows: readonly Rejection[] } | null>(null);

  const submit = async () => {
    if (!csv) return;
    setFailure(null);
    setResult(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(mapping);
    } catch (e) {
      setFailure({ message: t('analytics.experiments.upload.badJson', { message: errorText(e) }), rows: [] });
      return;
    }
    setBusy(true);
    try {
      const r = await experimentsApi.upload({
        csv: csv.text,
        // Any JSON goes: the server checks the mapping and says what is wrong with it.
        mapping: parsed as ExperimentUpload['mapping'],
        allowPartial: partial,
      });
      setResult(r);
      onImported(r.experiment.id);
    } catch (e) {
      const rows =
        e instanceof ApiError
          ? ((e.details as { firstErrors?: Rejection[] } | undefined)?.firstErrors ?? [])
          : [];
      setFailure({ message: errorText(e), rows });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('analytics.experiments.upload')} data-testid="experiment-upload">
      <Typography.Paragraph type="secondary">{t('analytics.experiments.upload.help')}</Typography.Paragraph>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Upload
            accept=".csv,.txt"
            showUploadList={false}
            beforeUpload={(file) => {
              void file.text().then((text) => setCsv({ name: file.name, text }));
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="experiment-upload-csv">
              {t('analytics.experiments.upload.chooseCsv')}
            </Button>
          </Upload>
          {csv && (
            <Typography.Text type="secondary">
              {t('analytics.experiments.upload.csvChosen', {
                name: csv.name,
                n: csv.text.split('\n').filter((l) => l.trim() !== '').length,
              })}
            </Typography.Text>
          )}
          <Upload
            accept=".json"
            showUploadList={false}
            beforeUpload={(file) => {
              void file.text().then(setMapping);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />}>{t('analytics.experiments.upload.chooseMapping')}</Button>
          </Upload>
        </Space>
        <Input.TextArea
          rows={8}
          value={mapping}
          onChange={(e) => setMapping(e.target.value)}
          placeholder={
            '{ "experiment": { "id": "…", "name": "…", "control": "…", "metrics": { "visit": "binary" } },\n  "columns": { "unit_key": "…", "arm": "…", "metrics.visit": "…" } }'
          }
          spellCheck={false}
          aria-label={t('analytics.experiments.upload.mapping')}
          style={{ fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 12.5 }}
          data-testid="experiment-upload-mapping"
        />
        <Space wrap>
          <Checkbox checked={partial} onChange={(e) => setPartial(e.target.checked)}>
            {t('analytics.experiments.upload.partial')}
          </Checkbox>
          <Button
            type="primary"
            onClick={submit}
            loading={busy}
            disabled={!csv || mapping.trim() === ''}
            data-testid="experiment-upload-submit"
          >
            {t('analytics.experiments.upload.submit')}
          </Button>
        </Space>
      </Space>
      {result && (
        <Alert
          type={result.rejected ? 'warning' : 'success'}
          showIcon
          style={{ marginTop: 12 }}
          data-testid="experiment-upload-result"
          title={t('analytics.experiments.upload.done', {
            id: result.experiment.id,
            inserted: result.inserted,
            updated: result.updated,
            unchanged: result.unchanged,
            rejected: result.rejected,
            definition: result.experiment.definition,
          })}
        />
      )}
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="experiment-upload-error"
          title={t('analytics.experiments.upload.rejected', { message: failure.message })}
          description={
            failure.rows.length > 0 && (
              <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
                {failure.rows.map((r, i) => (
                  <li key={i} data-testid="experiment-upload-error-row">
                    {t('analytics.experiments.upload.rejectedRow', { ...r, value: String(r.value ?? '') })}
                  </li>
                ))}
              </ul>
            )
          }
        />
      )}
    </Card>
  );
}
