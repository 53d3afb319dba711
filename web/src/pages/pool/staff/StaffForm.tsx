import { Alert, Button, Form, Input, InputNumber, Select } from 'antd';
import { poolApi, STAFF_ROLES, type OrgNode, type StaffMember, type StaffRole } from '../../../api/pool.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';
import { useSubmit } from '../../../components/useSubmit.ts';

interface Values {
  id: string;
  name: string;
  orgUnitId: string;
  role: StaffRole;
  poolCapacity?: number;
  phone?: string;
  email?: string;
}

/** Creates a staff member, or edits one (the id stays). */
export function StaffForm(props: {
  member: StaffMember | null;
  units: readonly { unit: OrgNode; depth: number }[];
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const m = props.member;
  const { busy, failure, submit } = useSubmit();
  const save = async (v: Values) => {
    const common = {
      name: v.name.trim(),
      orgUnitId: v.orgUnitId,
      role: v.role,
      ...(v.poolCapacity !== undefined && v.poolCapacity !== null ? { poolCapacity: v.poolCapacity } : {}),
      phone: v.phone?.trim() || null,
      email: v.email?.trim() || null,
    };
    await submit(async () => {
      if (m) {
        // Masked contact details (shown to callers without pool.manage) are never written back.
        const { phone, email, ...rest } = common;
        await poolApi.updateStaff(m.id, {
          ...rest,
          ...(phone !== m.phone ? { phone } : {}),
          ...(email !== m.email ? { email } : {}),
        });
      } else await poolApi.createStaff({ id: v.id.trim(), ...common });
      props.onSaved();
    });
  };
  return (
    <Form<Values>
      layout="vertical"
      onFinish={save}
      initialValues={
        m
          ? { ...m, phone: m.phone ?? '', email: m.email ?? '' }
          : { role: 'account_manager', poolCapacity: 500, orgUnitId: props.units[0]?.unit.id }
      }
      data-testid="staff-form"
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
      <Form.Item
        name="id"
        label={t('staff.id')}
        rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{1,64}$/, message: t('staff.idHelp') }]}
      >
        <Input disabled={m !== null} data-testid="staff-form-id" />
      </Form.Item>
      <Form.Item name="name" label={t('staff.name')} rules={[{ required: true, max: 100 }]}>
        <Input data-testid="staff-form-name" />
      </Form.Item>
      <Form.Item name="orgUnitId" label={t('staff.unit')} rules={[{ required: true }]}>
        <Select
          options={props.units.map(({ unit, depth }) => ({
            value: unit.id,
            label: `${'\u00a0'.repeat(depth * 3)}${unit.name} (${unit.id})`,
          }))}
        />
      </Form.Item>
      <Form.Item name="role" label={t('staff.role')} rules={[{ required: true }]}>
        <Select options={STAFF_ROLES.map((r) => ({ value: r, label: label(t, 'staff.role', r) }))} />
      </Form.Item>
      <Form.Item name="poolCapacity" label={t('staff.capacity')}>
        <InputNumber min={0} max={1_000_000} style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="phone" label={t('staff.phone')} rules={[{ max: 32 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="email" label={t('staff.email')} rules={[{ max: 200 }]}>
        <Input />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="staff-form-save">
        {t('staff.save')}
      </Button>
    </Form>
  );
}
