import { PlusOutlined } from '@ant-design/icons';
import { Button, Space, Table, Typography } from 'antd';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { formatDateTime, formatInteger } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { rtaApi, type Strategy } from './api.ts';
import { BidText, rateText, StrategyStatus } from './figures.tsx';

/** Who a strategy selects, in a few words: the saved group or "a rule", unknown devices, a look-alike floor. */
function TargetText({ s }: { s: Strategy }) {
  const { t } = useI18n();
  const p = s.target.population;
  const parts = ['segmentId' in p ? t('acq.target.segment', { id: p.segmentId }) : t('acq.target.rule')];
  if (s.target.unknownDevices) parts.push(t('acq.target.unknown'));
  if (s.target.minLookalike !== undefined)
    parts.push(t('acq.target.lookalike', { min: s.target.minLookalike }));
  return <span>{parts.join(' · ')}</span>;
}

/** /acquisition: the RTA strategies with the last hour's requests, matches and match rate each. */
export function StrategyList() {
  const { t, lang } = useI18n();
  const me = useMe();
  const list = useLoad((signal) => rtaApi.strategies(signal), []);
  const metrics = useLoad((signal) => rtaApi.metrics(60, signal), []);
  const live = new Map((metrics.data?.strategies ?? []).map((m) => [m.id, m]));
  const n = (v: number | undefined) => formatInteger(v ?? 0, lang);
  return (
    <div data-testid="strategy-list">
      <PageHeader
        title={t('acq.title')}
        subtitle={t('acq.subtitle')}
        extra={
          <Space>
            <Button onClick={() => navigate('/acquisition/live')} data-testid="acq-live">
              {t('acq.live')}
            </Button>
            {can(me, 'rta.manage') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => navigate('/acquisition/strategies/new')}
                data-testid="strategy-new"
              >
                {t('acq.new')}
              </Button>
            )}
          </Space>
        }
      />
      {list.error ? (
        <LoadError error={list.error} title={t('acq.loadFailed')} onRetry={list.reload} />
      ) : (
        <Table<Strategy>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data ?? []}
          onRow={(r) => ({
            onClick: () => navigate(`/acquisition/strategies/${encodeURIComponent(r.id)}`),
            style: { cursor: 'pointer' },
          })}
          columns={[
            {
              title: t('acq.id'),
              dataIndex: 'id',
              render: (v: string) => (
                <Typography.Link data-testid={`strategy-row-${v}`} data-raw-key>
                  {v}
                </Typography.Link>
              ),
            },
            { title: t('acq.name'), dataIndex: 'name' },
            { title: t('acq.status'), render: (_, r) => <StrategyStatus status={r.status} /> },
            { title: t('acq.target'), render: (_, r) => <TargetText s={r} /> },
            { title: t('acq.bid'), render: (_, r) => <BidText bid={r.bidFactor} /> },
            {
              title: t('acq.cache'),
              dataIndex: 'cacheSeconds',
              align: 'right',
              render: (v: number) => `${v}s`,
            },
            { title: t('acq.priority'), dataIndex: 'priority', align: 'right' },
            {
              title: t('acq.requests60'),
              align: 'right',
              render: (_, r) => (
                <span data-testid={`strategy-requests-${r.id}`}>{n(live.get(r.id)?.requests)}</span>
              ),
            },
            { title: t('acq.matches60'), align: 'right', render: (_, r) => n(live.get(r.id)?.matches) },
            {
              title: t('acq.matchRate'),
              align: 'right',
              render: (_, r) => rateText(live.get(r.id)?.matchRate ?? null),
            },
            {
              title: t('acq.version'),
              render: (_, r) => `v${r.version} · ${formatDateTime(r.updatedAt)}`,
            },
          ]}
        />
      )}
    </div>
  );
}
