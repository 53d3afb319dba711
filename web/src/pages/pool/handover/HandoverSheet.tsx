import { PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Skeleton, Space, Typography } from 'antd';
import { handoversApi } from '../../../api/handovers.ts';
import { parseCsv } from '../../../components/csv.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { BackLink, PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { useI18n } from '../../../i18n/i18n.tsx';

/** The sign-off CSV of a job in the user's language (the server audits each export, this one included). */
async function loadSheet(id: number, lang: 'en-US' | 'zh-CN', signal: AbortSignal): Promise<string[][]> {
  const res = await fetch(handoversApi.exportUrl(id, lang), { credentials: 'same-origin', signal });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  return parseCsv((await res.text()).replace(/^\uFEFF/, '')).filter((r) => r.some((c) => c !== ''));
}

/**
 * A print-friendly sign-off sheet of a handover: every customer of the job, rows numbered from 1, staff by name,
 * names masked, with signature lines for the departing manager (or branch head) and the takers. Built from the same
 * audited export as the CSV, so printing is recorded too.
 */
export function HandoverSheet({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { data, error, reload } = useLoad((signal) => loadSheet(id, lang, signal), [id, lang]);
  const back = <BackLink to={`/pool/handovers/${id}`}>{t('handover.jobTitle', { id })}</BackLink>;
  if (error !== null && !data)
    return <LoadError error={error} title={t('handover.loadFailed')} onRetry={reload} />;
  if (!data)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  const [header = [], ...rows] = data;
  const line = (caption: string) => (
    <Col xs={24} md={8}>
      <div style={{ borderBottom: '1px solid #595959', height: 40 }} />
      <Typography.Text type="secondary">{caption}</Typography.Text>
    </Col>
  );
  return (
    <div data-testid="handover-sheet">
      <div className="no-print">
        <PageHeader
          back={back}
          title={t('care.handover.sheetTitle', { id })}
          extra={
            <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
              {t('care.handover.printNow')}
            </Button>
          }
        />
      </div>
      <style>
        {
          '.print-only { display: none; } @media print { .no-print, nav, header, aside, .ant-tabs { display: none !important; } .print-only { display: block; } }'
        }
      </style>
      <Card size="small">
        <Typography.Title level={4} className="print-only">
          {t('care.handover.sheetTitle', { id })}
        </Typography.Title>
        <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: 12 }} data-testid="sheet-table">
          <thead>
            <tr>
              {header.map((h) => (
                <th key={h} style={{ textAlign: 'left', borderBottom: '1px solid #d9d9d9', padding: 4 }}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r[0]} data-testid="sheet-row">
                {r.map((c, k) => (
                  <td key={k} style={{ borderBottom: '1px solid #f0f0f0', padding: 4 }}>
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <Space orientation="vertical" style={{ width: '100%', marginTop: 32 }}>
          <Row gutter={32}>
            {line(t('care.handover.signFrom'))}
            {line(t('care.handover.signTakers'))}
            {line(t('care.handover.signDate'))}
          </Row>
        </Space>
      </Card>
    </div>
  );
}
