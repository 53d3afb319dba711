import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { poolApi } from '../../api/pool.ts';
import { issuesText } from '../../api/client.ts';
import { useMe } from '../../auth/session.tsx';
import { LoadError } from '../../components/LoadError.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useLoad } from '../../components/useLoad.ts';
import { useSubmit } from '../../components/useSubmit.ts';
import { zonedInstant, zonedWallTime } from '../../format.ts';
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
  type ActivityView,
  type Scene,
} from './api.ts';
import { PartnerMembers, RoleRows, type MemberRow } from './ActivityFormParts.tsx';

interface Values {
  name: string;
  mode: Scene['mode'];
  frequency: Scene['frequency'];
  aim: Scene['aim'];
  venue?: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  beforeMinutes: number;
  afterMinutes: number;
  products?: { productId?: string; role?: ActivityProductRole }[];
  staff?: { staffId?: string; role?: string }[];
  partnerName?: string;
  partnerKind?: string;
  members?: MemberRow[];
}

type Member = NonNullable<NonNullable<ActivityInput['partner']>['members']>[number];

/** A member row as the server takes it: a kept one by its number, a new one by what was typed (empty rows left out). */
function toMember(m: MemberRow): Member[] {
  if (m.memberNo !== undefined) return [{ memberNo: m.memberNo }];
  if (!m.name?.trim()) return [];
  return [
    {
      name: m.name.trim(),
      ...(m.phone?.trim() ? { phone: m.phone.trim() } : {}),
      ...(m.customerNo?.trim() ? { customerNo: m.customerNo.trim() } : {}),
    },
  ];
}

/** The body the server takes, from the form's values; times typed are the bank's wall clock (`timeZone`). */
function toInput(v: Values, timeZone: string): ActivityInput {
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
    startsAt: zonedInstant(v.startsAt, timeZone),
    endsAt: zonedInstant(v.endsAt, timeZone),
    capacity: v.capacity,
    checkInMargin: { beforeMinutes: v.beforeMinutes, afterMinutes: v.afterMinutes },
    products,
    staff,
    ...(v.partnerName?.trim()
      ? {
          partner: {
            name: v.partnerName.trim(),
            kind: (v.partnerKind ?? '').trim(),
            members: (v.members ?? []).flatMap(toMember),
          },
        }
      : {}),
  };
}

/** The form's values of a saved activity (its times in the bank's zone; its members kept by number). */
function toValues(a: ActivityView, timeZone: string): Values {
  return {
    name: a.name,
    ...a.scene,
    venue: a.venue ?? undefined,
    startsAt: zonedWallTime(a.startsAt, timeZone),
    endsAt: zonedWallTime(a.endsAt, timeZone),
    capacity: a.capacity,
    ...a.checkInMargin,
    products: a.products.map((p) => ({ productId: p.productId, role: p.role as ActivityProductRole })),
    staff: a.staff,
    partnerName: a.partner?.name,
    partnerKind: a.partner?.kind,
    members: a.partnerMembers.map((m) => ({
      memberNo: m.memberNo,
      name: m.name,
      customerNo: m.customerNo ?? undefined,
    })),
  };
}

const NEW: Partial<Values> = {
  mode: 'offline',
  frequency: 'low',
  aim: 'engagement',
  capacity: 50,
  beforeMinutes: 60,
  afterMinutes: 60,
};

/** /activities/{id}/edit: the saved activity in the form. */
export function ActivityEdit({ id }: { id: number }) {
  const { t } = useI18n();
  const activity = useLoad((signal) => activitiesApi.get(id, signal), [id]);
  if (activity.error)
    return <LoadError error={activity.error} title={t('act.loadFailed')} onRetry={activity.reload} />;
  if (!activity.data) return <Skeleton active paragraph={{ rows: 10 }} />;
  return <ActivityForm activity={activity.data} />;
}

/**
 * /activities/new and /activities/{id}/edit: an activity's facts (times in the bank's zone), featured products with
 * their roles, staff, the partner and its members → POST or PUT.
 */
export function ActivityForm({ activity }: { activity?: ActivityView }) {
  const { t } = useI18n();
  const { timeZone } = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const { busy, failure, submit } = useSubmit();
  const sources = useLoad(async (signal) => {
    const [products, staff] = await Promise.all([contentApi.products(signal), poolApi.staff({}, signal)]);
    return { products, staff: staff.filter((s) => s.status === 'active') };
  }, []);
  const required = [{ required: true, message: t('act.form.required') }];
  const back = () => navigate(activity ? `/activities/${activity.id}` : '/activities');
  const save = (v: Values) =>
    submit(async () => {
      const input = toInput(v, timeZone);
      const { id } = activity
        ? await activitiesApi.update(activity.id, input)
        : await activitiesApi.create(input);
      message.success(t(activity ? 'act.saved' : 'act.created'));
      navigate(`/activities/${id}`);
    }, issuesText);
  const choice = <K extends string>(prefix: 'act.mode' | 'act.frequency' | 'act.aim', keys: readonly K[]) =>
    keys.map((k) => ({ value: k, label: t(`${prefix}.${k}` as 'act.mode.online') }));
  return (
    <div data-testid="activity-form">
      <PageHeader
        title={activity ? t('act.form.editTitle', { name: activity.name }) : t('act.form.title')}
        back={
          <Button type="link" onClick={back}>
            {t('act.back')}
          </Button>
        }
      />
      <Card>
        <Form<Values>
          form={form}
          layout="vertical"
          style={{ maxWidth: 860 }}
          initialValues={activity ? toValues(activity, timeZone) : NEW}
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
            <Form.Item name="beforeMinutes" label={t('act.form.before')} rules={required}>
              <InputNumber min={0} max={1440} />
            </Form.Item>
            <Form.Item name="afterMinutes" label={t('act.form.after')} rules={required}>
              <InputNumber min={0} max={1440} />
            </Form.Item>
          </Space>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -12 }}>
            {t('act.form.timeHelp', { zone: timeZone })}
          </Typography.Paragraph>
          <RoleRows
            name="products"
            title={t('act.form.products')}
            options={(sources.data?.products ?? []).map((p) => ({
              value: p.id,
              label: `${p.name} (${p.id})`,
            }))}
            roles={PRODUCT_ROLES.map((r) => ({ value: r, label: t(`act.role.${r}`) }))}
            placeholder={t('act.form.product')}
            rolePlaceholder={t('act.form.productRole')}
            addLabel={t('act.form.addProduct')}
            testId="activity-product"
            addTestId="activity-add-product"
          />
          <RoleRows
            name="staff"
            title={t('act.form.staff')}
            options={(sources.data?.staff ?? []).map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))}
            placeholder={t('act.form.staffMember')}
            rolePlaceholder={t('act.form.staffRole')}
            addLabel={t('act.form.addStaff')}
            testId="activity-staff"
            addTestId="activity-add-staff"
          />
          <Typography.Title level={5}>{t('act.form.partner')}</Typography.Title>
          <Space wrap size={16}>
            <Form.Item name="partnerName" label={t('act.form.partnerName')}>
              <Input style={{ width: 280 }} maxLength={200} data-testid="partner-name" />
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
              <Input style={{ width: 280 }} maxLength={60} data-testid="partner-kind" />
            </Form.Item>
          </Space>
          <PartnerMembers />
          {failure && <Alert type="error" showIcon message={failure} style={{ marginBottom: 12 }} />}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="activity-create">
              {activity ? t('act.form.save') : t('act.form.create')}
            </Button>
            <Button onClick={back}>{t('act.form.cancel')}</Button>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
