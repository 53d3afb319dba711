import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Radio,
  Skeleton,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { issuesText } from '../../api/client.ts';
import { can, useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { actorName, formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import type { Population } from '../campaigns/api.ts';
import { PopulationPicker } from '../campaigns/PopulationPicker.tsx';
import { rtaApi, type StrategyDetail, type StrategyInput } from './api.ts';
import { StrategyStatus } from './figures.tsx';

interface Values {
  id: string;
  name: string;
  unknownDevices: boolean;
  minLookalike?: number | null;
  bidKind: 'constant' | 'lookalike';
  bid: number;
  bidMin: number;
  bidMax: number;
  cacheSeconds: number;
  priority: number;
  activeFrom?: string;
  activeUntil?: string;
}

// The window's times are the bank's wall clock: <input type="datetime-local"> gives 'YYYY-MM-DDTHH:mm', the API takes
// 'YYYY-MM-DD HH:MM' in the bank's zone.
const toLocal = (v?: string) => (v ? v.replace('T', ' ') : undefined);
const fromLocal = (v?: string) => (v ? v.replace(' ', 'T') : undefined);

/** The body the server takes, from the form's values and the population picked. */
function toInput(v: Values, population: Population): StrategyInput {
  const activeFrom = toLocal(v.activeFrom);
  const activeUntil = toLocal(v.activeUntil);
  return {
    id: v.id.trim(),
    name: v.name.trim(),
    target: {
      population,
      unknownDevices: v.unknownDevices,
      ...(v.minLookalike !== undefined && v.minLookalike !== null ? { minLookalike: v.minLookalike } : {}),
    },
    bidFactor: v.bidKind === 'constant' ? v.bid : { score: 'lookalike', min: v.bidMin, max: v.bidMax },
    cacheSeconds: v.cacheSeconds,
    priority: v.priority,
    ...(activeFrom ? { activeFrom } : {}),
    ...(activeUntil ? { activeUntil } : {}),
  };
}

/** The form's values of a saved strategy. */
function toValues(s: StrategyDetail): Values {
  const b = s.bidFactor;
  return {
    id: s.id,
    name: s.name,
    unknownDevices: s.target.unknownDevices ?? false,
    minLookalike: s.target.minLookalike ?? null,
    bidKind: typeof b === 'number' ? 'constant' : 'lookalike',
    bid: typeof b === 'number' ? b : 1,
    bidMin: typeof b === 'number' ? 0.5 : b.min,
    bidMax: typeof b === 'number' ? 2 : b.max,
    cacheSeconds: s.cacheSeconds,
    priority: s.priority,
    activeFrom: fromLocal(s.activeFrom),
    activeUntil: fromLocal(s.activeUntil),
  };
}

const NEW: Values = {
  id: '',
  name: '',
  unknownDevices: false,
  bidKind: 'constant',
  bid: 1,
  bidMin: 0.5,
  bidMax: 2,
  cacheSeconds: 600,
  priority: 100,
};

/** /acquisition/strategies/new and /acquisition/strategies/{id}: a strategy's form, its status and versions. */
export function StrategyEditor({ id }: { id: string | null }) {
  const { t } = useI18n();
  const loaded = useLoad((signal) => (id ? rtaApi.strategy(id, signal) : Promise.resolve(null)), [id]);
  if (loaded.error)
    return <LoadError error={loaded.error} title={t('acq.loadFailed')} onRetry={loaded.reload} />;
  if (id && !loaded.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  return <StrategyForm saved={loaded.data ?? null} reload={loaded.reload} />;
}

function StrategyForm({ saved, reload }: { saved: StrategyDetail | null; reload: () => void }) {
  const { t } = useI18n();
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [population, setPopulation] = useState<Population>(saved?.target.population ?? { segmentId: '' });
  const { busy, failure, submit } = useSubmit();
  const writer = can(me, 'rta.manage');
  const save = (v: Values) =>
    submit(async () => {
      if ('segmentId' in population && !population.segmentId) throw new Error(t('acq.form.noPopulation'));
      const input = toInput(v, population);
      if (saved) {
        const { id: _id, ...edit } = input;
        await rtaApi.update(saved.id, { ...edit, status: saved.status });
        message.success(t('acq.saved'));
        reload();
      } else {
        await rtaApi.create(input);
        message.success(t('acq.created'));
        navigate(`/acquisition/strategies/${encodeURIComponent(input.id)}`);
      }
    }, issuesText);
  const toggle = () =>
    submit(async () => {
      if (!saved) return;
      await (saved.status === 'active' ? rtaApi.pause(saved.id) : rtaApi.resume(saved.id));
      reload();
    });
  return (
    <div data-testid="strategy-editor">
      <PageHeader
        title={
          saved ? (
            <Space>
              {saved.name}
              <StrategyStatus status={saved.status} />
            </Space>
          ) : (
            t('acq.form.title')
          )
        }
        back={
          <Button type="link" onClick={() => navigate('/acquisition')}>
            {t('acq.back')}
          </Button>
        }
        extra={
          saved &&
          writer && (
            <Button loading={busy} onClick={() => void toggle()} data-testid="strategy-toggle">
              {saved.status === 'active' ? t('acq.pause') : t('acq.resume')}
            </Button>
          )
        }
      />
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Card>
          <Typography.Paragraph type="secondary">{t('acq.form.help')}</Typography.Paragraph>
          <Form layout="vertical" data-testid="strategy-population">
            <PopulationPicker population={population} onChange={setPopulation} />
          </Form>
          <Form<Values>
            form={form}
            layout="vertical"
            disabled={!writer}
            initialValues={saved ? toValues(saved) : NEW}
            onFinish={(v) => void save(v)}
            style={{ maxWidth: 860 }}
          >
            <Space wrap size={16} align="start">
              <Form.Item
                name="id"
                label={t('acq.id')}
                extra={t('acq.form.idHelp')}
                rules={[{ required: true, message: t('acq.form.required') }]}
              >
                <Input disabled={saved !== null} style={{ width: 240 }} data-testid="strategy-id" />
              </Form.Item>
              <Form.Item
                name="name"
                label={t('acq.name')}
                rules={[{ required: true, message: t('acq.form.required') }]}
              >
                <Input style={{ width: 360 }} data-testid="strategy-name" />
              </Form.Item>
            </Space>
            <Space wrap size={24} align="start">
              <Form.Item name="unknownDevices" label={t('acq.form.unknown')} valuePropName="checked">
                <Switch data-testid="strategy-unknown" />
              </Form.Item>
              <Form.Item name="minLookalike" label={t('acq.form.minLookalike')}>
                <InputNumber
                  min={0}
                  max={1}
                  step={0.05}
                  style={{ width: 120 }}
                  data-testid="strategy-min-lookalike"
                />
              </Form.Item>
            </Space>
            <Form.Item name="bidKind" label={t('acq.bid')}>
              <Radio.Group data-testid="strategy-bid-kind">
                <Radio value="constant">{t('acq.form.bidConstant')}</Radio>
                <Radio value="lookalike">{t('acq.form.bidLookalike')}</Radio>
              </Radio.Group>
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.bidKind !== b.bidKind}>
              {({ getFieldValue }) =>
                getFieldValue('bidKind') === 'constant' ? (
                  <Form.Item name="bid" label={t('acq.form.bidValue')}>
                    <InputNumber min={0.2} max={5} step={0.1} data-testid="strategy-bid" />
                  </Form.Item>
                ) : (
                  <Space size={16}>
                    <Form.Item name="bidMin" label={t('acq.form.bidMin')}>
                      <InputNumber min={0.2} max={5} step={0.1} />
                    </Form.Item>
                    <Form.Item name="bidMax" label={t('acq.form.bidMax')}>
                      <InputNumber min={0.2} max={5} step={0.1} />
                    </Form.Item>
                  </Space>
                )
              }
            </Form.Item>
            <Space wrap size={16} align="start">
              <Form.Item name="cacheSeconds" label={t('acq.form.cache')}>
                <InputNumber min={0} max={86400} data-testid="strategy-cache" />
              </Form.Item>
              <Form.Item name="priority" label={t('acq.priority')} extra={t('acq.form.priorityHelp')}>
                <InputNumber min={0} max={1000000} />
              </Form.Item>
              <Form.Item name="activeFrom" label={t('acq.form.from')}>
                <Input type="datetime-local" />
              </Form.Item>
              <Form.Item name="activeUntil" label={t('acq.form.until')}>
                <Input type="datetime-local" />
              </Form.Item>
            </Space>
            {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 12 }} />}
            {writer && (
              <Button type="primary" htmlType="submit" loading={busy} data-testid="strategy-save">
                {saved ? t('acq.form.save') : t('acq.form.create')}
              </Button>
            )}
          </Form>
        </Card>
        {saved && <Versions saved={saved} />}
      </Space>
    </div>
  );
}

/** Every version of a strategy: what changed, by whom, when (each is live within a minute of its save). */
function Versions({ saved }: { saved: StrategyDetail }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('acq.versions')} data-testid="strategy-versions">
      <Table
        size="small"
        rowKey="version"
        pagination={false}
        dataSource={[...saved.versions].reverse()}
        columns={[
          { title: t('acq.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
          {
            title: t('acq.change'),
            dataIndex: 'change',
            render: (v: string) => t(`acq.change.${v as 'create'}`),
          },
          { title: t('acq.changedBy'), dataIndex: 'changedBy', render: (v: string) => actorName(v) },
          { title: t('acq.changedAt'), dataIndex: 'changedAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
    </Card>
  );
}
