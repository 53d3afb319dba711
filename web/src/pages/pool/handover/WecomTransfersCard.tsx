import { App, Button, Card, Modal, Select, Space, Statistic, Table, Tag } from 'antd';
import { useState } from 'react';
import { errorText } from '../../../api/client.ts';
import { wecomTransfersApi, type WecomTransfer, type WecomTransferState } from '../../../api/handovers.ts';
import { poolApi } from '../../../api/pool.ts';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';
import { WECOM_TRANSFER_COLORS as COLORS, WECOM_TRANSFER_STATES as STATES } from './wecom-transfer-states.ts';

const PAGE = 20;
const RETRYABLE: ReadonlySet<WecomTransferState> = new Set(['refused', 'taker_at_limit', 'failed']);

/**
 * A handover's WeCom transfers (WeCom moves the friendship 24 h after the request): customers per state, and a page
 * of them with those that need a person first; a refused customer goes to another taker in one click.
 */
export function WecomTransfersCard({ jobId, refreshKey }: { jobId: number; refreshKey: number }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [retrying, setRetrying] = useState<WecomTransfer | null>(null);
  const [taker, setTaker] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const { data } = useLoad(
    (signal) => wecomTransfersApi.list(jobId, { limit: PAGE, offset: (page - 1) * PAGE }, signal),
    [jobId, page, refreshKey, tick],
  );
  const staff = useLoad(
    (signal) => (retrying ? poolApi.staff({ role: 'account_manager' }, signal) : Promise.resolve([])),
    [retrying],
  );
  if (!data || data.total === 0) return null;

  const submit = async () => {
    if (!retrying || !taker) return;
    setBusy(true);
    try {
      await wecomTransfersApi.retry(jobId, { customerNo: retrying.customerNo, takerId: taker });
      void message.success(t('wecomTransfer.retried', { no: retrying.customerNo }));
      setRetrying(null);
      setTaker(undefined);
      setTick((n) => n + 1);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('wecomTransfer.title')} data-testid="wecom-transfers" style={{ marginTop: 16 }}>
      <Space size="large" wrap style={{ marginBottom: 16 }}>
        {STATES.filter((s) => (data.states[s] ?? 0) > 0).map((s) => (
          <Statistic
            key={s}
            title={label(t, 'wecomTransfer.state', s)}
            value={formatInteger(data.states[s] ?? 0, lang)}
            data-testid={`wecom-transfers-${s}`}
          />
        ))}
      </Space>
      <Table<WecomTransfer>
        rowKey="customerNo"
        size="small"
        dataSource={[...data.items]}
        pagination={{ current: page, pageSize: PAGE, total: data.total, showSizeChanger: false }}
        onChange={(p) => setPage(p.current ?? 1)}
        columns={[
          { title: t('customers.customerNo'), dataIndex: 'customerNo' },
          { title: t('customers.name'), dataIndex: 'name', render: (n: string | null) => n ?? '—' },
          {
            title: t('handover.taker'),
            dataIndex: 'takerName',
            render: (n: string | null, row) => n ?? row.takerId,
          },
          {
            title: t('wecomTransfer.stateColumn'),
            dataIndex: 'state',
            render: (s: WecomTransferState) => (
              <Tag color={COLORS[s]}>{label(t, 'wecomTransfer.state', s)}</Tag>
            ),
          },
          {
            title: t('handover.reasonColumn'),
            dataIndex: 'reason',
            render: (r: string | null) => (r ? label(t, 'wecomTransfer.reason', r) : ''),
          },
          {
            title: '',
            key: 'retry',
            render: (_: unknown, row) =>
              RETRYABLE.has(row.state) ? (
                <Button size="small" onClick={() => setRetrying(row)} data-testid="wecom-retry">
                  {t('wecomTransfer.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={retrying !== null}
        title={t('wecomTransfer.retryTitle', { no: retrying?.customerNo ?? '' })}
        okText={t('wecomTransfer.retry')}
        okButtonProps={{ disabled: !taker, loading: busy, id: 'wecom-retry-ok' }}
        onOk={() => void submit()}
        onCancel={() => setRetrying(null)}
      >
        <Select
          style={{ width: '100%' }}
          placeholder={t('wecomTransfer.chooseTaker')}
          value={taker}
          onChange={setTaker}
          loading={staff.loading}
          showSearch
          optionFilterProp="label"
          data-testid="wecom-retry-taker"
          options={(staff.data ?? [])
            .filter((s) => s.status === 'active' && s.id !== retrying?.takerId && s.id !== retrying?.giverId)
            .map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))}
        />
      </Modal>
    </Card>
  );
}
