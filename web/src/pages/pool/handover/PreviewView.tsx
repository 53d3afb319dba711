import { Alert, Card, Col, Row, Statistic, Table, Tag } from 'antd';
import type { HandoverPreview } from '../../../api/handovers.ts';
import { formatCnyCompact, formatCnyFull, formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';

type TakerRow = HandoverPreview['takers'][number];

/** What a handover would do: customers and AUM per taker, and the refusals foreseen. */
export function PreviewView({ preview }: { preview: HandoverPreview }) {
  const { t, lang } = useI18n();
  const f = preview.foreseen;
  const stat = (title: string, value: number, testId: string, color?: string) => (
    <Col xs={12} md={6}>
      <Card size="small">
        <Statistic
          title={title}
          value={value}
          formatter={() => (
            <span data-testid={testId} data-value={String(value)} style={color ? { color } : undefined}>
              {formatInteger(value, lang)}
            </span>
          )}
        />
      </Card>
    </Col>
  );
  return (
    <div data-testid="handover-preview-result" data-kind={preview.kind}>
      <Alert
        type={preview.kind === 'in_service' ? 'warning' : 'info'}
        showIcon
        style={{ marginBottom: 16 }}
        title={t(`handover.kind.${preview.kind}`)}
        description={t('handover.previewSummary', {
          name: preview.fromManager.name,
          n: formatInteger(preview.total, lang),
          aum: formatCnyCompact(preview.totalAum, lang),
          split: t(`handover.split.${preview.split}`),
        })}
      />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {stat(t('handover.total'), preview.total, 'preview-total')}
        {stat(t('care.handover.willMove'), f.moved, 'preview-moved', '#389e0d')}
        {stat(t('care.handover.willRefuse'), f.refused, 'preview-refused', f.refused ? '#cf1322' : undefined)}
        {stat(t('care.handover.willSkip'), f.skipped, 'preview-skipped')}
      </Row>
      <Card size="small" title={t('handover.perTaker')} styles={{ body: { padding: 0 } }}>
        <Table<TakerRow>
          rowKey="takerId"
          size="small"
          pagination={false}
          dataSource={[...preview.takers]}
          onRow={(r) =>
            ({ 'data-testid': `preview-taker-${r.takerId}` }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t('handover.taker'),
              key: 'taker',
              render: (_: unknown, r) => r.name,
            },
            {
              title: t('handover.poolNow'),
              key: 'pool',
              align: 'right',
              render: (_: unknown, r) =>
                `${formatInteger(r.poolSize, lang)} / ${formatInteger(r.capacity, lang)}`,
            },
            {
              title: t('care.handover.willMove'),
              dataIndex: 'willMove',
              align: 'right',
              render: (n: number, r) => (
                <span data-testid={`preview-will-${r.takerId}`} data-value={String(n)}>
                  {formatInteger(n, lang)}
                </span>
              ),
            },
            {
              title: t('handover.willMoveAum'),
              dataIndex: 'willMoveAum',
              align: 'right',
              render: (v: number) => <span title={formatCnyFull(v, lang)}>{formatCnyCompact(v, lang)}</span>,
            },
            {
              title: t('care.handover.willRefuse'),
              dataIndex: 'refused',
              align: 'right',
              render: (n: number) => (n ? <Tag color="red">{formatInteger(n, lang)}</Tag> : '0'),
            },
          ]}
        />
      </Card>
      {preview.refusals.length > 0 && (
        <Card
          size="small"
          title={t('handover.refusals')}
          style={{ marginTop: 16 }}
          styles={{ body: { padding: 0 } }}
        >
          <Table
            rowKey={(r) => `${r.customerNo}-${r.takerId}`}
            size="small"
            pagination={preview.refusals.length > 10 ? { pageSize: 10 } : false}
            dataSource={[...preview.refusals]}
            columns={[
              { title: '#', key: 'no', width: 60, render: (_: unknown, _r, i) => i + 1 },
              { title: t('customers.customerNo'), dataIndex: 'customerNo' },
              {
                title: t('handover.taker'),
                dataIndex: 'takerId',
                render: (id: string) => preview.takers.find((x) => x.takerId === id)?.name ?? id,
              },
              {
                title: t('handover.reasonColumn'),
                dataIndex: 'reason',
                render: (r: string) => label(t, 'handover.why', r),
              },
            ]}
          />
        </Card>
      )}
    </div>
  );
}
