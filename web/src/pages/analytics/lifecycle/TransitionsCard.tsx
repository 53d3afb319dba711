import { Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { EChart } from '../../../charts/EChart.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { AnalysisFrame, CsvButton, type CsvColumn } from '../AnalysisFrame.tsx';
import { lifecycleApi, type StageFlow } from './api.ts';
import { sankeyOption } from './charts.ts';
import { Loading, notEnoughReason } from './common.tsx';

/** The Sankey, the matrix and the per-stage conversion between two snapshot days (picked among `days`). */
export function TransitionsCard(props: {
  segment: string;
  days: readonly string[];
  label: (key: string) => string;
}) {
  const { t, lang } = useI18n();
  const [from, setFrom] = useState<string>('');
  const [to, setTo] = useState<string>('');
  const loaded = useLoad(
    (signal) => lifecycleApi.transitions({ from, to, segment: props.segment }, signal),
    [from, to, props.segment],
  );
  const data = loaded.data;
  const chart = useMemo(
    () => (data ? sankeyOption(data, props.label, lang) : null),
    [data, props.label, lang],
  );
  const dayOptions = [
    { value: '', label: t('analytics.lifecycle.transitions.defaultDay') },
    ...props.days.map((d) => ({ value: d, label: d })),
  ];
  type MatrixRow = { key: string; cells: readonly number[] };
  const matrixRows: MatrixRow[] = data
    ? data.keys.map((k, i) => ({ key: k, cells: data.matrix[i] ?? [] }))
    : [];
  const matrixCsv: CsvColumn<MatrixRow>[] = data
    ? [
        { title: t('analytics.lifecycle.stage'), value: (r) => props.label(r.key) },
        ...data.keys.map((k, j) => ({ title: props.label(k), value: (r: MatrixRow) => r.cells[j] ?? 0 })),
      ]
    : [];
  const flowColumns: (CsvColumn<StageFlow> & { render?: (r: StageFlow) => string })[] = [
    { title: t('analytics.lifecycle.stage'), value: (r) => props.label(r.stage) },
    { title: t('analytics.lifecycle.flow.from', { from: data?.from ?? '' }), value: (r) => r.from },
    { title: t('analytics.lifecycle.flow.stayed'), value: (r) => r.stayed },
    { title: t('analytics.lifecycle.flow.forward'), value: (r) => r.forward },
    { title: t('analytics.lifecycle.flow.backward'), value: (r) => r.backward },
    { title: t('analytics.lifecycle.flow.left'), value: (r) => r.left },
    {
      title: t('analytics.lifecycle.flow.forwardRate'),
      value: (r) => r.forwardRate ?? '',
      render: (r) => (r.forwardRate === null ? '—' : formatPercent(r.forwardRate, lang)),
    },
    { title: t('analytics.lifecycle.flow.entered'), value: (r) => r.entered },
  ];
  const picker = (value: string, set: (v: string) => void, testId: string, title: string) => (
    <Space size={4}>
      <Typography.Text type="secondary">{title}</Typography.Text>
      <Select
        data-testid={testId}
        value={value}
        onChange={set}
        options={dayOptions}
        style={{ minWidth: 130 }}
      />
    </Space>
  );
  return (
    <AnalysisFrame
      title={t('analytics.lifecycle.transitions.title')}
      testId="lifecycle-transitions"
      notEnoughData={notEnoughReason(loaded.error, t)}
      extra={
        <Space>
          {picker(from, setFrom, 'transitions-from', t('analytics.lifecycle.transitions.from'))}
          {picker(to, setTo, 'transitions-to', t('analytics.lifecycle.transitions.to'))}
        </Space>
      }
      meta={{
        definition: t('analytics.lifecycle.transitions.definition'),
        window: data ? t('analytics.lifecycle.transitions.window', { from: data.from, to: data.to }) : '—',
        freshness: data?.computedAt ?? null,
        ...(data ? { elapsedMs: data.elapsedMs } : {}),
      }}
    >
      <Loading loaded={loaded} title={t('analytics.lifecycle.loadFailed')}>
        {(d) => (
          <>
            {chart && <EChart option={chart} height={360} testId="lifecycle-sankey" />}
            <Space style={{ width: '100%', justifyContent: 'space-between', margin: '16px 0 8px' }}>
              <Typography.Text strong>
                {t('analytics.lifecycle.transitions.matrix', { from: d.from, to: d.to })}
              </Typography.Text>
              <CsvButton
                fileName={`lifecycle-matrix-${d.from}-${d.to}.csv`}
                columns={matrixCsv}
                rows={matrixRows}
              />
            </Space>
            <Table<MatrixRow>
              data-testid="transition-matrix"
              size="small"
              pagination={false}
              scroll={{ x: true }}
              rowKey="key"
              dataSource={matrixRows}
              columns={[
                { title: '', key: 'stage', render: (_, r) => <b>{props.label(r.key)}</b> },
                ...d.keys.map((k, j) => ({
                  title: props.label(k),
                  key: k,
                  align: 'right' as const,
                  render: (_: unknown, r: MatrixRow) => (
                    <span data-testid={`cell-${r.key}-${k}`} data-value={r.cells[j] ?? 0}>
                      {formatInteger(r.cells[j] ?? 0, lang)}
                    </span>
                  ),
                })),
              ]}
            />
            <Space style={{ width: '100%', justifyContent: 'space-between', margin: '16px 0 8px' }}>
              <Typography.Text strong>{t('analytics.lifecycle.transitions.flows')}</Typography.Text>
              <CsvButton
                fileName={`lifecycle-flows-${d.from}-${d.to}.csv`}
                columns={flowColumns}
                rows={d.flows}
              />
            </Space>
            <Table<StageFlow>
              data-testid="transition-flows"
              size="small"
              pagination={false}
              rowKey="stage"
              dataSource={[...d.flows]}
              columns={flowColumns.map((c, i) => ({
                title: c.title,
                key: String(i),
                align: i === 0 ? undefined : ('right' as const),
                render: (_: unknown, r: StageFlow) => {
                  const v = c.value(r);
                  return c.render ? c.render(r) : typeof v === 'number' ? formatInteger(v, lang) : String(v);
                },
              }))}
            />
          </>
        )}
      </Loading>
    </AnalysisFrame>
  );
}
