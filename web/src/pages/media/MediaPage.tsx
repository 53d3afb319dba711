import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  InputNumber,
  Modal,
  Input,
  Space,
  Table,
  Tooltip,
  Typography,
  Upload,
} from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, errorText, withQuery } from '../../api/client.ts';
import { EChart, type ChartOption } from '../../charts/EChart.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  isComparison,
  mediaApi,
  type ChannelRow,
  type Comparison,
  type Dimension,
  type MetricKey,
} from './api.ts';

// /media: channels compared on five dimensions — a radar of each channel's 0–100 scores (relative to the best
// channel), a table of every metric with its definition as the tooltip, the window and freshness, the CSV export,
// and dialogs to import spend and brand reports and to re-run the attribution.

const RATIOS = new Set<MetricKey>([
  'ctr',
  'retention30dRate',
  'retention90dRate',
  'activationRate',
  'firstPurchaseRate',
  'stageReachedRate',
  'organicLift',
]);

/** A metric's value for display: percentages for ratios, grouped digits otherwise, – for unknown. */
function shown(key: MetricKey, value: number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return '–';
  if (RATIOS.has(key)) return `${(100 * value).toFixed(1)}%`;
  return value.toLocaleString(lang, { maximumFractionDigits: key === 'referralRate' ? 2 : 0 });
}

/** The radar of every channel's five scores. */
function radarOption(c: Comparison, label: (d: Dimension) => string, lang: string): ChartOption {
  return {
    tooltip: {},
    legend: { bottom: 0 },
    radar: {
      indicator: c.dimensions.map((d) => ({ name: label(d.key), max: 100 })),
      radius: '65%',
    },
    series: [
      {
        type: 'radar',
        data: c.channels.map((row) => ({
          name: lang === 'zh-CN' ? row.channel.name : row.channel.nameEn,
          value: c.dimensions.map((d) => row.scores[d.key] ?? 0),
        })),
      },
    ],
  };
}

/** The Media area. */
export default function MediaPage() {
  const { t, lang } = useI18n();
  const [windowDays, setWindowDays] = useState(30);
  const [dialog, setDialog] = useState<'spend' | 'brand' | null>(null);
  const [busy, setBusy] = useState(false);
  const data = useLoad((signal) => mediaApi.comparison({ window: windowDays }, signal), [windowDays]);
  // No attribution for the window yet: the server says so (200, attribution null) and the page offers to run it.
  const c = data.data && isComparison(data.data) ? data.data : undefined;
  const label = (d: Dimension) => t(`media.dimension.${d}`);
  const option = useMemo(() => (c ? radarOption(c, label, lang) : null), [c, lang]);
  const noAttribution = data.data !== undefined && data.data !== null && !isComparison(data.data);
  const attribute = async () => {
    setBusy(true);
    try {
      await mediaApi.attribute(windowDays);
      data.reload();
    } finally {
      setBusy(false);
    }
  };
  if (data.error && !noAttribution && !c)
    return <LoadError error={data.error} title={t('media.loadFailed')} onRetry={data.reload} />;
  const definition = (d: { en: string; zh: string }) => (lang === 'zh-CN' ? d.zh : d.en);
  return (
    <div data-testid="media-page">
      <PageHeader
        title={t('media.title')}
        subtitle={t('media.subtitle')}
        extra={
          <Space wrap>
            <span>{t('media.window')}</span>
            <InputNumber
              min={1}
              max={365}
              value={windowDays}
              onChange={(v) => v && setWindowDays(v)}
              data-testid="media-window"
            />
            <Button onClick={attribute} loading={busy} data-testid="media-attribute">
              {t('media.attribute')}
            </Button>
            <Button
              icon={<UploadOutlined />}
              onClick={() => setDialog('spend')}
              data-testid="media-import-spend"
            >
              {t('media.importSpend')}
            </Button>
            <Button
              icon={<UploadOutlined />}
              onClick={() => setDialog('brand')}
              data-testid="media-import-brand"
            >
              {t('media.importBrand')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              disabled={!c}
              href={
                c
                  ? withQuery('/v1/media/comparison.csv', { from: c.from, to: c.to, window: c.windowDays })
                  : undefined
              }
              data-testid="media-export"
            >
              {t('media.export')}
            </Button>
          </Space>
        }
      />
      {noAttribution ? (
        <Alert type="info" showIcon message={t('media.noAttribution')} data-testid="media-no-attribution" />
      ) : null}
      {c ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Typography.Text type="secondary" data-testid="media-freshness">
            {t('media.freshness', {
              from: c.from,
              to: c.to,
              window: c.windowDays,
              through: c.freshness.dataThrough ?? '–',
              at: formatDateTime(c.freshness.attributionComputedAt),
              spend: c.freshness.spendThrough ?? '–',
            })}
          </Typography.Text>
          <Card title={t('media.radar')} size="small">
            {option ? <EChart option={option} height={360} testId="media-radar" /> : null}
            <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="media-dimension-definitions">
              {c.dimensions.map((d) => (
                <li key={d.key}>
                  <b>{label(d.key)}</b>: {definition(d.definition)}
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t('media.table')} size="small">
            <Table<ChannelRow>
              size="small"
              rowKey={(r) => r.channel.key}
              dataSource={c.channels}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(r) => ({ 'data-testid': `media-row-${r.channel.key}` }) as object}
              columns={[
                {
                  title: t('media.channel'),
                  fixed: 'left',
                  render: (_, r) => (lang === 'zh-CN' ? r.channel.name : r.channel.nameEn),
                },
                ...c.dimensions.map((d) => ({
                  title: (
                    <Tooltip title={definition(d.definition)}>
                      {t('media.score', { d: label(d.key) })}
                    </Tooltip>
                  ),
                  key: `score-${d.key}`,
                  render: (_: unknown, r: ChannelRow) => (
                    <span data-testid={`media-score-${r.channel.key}-${d.key}`}>
                      {r.scores[d.key] ?? '–'}
                    </span>
                  ),
                })),
                ...c.metrics.map((m) => ({
                  title: (
                    <Tooltip title={definition(m.definition)}>
                      <span data-testid={`media-metric-${m.key}`}>{t(`media.metric.${m.key}`)}</span>
                    </Tooltip>
                  ),
                  key: m.key,
                  align: 'right' as const,
                  render: (_: unknown, r: ChannelRow) => (
                    <span data-testid={`media-value-${r.channel.key}-${m.key}`}>
                      {shown(m.key, r.metrics[m.key], lang)}
                    </span>
                  ),
                })),
              ]}
            />
          </Card>
        </Space>
      ) : null}
      <ImportDialog
        kind={dialog}
        onClose={(imported) => {
          setDialog(null);
          if (imported) data.reload();
        }}
      />
    </div>
  );
}

/** Paste or pick a CSV report and import it; rejected rows are listed with their location. */
function ImportDialog({
  kind,
  onClose,
}: {
  kind: 'spend' | 'brand' | null;
  onClose: (imported: boolean) => void;
}) {
  const { t } = useI18n();
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!kind) return;
    setBusy(true);
    setProblems([]);
    try {
      const r = kind === 'spend' ? await mediaApi.importSpend(csv) : await mediaApi.importBrand(csv);
      setResult(t('media.imported', { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged }));
    } catch (e) {
      const details =
        e instanceof ApiError
          ? (e.details as { firstErrors?: { path: string; reason: string }[] })
          : undefined;
      setProblems(details?.firstErrors?.map((p) => `${p.path}: ${p.reason}`) ?? [errorText(e)]);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    const imported = result !== null;
    setCsv('');
    setResult(null);
    setProblems([]);
    onClose(imported);
  };
  return (
    <Modal
      open={kind !== null}
      title={kind === 'brand' ? t('media.importBrand') : t('media.importSpend')}
      onCancel={close}
      footer={[
        <Button key="close" onClick={close} data-testid="media-import-close">
          {t('media.close')}
        </Button>,
        <Button
          key="run"
          type="primary"
          loading={busy}
          disabled={!csv.trim()}
          onClick={run}
          data-testid="media-import-run"
        >
          {t('media.import')}
        </Button>,
      ]}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {kind === 'brand' ? t('media.brandFormat') : t('media.spendFormat')}
        </Typography.Text>
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then(setCsv);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>{t('media.chooseFile')}</Button>
        </Upload>
        <Input.TextArea
          rows={8}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          data-testid="media-import-csv"
        />
        {result ? <Alert type="success" message={result} data-testid="media-import-result" /> : null}
        {problems.length ? (
          <Alert
            type="error"
            message={t('media.rejected')}
            description={
              <ul style={{ margin: 0 }}>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            }
            data-testid="media-import-problems"
          />
        ) : null}
      </Space>
    </Modal>
  );
}
