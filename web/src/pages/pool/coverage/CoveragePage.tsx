import { MessageOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Modal, Progress, Row, Segmented, Space, Table } from 'antd';
import { useState } from 'react';
import { poolApi, type Coverage } from '../../../api/pool.ts';
import { can, useMe } from '../../../auth/session.tsx';
import { LoadError } from '../../../components/LoadError.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useLoad } from '../../../components/useLoad.ts';
import { formatInteger, formatPercent } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { navigate } from '../../../router.ts';
import { InteractionForm } from './InteractionForm.tsx';

type Figures = Coverage['branches'][number];

/** Interaction coverage per manager and per branch over a window, and the form to log a contact. */
export function CoveragePage() {
  const { t, lang } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [days, setDays] = useState(30);
  const [logging, setLogging] = useState(false);
  const { data, error, loading, reload } = useLoad((signal) => poolApi.coverage(days, signal), [days]);

  const figures = [
    {
      title: t('coverage.pool'),
      dataIndex: 'poolSize',
      align: 'right' as const,
      render: (n: number) => formatInteger(n, lang),
    },
    {
      title: t('coverage.contacted'),
      dataIndex: 'contacted',
      align: 'right' as const,
      render: (n: number) => formatInteger(n, lang),
    },
    {
      title: t('coverage.coverage'),
      dataIndex: 'coverage',
      width: 180,
      render: (v: number) => (
        <Progress size="small" percent={Math.round(v * 1000) / 10} format={() => formatPercent(v, lang)} />
      ),
    },
    { title: t('coverage.outbound'), dataIndex: 'outbound', align: 'right' as const },
    { title: t('coverage.positive'), dataIndex: 'outboundPositive', align: 'right' as const },
    {
      title: t('coverage.response'),
      dataIndex: 'responseRate',
      align: 'right' as const,
      render: (v: number | null) => (v === null ? '—' : formatPercent(v, lang)),
    },
  ];

  return (
    <div data-testid="coverage-page">
      <PageHeader
        title={t('coverage.title')}
        subtitle={
          data ? t('coverage.window', { from: data.window.from, to: data.window.to }) : t('coverage.subtitle')
        }
        extra={
          <Space>
            <Segmented
              value={days}
              onChange={(v) => setDays(Number(v))}
              options={[7, 30, 90].map((d) => ({ value: d, label: t('coverage.days', { n: d }) }))}
            />
            {can(me, 'customers.write') && (
              <Button
                type="primary"
                icon={<MessageOutlined />}
                onClick={() => setLogging(true)}
                data-testid="coverage-log"
              >
                {t('interaction.log')}
              </Button>
            )}
          </Space>
        }
      />
      {error !== null && <LoadError error={error} title={t('coverage.loadFailed')} onRetry={reload} />}
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card size="small" title={t('coverage.branches')} styles={{ body: { padding: 0 } }}>
            <Table<Figures>
              rowKey="branchId"
              size="small"
              loading={loading}
              pagination={false}
              dataSource={[...(data?.branches ?? [])]}
              columns={[
                {
                  title: t('coverage.branch'),
                  key: 'b',
                  render: (_: unknown, b) => `${b.name} (${b.branchId})`,
                },
                ...figures,
              ]}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card size="small" title={t('coverage.managers')} styles={{ body: { padding: 0 } }}>
            <Table<Coverage['managers'][number]>
              rowKey="managerId"
              size="small"
              loading={loading}
              dataSource={[...(data?.managers ?? [])]}
              pagination={(data?.managers.length ?? 0) > 20 ? { pageSize: 20 } : false}
              onRow={(m) => ({
                onClick: () => navigate(`/pool?staff=${encodeURIComponent(m.managerId)}`),
                style: { cursor: me.role === 'account_manager' ? undefined : 'pointer' },
              })}
              columns={[
                {
                  title: t('coverage.manager'),
                  key: 'm',
                  render: (_: unknown, m) => `${m.name} (${m.managerId})`,
                },
                { title: t('coverage.branch'), dataIndex: 'branchId' },
                ...figures,
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={logging}
        title={t('interaction.log')}
        footer={null}
        destroyOnHidden
        onCancel={() => setLogging(false)}
      >
        <InteractionForm
          onLogged={() => {
            setLogging(false);
            message.success(t('interaction.logged'));
            reload();
          }}
        />
      </Modal>
    </div>
  );
}
