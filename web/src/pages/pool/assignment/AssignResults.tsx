import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import type { AssignResponse, AssignResult } from '../../../api/pool.ts';
import { formatInteger } from '../../../format.ts';
import { CustomerNoLink } from '../../../components/CustomerNoLink.tsx';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';
import type { Directory } from './directory.ts';

/** Verdicts that changed the owner; every other one left the customer as it was. */
const MOVED = new Set(['assigned', 'unassigned']);
const NEUTRAL = new Set(['unchanged', 'duplicate']);
const color = (status: string) => (MOVED.has(status) ? 'green' : NEUTRAL.has(status) ? 'default' : 'red');

/** The server's verdict per customer of one assignment (by hand or by rules), with the counts per status. */
export function AssignResults(props: {
  kind: 'manual' | 'rules';
  response: AssignResponse;
  directory: Directory;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const { results, counts } = props.response;
  const moved = results.filter((r) => MOVED.has(r.status)).length;
  const refused = results.length - moved;
  return (
    <Card
      size="small"
      title={t(props.kind === 'manual' ? 'pool.assign.results.manual' : 'pool.assign.results.rules')}
      extra={<Button onClick={props.onClose}>{t('common.close')}</Button>}
      styles={{ body: { padding: 0 } }}
      data-testid="assign-results"
      data-kind={props.kind}
    >
      <Space wrap style={{ padding: '12px 16px' }}>
        <Typography.Text strong>
          <span data-testid="assign-moved" data-value={String(moved)} hidden />
          <span data-testid="assign-refused" data-value={String(refused)} hidden />
          {t('pool.assign.results.summary', {
            moved: formatInteger(moved, lang),
            refused: formatInteger(refused, lang),
          })}
        </Typography.Text>
        {Object.entries(counts).map(([status, n]) => (
          <Tag
            key={status}
            color={color(status)}
            data-testid={`assign-count-${status}`}
            data-value={String(n)}
          >
            {label(t, 'pool.assign.status', status)}: {formatInteger(n, lang)}
          </Tag>
        ))}
      </Space>
      <Table<AssignResult>
        rowKey={(r, i) => `${r.customerNo}-${i ?? 0}`}
        size="small"
        dataSource={[...results]}
        pagination={results.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
        onRow={(r) =>
          ({
            'data-testid': `assign-result-${r.customerNo}`,
            'data-status': r.status,
          }) as object
        }
        columns={[
          {
            title: t('customers.customerNo'),
            dataIndex: 'customerNo',
            render: (no: string) => <CustomerNoLink no={no} />,
          },
          {
            title: t('pool.assign.results.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={color(s)}>{label(t, 'pool.assign.status', s)}</Tag>,
          },
          ...(props.kind === 'manual'
            ? [
                {
                  title: t('pool.assign.results.from'),
                  key: 'from',
                  render: (_: unknown, r: AssignResult) => props.directory.staffLabel(r.from),
                },
                {
                  title: t('pool.assign.results.to'),
                  key: 'to',
                  render: (_: unknown, r: AssignResult) => props.directory.staffLabel(r.to),
                },
              ]
            : [
                {
                  title: t('pool.assign.results.to'),
                  key: 'to',
                  render: (_: unknown, r: AssignResult) => props.directory.staffLabel(r.managerId),
                },
                {
                  title: t('pool.assign.results.rule'),
                  key: 'rule',
                  render: (_: unknown, r: AssignResult) => (r.ruleId ? `#${r.ruleId}` : '—'),
                },
              ]),
        ]}
      />
    </Card>
  );
}
