import {
  ArrowDownOutlined,
  ArrowLeftOutlined,
  ArrowUpOutlined,
  CloseOutlined,
  DeleteOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Popconfirm,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { reportsApi, type CardSize, type Dashboard } from '../../api/reports.ts';
import { errorText } from '../../api/client.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { ReportCard } from './ReportCard.tsx';

type CardSpec = { reportId: number; size: CardSize };

/** One dashboard: its cards in order (half or full width), each running its report; the owner adds, moves, resizes. */
export function DashboardView({ id }: { id: number }) {
  const { t } = useI18n();
  const loaded = useLoad((signal) => reportsApi.dashboard(id, signal), [id]);
  const reports = useLoad((signal) => reportsApi.list(signal), []);
  const [pick, setPick] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const d = loaded.data;
  if (loaded.error)
    return <LoadError error={loaded.error} title={t('dashboards.title')} onRetry={loaded.reload} />;
  if (!d) return <Skeleton active />;

  const specs: CardSpec[] = d.cards.map((c) => ({ reportId: c.reportId, size: c.size }));
  const save = async (cards: CardSpec[]) => {
    setFailure(null);
    try {
      await reportsApi.updateDashboard(d.id, { name: d.name, sharedRoles: d.sharedRoles, cards });
      loaded.reload();
    } catch (e) {
      setFailure(errorText(e));
    }
  };
  const move = (i: number, by: number) => {
    const next = [...specs];
    const [card] = next.splice(i, 1);
    if (card) next.splice(i + by, 0, card);
    return save(next);
  };

  return (
    <div data-testid="dashboard-view">
      <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }} wrap>
        <Space>
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/analytics/dashboards')}>
            {t('dashboards.back')}
          </Button>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="dashboard-name">
            {d.name}
          </Typography.Title>
        </Space>
        {d.editable && (
          <Space wrap>
            <Select
              showSearch
              optionFilterProp="label"
              value={pick}
              onChange={setPick}
              placeholder={t('dashboards.pickReport')}
              style={{ minWidth: 280 }}
              options={(reports.data?.reports ?? []).map((r) => ({
                value: r.id,
                label: `${r.name} · ${t(`reports.kind.${r.kind}`)}`,
              }))}
              data-testid="dashboard-pick-report"
            />
            <Button
              type="primary"
              disabled={pick === null}
              onClick={() =>
                pick !== null && save([...specs, { reportId: pick, size: 'half' }]).then(() => setPick(null))
              }
              data-testid="dashboard-add-card"
            >
              {t('dashboards.addCard')}
            </Button>
            <Popconfirm
              title={t('dashboards.deleteConfirm', { name: d.name })}
              okText={t('dashboards.delete')}
              cancelText={t('reports.cancel')}
              onConfirm={async () => {
                await reportsApi.removeDashboard(d.id);
                navigate('/analytics/dashboards');
              }}
            >
              <Button danger icon={<DeleteOutlined />}>
                {t('dashboards.delete')}
              </Button>
            </Popconfirm>
          </Space>
        )}
      </Space>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
      {d.cards.length === 0 ? (
        <Empty description={t('dashboards.noCards')} />
      ) : (
        <Row gutter={[16, 16]}>
          {d.cards.map((c, i) => (
            <Col key={`${i}-${c.reportId}`} xs={24} xl={c.size === 'full' ? 24 : 12}>
              {c.report ? (
                <ReportCard
                  report={c.report}
                  actions={d.editable && <CardActions d={d} i={i} specs={specs} save={save} move={move} />}
                />
              ) : (
                <Card size="small" data-testid="dashboard-card-hidden">
                  <Alert type="info" showIcon title={t('dashboards.notShared')} />
                </Card>
              )}
            </Col>
          ))}
        </Row>
      )}
    </div>
  );
}

function CardActions(props: {
  d: Dashboard;
  i: number;
  specs: CardSpec[];
  save: (cards: CardSpec[]) => Promise<void>;
  move: (i: number, by: number) => Promise<void>;
}) {
  const { t } = useI18n();
  const { i, specs } = props;
  const spec = specs[i];
  if (!spec) return null;
  return (
    <Space size={2}>
      <Segmented<CardSize>
        size="small"
        value={spec.size}
        onChange={(size) => props.save(specs.map((s, j) => (j === i ? { ...s, size } : s)))}
        options={[
          { value: 'half', label: t('dashboards.size.half') },
          { value: 'full', label: t('dashboards.size.full') },
        ]}
      />
      <Button
        size="small"
        icon={<ArrowUpOutlined />}
        disabled={i === 0}
        onClick={() => props.move(i, -1)}
        aria-label={t('dashboards.moveUp')}
      />
      <Button
        size="small"
        icon={<ArrowDownOutlined />}
        disabled={i === specs.length - 1}
        onClick={() => props.move(i, 1)}
        aria-label={t('dashboards.moveDown')}
      />
      <Button
        size="small"
        icon={<CloseOutlined />}
        onClick={() => props.save(specs.filter((_, j) => j !== i))}
        aria-label={t('dashboards.removeCard')}
      />
    </Space>
  );
}
