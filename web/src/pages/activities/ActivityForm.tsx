import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { poolApi } from '../../api/pool.ts';
import { ApiError } from '../../api/client.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../router.ts';
import { contentApi } from '../campaigns/api.ts';
import {
  activitiesApi,
  PRODUCT_ROLES,
  SCENE_AIMS,
  SCENE_FREQUENCIES,
  SCENE_MODES,
  type ActivityInput,
  type ActivityProductRole,
  type Scene,
} from './api.ts';

interface Values {
  name: string;
  mode: Scene['mode'];
  frequency: Scene['frequency'];
  aim: Scene['aim'];
  venue?: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  products?: { productId?: string; role?: ActivityProductRole }[];
  staff?: { staffId?: string; role?: string }[];
  partnerName?: string;
  partnerKind?: string;
}

// <input type="datetime-local"> gives the browser's wall time without an offset; the server wants an instant.
const instant = (local: string) => new Date(local).toISOString();

/** The body the server takes, from the form's values (empty rows and an unnamed partner left out). */
function toInput(v: Values): ActivityInput {
  const products = (v.products ?? []).flatMap((p) =>
    p.productId && p.role ? [{ productId: p.productId, role: p.role }] : [],
  );
  const staff = (v.staff ?? []).flatMap((s) =>
    s.staffId && s.role?.trim() ? [{ staffId: s.staffId, role: s.role.trim() }] : [],
  );
  return {
    name: v.name.trim(),
    scene: { mode: v.mode, frequency: v.frequency, aim: v.aim },
    ...(v.venue?.trim() ? { venue: v.venue.trim() } : {}),
    startsAt: instant(v.startsAt),
    endsAt: instant(v.endsAt),
    capacity: v.capacity,
    products,
    staff,
    ...(v.partnerName?.trim()
      ? { partner: { name: v.partnerName.trim(), kind: (v.partnerKind ?? '').trim() } }
      : {}),
  };
}

/** /activities/new: an activity's facts, featured products with their roles, staff and partner → POST. */
export function ActivityForm() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const { busy, failure, submit } = useSubmit();
  const sources = useLoad(async (signal) => {
    const [products, staff] = await Promise.all([contentApi.products(signal), poolApi.staff({}, signal)]);
    return { products, staff: staff.filter((s) => s.status === 'active') };
  }, []);
  const required = [{ required: true, message: t('act.form.required') }];
  const save = (v: Values) =>
    submit(
      async () => {
        const { id } = await activitiesApi.create(toInput(v));
        message.success(t('act.created'));
        navigate(`/activities/${id}`);
      },
      (e) =>
        e instanceof ApiError && e.validationIssues.length > 0
          ? e.validationIssues.map((i) => `${i.path}: ${i.message}`).join('; ')
          : e instanceof Error
            ? e.message
            : String(e),
    );
  const choice = <K extends string>(prefix: 'act.mode' | 'act.frequency' | 'act.aim', keys: readonly K[]) =>
    keys.map((k) => ({ value: k, label: t(`${prefix}.${k}` as 'act.mode.online') }));
  return (
    <div data-testid="activity-form">
      <PageHeader
        title={t('act.form.title')}
        back={
          <Button type="link" onClick={() => navigate('/activities')}>
            {t('act.back')}
          </Button>
        }
      />
      <Card>
        <Form<Values>
          form={form}
          layout="vertical"
          style={{ maxWidth: 760 }}
          initialValues={{ mode: 'offline', frequency: 'low', aim: 'engagement', capacity: 50 }}
          onFinish={(v) => void save(v)}
        >
          <Form.Item name="name" label={t('act.name')} rules={required}>
            <Input data-testid="activity-name" maxLength={200} />
          </Form.Item>
          <Space wrap size={16}>
            <Form.Item name="mode" label={t('act.form.mode')} rules={required}>
              <Select style={{ width: 160 }} options={choice('act.mode', SCENE_MODES)} />
            </Form.Item>
            <Form.Item name="frequency" label={t('act.form.frequency')} rules={required}>
              <Select style={{ width: 160 }} options={choice('act.frequency', SCENE_FREQUENCIES)} />
            </Form.Item>
            <Form.Item name="aim" label={t('act.form.aim')} rules={required}>
              <Select style={{ width: 200 }} options={choice('act.aim', SCENE_AIMS)} />
            </Form.Item>
          </Space>
          <Form.Item name="venue" label={t('act.venue')}>
            <Input data-testid="activity-venue" maxLength={200} />
          </Form.Item>
          <Space wrap size={16} align="start">
            <Form.Item name="startsAt" label={t('act.form.startsAt')} rules={required}>
              <Input type="datetime-local" data-testid="activity-starts" />
            </Form.Item>
            <Form.Item name="endsAt" label={t('act.form.endsAt')} rules={required}>
              <Input type="datetime-local" data-testid="activity-ends" />
            </Form.Item>
            <Form.Item name="capacity" label={t('act.capacity')} rules={required}>
              <InputNumber min={1} max={100000} data-testid="activity-capacity" />
            </Form.Item>
          </Space>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -12 }}>
            {t('act.form.timeHelp')}
          </Typography.Paragraph>
          <Typography.Title level={5}>{t('act.form.products')}</Typography.Title>
          <Form.List name="products">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item name={[f.name, 'productId']} rules={required}>
                      <Select
                        showSearch
                        optionFilterProp="label"
                        placeholder={t('act.form.product')}
                        data-testid={`activity-product-${f.name}`}
                        style={{ width: 320 }}
                        options={(sources.data?.products ?? []).map((p) => ({
                          value: p.id,
                          label: `${p.name} (${p.id})`,
                        }))}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'role']} rules={required}>
                      <Select
                        placeholder={t('act.form.productRole')}
                        data-testid={`activity-product-role-${f.name}`}
                        style={{ width: 160 }}
                        options={PRODUCT_ROLES.map((r) => ({ value: r, label: t(`act.role.${r}`) }))}
                      />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({})}
                  style={{ marginBottom: 16 }}
                  data-testid="activity-add-product"
                >
                  {t('act.form.addProduct')}
                </Button>
              </>
            )}
          </Form.List>
          <Typography.Title level={5}>{t('act.form.staff')}</Typography.Title>
          <Form.List name="staff">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Form.Item name={[f.name, 'staffId']} rules={required}>
                      <Select
                        showSearch
                        optionFilterProp="label"
                        placeholder={t('act.form.staffMember')}
                        data-testid={`activity-staff-${f.name}`}
                        style={{ width: 240 }}
                        options={(sources.data?.staff ?? []).map((s) => ({
                          value: s.id,
                          label: `${s.name} (${s.id})`,
                        }))}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'role']} rules={required}>
                      <Input
                        data-testid={`activity-staff-role-${f.name}`}
                        placeholder={t('act.form.staffRole')}
                        style={{ width: 240 }}
                        maxLength={60}
                      />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({})}
                  style={{ marginBottom: 16 }}
                  data-testid="activity-add-staff"
                >
                  {t('act.form.addStaff')}
                </Button>
              </>
            )}
          </Form.List>
          <Typography.Title level={5}>{t('act.form.partner')}</Typography.Title>
          <Space wrap size={16}>
            <Form.Item name="partnerName" label={t('act.form.partnerName')}>
              <Input style={{ width: 280 }} maxLength={200} />
            </Form.Item>
            <Form.Item
              name="partnerKind"
              label={t('act.form.partnerKind')}
              dependencies={['partnerName']}
              rules={[
                ({ getFieldValue }) => ({
                  // A named partner needs its kind (the server refuses one without).
                  validator: (_, v?: string) =>
                    String(getFieldValue('partnerName') ?? '').trim() && !v?.trim()
                      ? Promise.reject(new Error(t('act.form.required')))
                      : Promise.resolve(),
                }),
              ]}
            >
              <Input style={{ width: 280 }} maxLength={60} />
            </Form.Item>
          </Space>
          {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 12 }} />}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="activity-create">
              {t('act.form.create')}
            </Button>
            <Button onClick={() => navigate('/activities')}>{t('act.form.cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
