import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Form,
  Input,
  Popconfirm,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { reportsApi, type Report } from '../../api/reports.ts';
import { LoadError } from '../../components/LoadError.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate, subPath, usePath } from '../../router.ts';
import { DashboardView } from './DashboardView.tsx';
import { SHARE_ROLES, type ShareRole } from './roles.ts';
import { openReport } from './useOpenedReport.ts';

/** /analytics/dashboards[/<id>]: the dashboards (看板) and saved reports the user may see, or one dashboard. */
export function DashboardsPage() {
  const [, id] = subPath(usePath(), '/analytics');
  if (id && /^\d+$/.test(id)) return <DashboardView id={Number(id)} />;
  return (
    <div data-testid="dashboards">
      <DashboardList />
      <ReportList />
    </div>
  );
}

function DashboardList() {
  const { t } = useI18n();
  const list = useLoad((signal) => reportsApi.dashboards(signal), []);
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<ShareRole[]>([]);
  const { busy, failure, submit } = useSubmit();
  const create = () =>
    submit(async () => {
      const d = await reportsApi.createDashboard({ name: name.trim(), sharedRoles: roles, cards: [] });
      navigate(`/analytics/dashboards/${d.id}`);
    });
  if (list.error) return <LoadError error={list.error} title={t('dashboards.title')} onRetry={list.reload} />;
  return (
    <Card title={t('dashboards.title')} style={{ marginBottom: 16 }}>
      {!list.data ? (
        <Skeleton active />
      ) : list.data.dashboards.length === 0 ? (
        <Empty description={t('dashboards.empty')} />
      ) : (
        <Row gutter={[12, 12]}>
          {list.data.dashboards.map((d) => (
            <Col key={d.id} xs={24} md={12} xl={8}>
              <Card
                size="small"
                hoverable
                onClick={() => navigate(`/analytics/dashboards/${d.id}`)}
                data-testid={`dashboard-${d.id}`}
                title={d.name}
              >
                <Space wrap>
                  {t('dashboards.cards', { n: d.cardCount })}
                  <span>{actorName(d.owner)}</span>
                  {d.sharedRoles.map((r) => (
                    <Tag key={r}>{t(`app.role.${r}`)}</Tag>
                  ))}
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Form layout="inline" style={{ marginTop: 16 }}>
        <Form.Item label={t('dashboards.name')}>
          <Input
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            data-testid="dashboard-new-name"
          />
        </Form.Item>
        <Form.Item label={t('reports.shareWith')}>
          <Checkbox.Group
            value={roles}
            onChange={(v) => setRoles(v as ShareRole[])}
            options={SHARE_ROLES.map((r) => ({ value: r, label: t(`app.role.${r}`) }))}
          />
        </Form.Item>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={name.trim() === ''}
          loading={busy}
          onClick={create}
          data-testid="dashboard-create"
        >
          {t('dashboards.new')}
        </Button>
      </Form>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} />}
    </Card>
  );
}

function ReportList() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useLoad((signal) => reportsApi.list(signal), []);
  if (list.error)
    return <LoadError error={list.error} title={t('reports.list.title')} onRetry={list.reload} />;
  const remove = async (r: Report) => {
    await reportsApi.remove(r.id);
    message.success(t('reports.list.delete'));
    list.reload();
  };
  return (
    <Card title={t('reports.list.title')}>
      <Table<Report>
        size="small"
        rowKey="id"
        loading={!list.data}
        dataSource={list.data?.reports ?? []}
        locale={{ emptyText: t('reports.list.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="report-list"
        columns={[
          {
            title: t('reports.list.name'),
            dataIndex: 'name',
            render: (name: string, r) => (
              <a onClick={() => openReport(r)} data-testid={`report-open-${r.id}`}>
                {name}
              </a>
            ),
          },
          {
            title: t('reports.list.kind'),
            dataIndex: 'kind',
            render: (k: Report['kind']) => t(`reports.kind.${k}`),
          },
          { title: t('reports.list.owner'), dataIndex: 'owner', render: actorName },
          {
            title: t('reports.list.shared'),
            dataIndex: 'sharedRoles',
            render: (roles: Report['sharedRoles']) =>
              roles.length === 0
                ? t('reports.list.notShared')
                : roles.map((r) => t(`app.role.${r}`)).join('、'),
          },
          { title: t('reports.list.updated'), dataIndex: 'updatedAt', render: formatDateTime },
          {
            key: 'actions',
            render: (_: unknown, r) =>
              r.editable && (
                <Popconfirm
                  title={t('reports.list.deleteConfirm', { name: r.name })}
                  onConfirm={() => remove(r)}
                  okText={t('reports.list.delete')}
                  cancelText={t('reports.cancel')}
                >
                  <Button
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('reports.list.delete')}
                  />
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
