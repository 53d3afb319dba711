import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Radio, Select, Space, Steps, Typography, Upload } from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, errorText } from '../../../api/client.ts';
import {
  handoversApi,
  type HandoverPreview,
  type HandoverRequest,
  type Split,
} from '../../../api/handovers.ts';
import { poolApi } from '../../../api/pool.ts';
import { parseCsv, readFileText, withoutHeader } from '../../../components/csv.ts';
import { BackLink, PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate, useSearchParams } from '../../../router.ts';
import { PreviewView } from './PreviewView.tsx';

/**
 * One-click handover: departing manager → takers, split and reason → preview (the same decisions the job will
 * take) → run, then the progress page. `?from=` prefills the departing manager (from the staff page).
 */
export function HandoverWizard() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const params = useSearchParams();
  const [from, setFrom] = useState<string | undefined>(params.get('from') ?? undefined);
  const [takers, setTakers] = useState<string[]>([]);
  const [split, setSplit] = useState<Split>('even');
  const [mapping, setMapping] = useState<Record<string, string> | null>(null);
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<HandoverPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const staff = useLoad((signal) => poolApi.staff({ role: 'account_manager' }, signal), []);
  const byId = useMemo(() => new Map((staff.data ?? []).map((s) => [s.id, s])), [staff.data]);
  const fromManager = from ? byId.get(from) : undefined;
  const inService = fromManager?.status === 'active';

  const body = (): HandoverRequest => ({
    fromManagerId: from ?? '',
    split,
    ...(split === 'mapping' ? { mapping: mapping ?? {} } : { takerIds: takers }),
    reason: reason.trim() || null,
  });
  const ready =
    from !== undefined &&
    (split === 'mapping' ? mapping !== null && Object.keys(mapping).length > 0 : takers.length > 0) &&
    (!inService || reason.trim() !== '');

  const call = async <T,>(fn: () => Promise<T>, then: (value: T) => void) => {
    setBusy(true);
    setFailure(null);
    try {
      then(await fn());
    } catch (e) {
      setFailure(e instanceof ApiError && e.status === 409 ? t('handover.conflict') : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const upload = async (file: File) => {
    const rows = withoutHeader(parseCsv(await readFileText(file)), (first) => /\d/.test(first));
    const next: Record<string, string> = {};
    for (const [no, taker] of rows) if (no && taker) next[no] = taker;
    setMapping(next);
    message.info(t('handover.mappingLoaded', { n: Object.keys(next).length }));
    return false;
  };

  const staffOption = (s: {
    id: string;
    name: string;
    poolSize: number;
    poolCapacity: number;
    status: string;
  }) => ({
    value: s.id,
    label: `${s.name} (${s.id}) · ${formatInteger(s.poolSize, lang)}/${formatInteger(s.poolCapacity, lang)}${
      s.status === 'departed' ? ` · ${t('staff.status.departed')}` : ''
    }`,
  });

  const setup = (
    <Card data-testid="handover-setup">
      <Form layout="vertical" style={{ maxWidth: 720 }}>
        <Form.Item
          label={t('handover.from')}
          required
          help={fromManager && t(`handover.kind.${inService ? 'in_service' : 'departed'}`)}
        >
          <Select
            showSearch
            optionFilterProp="label"
            value={from}
            onChange={(v: string) => {
              setFrom(v);
              setTakers((ts) => ts.filter((x) => x !== v));
            }}
            loading={staff.loading}
            options={(staff.data ?? []).filter((s) => s.poolSize > 0 || s.id === from).map(staffOption)}
            data-testid="handover-from"
          />
        </Form.Item>
        <Form.Item label={t('handover.split')} required>
          <Radio.Group
            value={split}
            onChange={(e) => setSplit(e.target.value as Split)}
            data-testid="handover-split"
          >
            <Radio.Button value="even">{t('handover.split.even')}</Radio.Button>
            <Radio.Button value="aum">{t('handover.split.aum')}</Radio.Button>
            <Radio.Button value="mapping">{t('handover.split.mapping')}</Radio.Button>
          </Radio.Group>
        </Form.Item>
        {split === 'mapping' ? (
          <Form.Item label={t('handover.mapping')} help={t('handover.mappingHelp')} required>
            <Upload accept=".csv,.txt" maxCount={1} beforeUpload={upload} showUploadList={false}>
              <Button icon={<UploadOutlined />}>{t('handover.mappingUpload')}</Button>
            </Upload>
            {mapping && (
              <Typography.Text style={{ marginInlineStart: 12 }}>
                {t('handover.mappingLoaded', { n: Object.keys(mapping).length })}
              </Typography.Text>
            )}
          </Form.Item>
        ) : (
          <Form.Item label={t('handover.takers')} required>
            <Select
              mode="multiple"
              showSearch
              optionFilterProp="label"
              value={takers}
              onChange={(v: string[]) => setTakers(v)}
              options={(staff.data ?? [])
                .filter((s) => s.status === 'active' && s.id !== from)
                .map(staffOption)}
              data-testid="handover-takers"
            />
          </Form.Item>
        )}
        <Form.Item
          label={t('handover.reason')}
          required={inService}
          help={inService ? t('handover.reasonRequired') : undefined}
        >
          <Input.TextArea
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="handover-reason"
          />
        </Form.Item>
        <Button
          type="primary"
          disabled={!ready}
          loading={busy}
          onClick={() => call(() => handoversApi.preview(body()), setPreview)}
          data-testid="handover-preview"
        >
          {t('handover.previewButton')}
        </Button>
      </Form>
    </Card>
  );

  return (
    <div data-testid="handover-wizard">
      <PageHeader
        title={t('handover.newTitle')}
        subtitle={t('handover.newSubtitle')}
        back={<BackLink to="/pool/handovers">{t('handover.backToList')}</BackLink>}
      />
      <Steps
        current={preview ? 1 : 0}
        style={{ marginBottom: 16, maxWidth: 720 }}
        items={[
          { title: t('handover.step.setup') },
          { title: t('handover.step.preview') },
          { title: t('handover.step.run') },
        ]}
      />
      {failure && (
        <Alert
          type="error"
          showIcon
          title={failure}
          style={{ marginBottom: 16 }}
          data-testid="handover-error"
        />
      )}
      {preview ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <PreviewView preview={preview} />
          <Space>
            <Button onClick={() => setPreview(null)}>{t('handover.back')}</Button>
            <Button
              type="primary"
              danger={preview.kind === 'in_service'}
              loading={busy}
              disabled={preview.foreseen.moved + preview.foreseen.refused === 0}
              onClick={() =>
                call(
                  () => handoversApi.run(body()),
                  (r) => navigate(`/pool/handovers/${r.job.id}`),
                )
              }
              data-testid="handover-run"
            >
              {t('care.handover.run', {
                moved: formatInteger(preview.foreseen.moved, lang),
                refused: formatInteger(preview.foreseen.refused, lang),
              })}
            </Button>
          </Space>
        </Space>
      ) : (
        setup
      )}
    </div>
  );
}
