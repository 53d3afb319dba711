import { DownloadOutlined, PrinterOutlined, StopOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Col,
  Popconfirm,
  Progress,
  Row,
  Segmented,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tag,
} from 'antd';
import { useEffect, useState } from 'react';
import { errorText } from '../../../api/client.ts';
import { handoversApi, type HandoverDetail, type ItemStatus } from '../../../api/handovers.ts';
import { LoadError } from '../../../components/LoadError.tsx';
import { BackLink, PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { actorName, formatCnyCompact, formatDateTime, formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { ITEM_STATUS_COLORS, label } from '../labels.ts';
import { WecomTransfersCard } from './WecomTransfersCard.tsx';

const PAGE = 20;
type Item = HandoverDetail['items']['items'][number];
type TakerRow = HandoverDetail['job']['takers'][number];

/** A handover job: progress (polled while it runs), per-taker totals and every customer's result. */
export function HandoverProgress({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<ItemStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const { data, error, reload } = useLoad(
    (signal) =>
      handoversApi.get(
        id,
        { ...(status === 'all' ? {} : { status }), limit: PAGE, offset: (page - 1) * PAGE },
        signal,
      ),
    [id, status, page, tick],
  );
  const running = data?.job.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = window.setTimeout(() => setTick((n) => n + 1), 1000);
    return () => window.clearTimeout(timer);
  }, [running, data]);

  const back = <BackLink to="/pool/handovers">{t('handover.backToList')}</BackLink>;
  if (error && !data) return <LoadError error={error} title={t('handover.loadFailed')} onRetry={reload} />;
  if (!data)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 6 }} />
      </Card>
    );
  const job = data.job;
  const done = job.moved + job.refused + job.skipped;
  const cancel = async () => {
    try {
      await handoversApi.cancel(id);
      message.success(t('handover.cancelled'));
      reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  const stat = (key: 'total' | 'moved' | 'refused' | 'skipped' | 'pending', title: string) => (
    <Col xs={12} md={4}>
      <Card size="small">
        <Statistic
          title={title}
          value={job[key]}
          formatter={() => (
            <span data-testid={`job-${key}`} data-value={String(job[key])}>
              {formatInteger(job[key], lang)}
            </span>
          )}
        />
      </Card>
    </Col>
  );

  return (
    <div data-testid="handover-progress" data-status={job.status} data-job={job.id}>
      <PageHeader
        back={back}
        title={t('handover.jobTitle', { id: job.id })}
        subtitle={`${t(`handover.kind.${job.kind}`)} · ${job.fromManagerName} → ${job.takerStaff
          .map((x) => x.name)
          .join(', ')} · ${t(`handover.split.${job.split}`)}${job.reason ? ` · ${job.reason}` : ''}`}
        extra={
          <Space>
            <Button
              icon={<DownloadOutlined />}
              href={handoversApi.exportUrl(job.id, lang)}
              onClick={() => message.info(t('care.handover.exported'))}
              data-testid="handover-export"
            >
              {t('care.handover.export')}
            </Button>
            <Button
              icon={<PrinterOutlined />}
              onClick={() => navigate(`/pool/handovers/${job.id}/sheet`)}
              data-testid="handover-print"
            >
              {t('care.handover.print')}
            </Button>
            {running && (
              <Popconfirm title={t('handover.cancelConfirm')} onConfirm={cancel}>
                <Button danger icon={<StopOutlined />} data-testid="handover-cancel">
                  {t('handover.cancel')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Tag
          color={running ? 'processing' : job.status === 'done' ? 'success' : 'default'}
          data-testid="job-status"
        >
          {t(`handover.jobStatus.${job.status}`)}
        </Tag>
        <span style={{ marginInlineStart: 8 }}>
          {t('handover.createdBy', {
            by: actorName(job.createdBy),
            at: job.createdAt ? formatDateTime(job.createdAt) : '—',
          })}
          {job.finishedAt ? ` · ${t('handover.finishedAt', { at: formatDateTime(job.finishedAt) })}` : ''}
          {' · '}
          {t('handover.tasksMoved', { n: formatInteger(job.tasksMoved, lang) })}
        </span>
        <Progress
          percent={job.total ? Math.round((done / job.total) * 1000) / 10 : 100}
          status={running ? 'active' : job.refused > 0 ? 'exception' : 'success'}
          style={{ marginTop: 8 }}
        />
        {job.lastError && <Tag color="red">{job.lastError}</Tag>}
      </Card>
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {stat('total', t('handover.total'))}
        {stat('moved', t('handover.status.moved'))}
        {stat('refused', t('handover.status.refused'))}
        {stat('skipped', t('handover.status.skipped'))}
        {stat('pending', t('handover.status.pending'))}
      </Row>
      <Card
        size="small"
        title={t('handover.perTaker')}
        style={{ marginBottom: 16 }}
        styles={{ body: { padding: 0 } }}
      >
        <Table<TakerRow>
          rowKey="takerId"
          size="small"
          pagination={false}
          dataSource={[...job.takers]}
          columns={[
            { title: t('handover.taker'), dataIndex: 'name' },
            { title: t('handover.planned'), dataIndex: 'planned', align: 'right' },
            {
              title: t('handover.status.moved'),
              dataIndex: 'moved',
              align: 'right',
              render: (n: number, r) => (
                <span data-testid={`job-taker-moved-${r.takerId}`} data-value={String(n)}>
                  {formatInteger(n, lang)}
                </span>
              ),
            },
            {
              title: t('handover.movedAum'),
              dataIndex: 'movedAum',
              align: 'right',
              render: (v: number) => formatCnyCompact(v, lang),
            },
            { title: t('handover.status.refused'), dataIndex: 'refused', align: 'right' },
            { title: t('handover.status.skipped'), dataIndex: 'skipped', align: 'right' },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('handover.results')}
        styles={{ body: { padding: 0 } }}
        extra={
          <Segmented
            value={status}
            onChange={(v) => {
              setStatus(v as ItemStatus | 'all');
              setPage(1);
            }}
            options={(['all', 'moved', 'refused', 'skipped', 'pending'] as const).map((s) => ({
              value: s,
              label: <span data-testid={`results-filter-${s}`}>{t(`handover.status.${s}`)}</span>,
            }))}
          />
        }
      >
        <Table<Item>
          rowKey="seq"
          size="small"
          dataSource={[...data.items.items]}
          data-testid="handover-results"
          pagination={{
            current: page,
            pageSize: PAGE,
            total: data.items.total,
            showSizeChanger: false,
            showTotal: (n) => (
              <span data-testid="results-total" data-value={String(n)}>
                {t('handover.resultsTotal', { n })}
              </span>
            ),
          }}
          onChange={(p) => setPage(p.current ?? 1)}
          columns={[
            // Plan positions count from 0; people count rows from 1.
            { title: '#', dataIndex: 'seq', width: 70, render: (seq: number) => seq + 1 },
            {
              title: t('customers.customerNo'),
              dataIndex: 'customerNo',
              render: (no: string) => (
                <a onClick={() => navigate(`/customers/${encodeURIComponent(no)}`)}>{no}</a>
              ),
            },
            { title: t('customers.name'), dataIndex: 'name', render: (n: string | null) => n ?? '—' },
            {
              title: t('overview.tierAum'),
              dataIndex: 'aum',
              align: 'right',
              render: (v: number) => formatCnyCompact(v, lang),
            },
            { title: t('handover.taker'), dataIndex: 'takerName' },
            {
              title: t('handover.itemStatus'),
              dataIndex: 'status',
              render: (s: ItemStatus) => <Tag color={ITEM_STATUS_COLORS[s]}>{t(`handover.status.${s}`)}</Tag>,
            },
            {
              title: t('handover.reasonColumn'),
              dataIndex: 'reason',
              render: (r: string | null) => (r ? label(t, 'handover.why', r) : ''),
            },
            {
              title: t('pool.myPool.handover'),
              dataIndex: 'handoverStatus',
              render: (s: string | null) => (s ? label(t, 'pool.handoverStatus', s) : ''),
            },
          ]}
        />
      </Card>
      <WecomTransfersCard jobId={id} refreshKey={tick} />
    </div>
  );
}
