import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Space, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';

type Option = { value: string; label: string };

/**
 * Rows of "a picked item and its role on the activity": featured products (role from a list) and staff (role typed).
 * `testId` names each row's controls: `<testId>-<n>` and `<testId>-role-<n>`.
 */
export function RoleRows({
  name,
  title,
  options,
  roles,
  placeholder,
  rolePlaceholder,
  addLabel,
  testId,
  addTestId,
}: {
  name: 'products' | 'staff';
  title: string;
  options: Option[];
  /** The roles to choose from; none: the role is typed. */
  roles?: Option[];
  placeholder: string;
  rolePlaceholder: string;
  addLabel: string;
  testId: string;
  addTestId: string;
}) {
  const { t } = useI18n();
  const required = [{ required: true, message: t('act.form.required') }];
  const idKey = name === 'products' ? 'productId' : 'staffId';
  return (
    <>
      <Typography.Title level={5}>{title}</Typography.Title>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" wrap>
                <Form.Item name={[f.name, idKey]} rules={required}>
                  <Select
                    showSearch
                    optionFilterProp="label"
                    placeholder={placeholder}
                    data-testid={`${testId}-${f.name}`}
                    style={{ width: 320 }}
                    options={options}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'role']} rules={required}>
                  {roles ? (
                    <Select
                      placeholder={rolePlaceholder}
                      data-testid={`${testId}-role-${f.name}`}
                      style={{ width: 200 }}
                      options={roles}
                    />
                  ) : (
                    <Input
                      placeholder={rolePlaceholder}
                      data-testid={`${testId}-role-${f.name}`}
                      style={{ width: 240 }}
                      maxLength={40}
                    />
                  )}
                </Form.Item>
                <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} />
              </Space>
            ))}
            <Button
              icon={<PlusOutlined />}
              onClick={() => add({})}
              style={{ marginBottom: 16 }}
              data-testid={addTestId}
            >
              {addLabel}
            </Button>
          </>
        )}
      </Form.List>
    </>
  );
}

/** A partner member row: one kept as saved (`memberNo`, its name masked) or a new one typed. */
export interface MemberRow {
  memberNo?: number;
  name?: string;
  phone?: string;
  customerNo?: string;
}

/**
 * The partner's members (a chamber of commerce's, an association's): a name with a phone or a customer number, so the
 * member is linked to the customer where known. Members already saved are kept as they are (their phones are stored
 * only as a hash) unless removed.
 */
export function PartnerMembers() {
  const { t } = useI18n();
  return (
    <Form.List name="members">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Form.Item noStyle key={f.key} shouldUpdate>
              {({ getFieldValue }) => {
                const kept = (getFieldValue(['members', f.name]) as MemberRow | undefined)?.memberNo;
                return (
                  <Space align="baseline" wrap data-testid={`partner-member-${f.name}`}>
                    {/* Registered, so the form's values carry it: a kept member is sent by its number alone. */}
                    <Form.Item name={[f.name, 'memberNo']} hidden>
                      <Input />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'name']}
                      rules={[{ required: true, message: t('act.form.required') }]}
                    >
                      <Input
                        placeholder={t('act.form.memberName')}
                        disabled={kept !== undefined}
                        style={{ width: 200 }}
                        maxLength={200}
                        data-testid={`partner-member-name-${f.name}`}
                      />
                    </Form.Item>
                    {kept === undefined ? (
                      <>
                        <Form.Item name={[f.name, 'phone']}>
                          <Input
                            placeholder={t('act.form.memberPhone')}
                            style={{ width: 180 }}
                            maxLength={24}
                            data-testid={`partner-member-phone-${f.name}`}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'customerNo']}>
                          <Input
                            placeholder={t('act.form.memberCustomer')}
                            style={{ width: 180 }}
                            maxLength={64}
                            data-testid={`partner-member-customer-${f.name}`}
                          />
                        </Form.Item>
                      </>
                    ) : (
                      <Typography.Text type="secondary">
                        {(getFieldValue(['members', f.name, 'customerNo']) as string | undefined) ??
                          t('act.form.memberUnlinked')}
                      </Typography.Text>
                    )}
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} />
                  </Space>
                );
              }}
            </Form.Item>
          ))}
          <Button
            icon={<PlusOutlined />}
            onClick={() => add({})}
            style={{ marginBottom: 16 }}
            data-testid="partner-add-member"
          >
            {t('act.form.addMember')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
