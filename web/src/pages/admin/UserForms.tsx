import { Alert, Button, Checkbox, Form, Input, Select } from 'antd';
import { errorText } from '../../api/client.ts';
import type { OrgNode, StaffMember } from '../../api/pool.ts';
import { useI18n, type Translate } from '../../i18n/i18n.tsx';
import {
  adminApi,
  ROLES,
  type Grantable,
  type NewUser,
  type Role,
  type UserAccount,
  type UserCreated,
  type UserPatch,
} from './api.ts';
import { refusalText } from './ShownOnce.tsx';
import { useSubmit } from '../../components/useSubmit.ts';

/** Org units and staff to pick a user's scope from. */
export interface ScopeChoices {
  readonly units: readonly { unit: OrgNode; depth: number }[];
  readonly staff: readonly StaffMember[];
}

function ScopeFields({ choices }: { choices: ScopeChoices }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="orgUnitId" label={t('admin.users.orgUnit')} extra={t('admin.users.orgUnitHelp')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          data-testid="user-form-unit"
          options={choices.units.map(({ unit, depth }) => ({
            value: unit.id,
            label: `${'\u00a0'.repeat(depth * 3)}${unit.name} (${unit.id})`,
          }))}
        />
      </Form.Item>
      <Form.Item name="staffId" label={t('admin.users.staff')} extra={t('admin.users.staffHelp')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          data-testid="user-form-staff"
          options={choices.staff.map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))}
        />
      </Form.Item>
    </>
  );
}

const roleOptions = (t: Translate) => ROLES.map((r) => ({ value: r, label: t(`app.role.${r}`) }));

/** A new user: username, role, scope; without a password one is generated and shown once. */
export function UserCreateForm(props: {
  choices: ScopeChoices;
  onCreated: (created: UserCreated, generated: boolean) => void;
}) {
  const { t } = useI18n();
  const { busy, failure, submit } = useSubmit();
  const save = async (v: NewUser) => {
    await submit(
      async () => {
        const input: NewUser = { username: v.username.trim(), role: v.role };
        if (v.password) input.password = v.password;
        if (v.displayName?.trim()) input.displayName = v.displayName.trim();
        if (v.orgUnitId) input.orgUnitId = v.orgUnitId;
        if (v.staffId) input.staffId = v.staffId;
        props.onCreated(await adminApi.createUser(input), !input.password);
      },
      (e) => refusalText(e, t, errorText),
    );
  };
  return (
    <Form<NewUser>
      layout="vertical"
      onFinish={save}
      initialValues={{ role: 'analyst' }}
      data-testid="user-create-form"
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
      <Form.Item
        name="username"
        label={t('login.username')}
        rules={[
          { required: true, pattern: /^[A-Za-z0-9_.@-]{2,64}$/, message: t('admin.users.usernameHelp') },
        ]}
      >
        <Input autoComplete="off" data-testid="user-form-username" />
      </Form.Item>
      <AccountFields choices={props.choices} />
      <Form.Item
        name="password"
        label={t('login.password')}
        extra={t('admin.users.passwordHelp')}
        rules={[{ min: 10, message: t('password.policy') }]}
      >
        <Input.Password autoComplete="new-password" data-testid="user-form-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="user-form-submit">
        {t('admin.users.create')}
      </Button>
    </Form>
  );
}

/** The fields a new and an edited user share: display name, role and scope. */
function AccountFields({ choices }: { choices: ScopeChoices }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item name="displayName" label={t('admin.users.displayName')}>
        <Input data-testid="user-form-display-name" />
      </Form.Item>
      <Form.Item name="role" label={t('admin.users.role')} rules={[{ required: true }]}>
        <Select options={roleOptions(t)} data-testid="user-form-role" />
      </Form.Item>
      <ScopeFields choices={choices} />
    </>
  );
}

interface EditValues {
  displayName: string;
  role: Role;
  orgUnitId: string | null;
  staffId: string | null;
  grants: Grantable[];
}

/** Changes a user's role, scope, display name and granted permissions; only what changed is sent. */
export function UserEditForm(props: {
  user: UserAccount;
  grantable: readonly Grantable[];
  choices: ScopeChoices;
  onSaved: (user: UserAccount) => void;
}) {
  const { t } = useI18n();
  const u = props.user;
  const { busy, failure, submit } = useSubmit();
  const save = async (v: EditValues) => {
    const patch: UserPatch = {};
    if ((v.displayName.trim() || null) !== u.displayName) patch.displayName = v.displayName.trim() || null;
    if (v.role !== u.role) patch.role = v.role;
    if ((v.orgUnitId ?? null) !== u.orgUnitId) patch.orgUnitId = v.orgUnitId ?? null;
    if ((v.staffId ?? null) !== u.staffId) patch.staffId = v.staffId ?? null;
    if ([...v.grants].sort().join() !== [...u.grants].sort().join()) patch.grants = v.grants;
    if (Object.keys(patch).length === 0) return props.onSaved(u);
    await submit(
      async () => {
        props.onSaved(await adminApi.updateUser(u.id, patch));
      },
      (e) => refusalText(e, t, errorText),
    );
  };
  return (
    <Form<EditValues>
      layout="vertical"
      onFinish={save}
      initialValues={{ ...u, displayName: u.displayName ?? '' }}
      data-testid="user-edit-form"
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
      <AccountFields choices={props.choices} />
      <Form.Item name="grants" label={t('admin.users.grants')} extra={t('admin.users.grantsHelp')}>
        <Checkbox.Group
          data-testid="user-form-grants"
          options={props.grantable.map((g) => ({ value: g, label: t(`admin.permission.${g}`) }))}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="user-form-submit">
        {t('admin.save')}
      </Button>
    </Form>
  );
}
