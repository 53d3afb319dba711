import { Alert, Button, Form, Select } from 'antd';
import { POOL_TIERS, poolApi, type AssignmentRule, type PoolTier } from '../../../api/pool.ts';
import { formatInteger } from '../../../format.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { label } from '../labels.ts';
import { managerOption, unitOptions, type Directory } from './directory.ts';
import { useSubmit } from '../../../components/useSubmit.ts';

const ANY = 'any';

interface Values {
  orgUnitId: string;
  tier: PoolTier | typeof ANY;
  managerIds: string[];
}

/** Creates the rule of (org unit, tier), or replaces the one there is: the managers take customers in turn. */
export function RuleForm(props: { rule: AssignmentRule | null; directory: Directory; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const { rule, directory } = props;
  const { busy, failure, submit } = useSubmit();
  const save = async (v: Values) => {
    await submit(async () => {
      await poolApi.saveRule({
        orgUnitId: v.orgUnitId,
        tier: v.tier === ANY ? null : v.tier,
        managerIds: v.managerIds,
      });
      props.onSaved();
    });
  };
  // A rule may name a manager who has left since: kept (and shown as such) until the form drops them.
  const options = [
    ...directory.managers,
    ...directory.staff.filter((s) => s.status !== 'active' && rule?.managerIds.includes(s.id)),
  ].map((s) => managerOption(s, (n) => formatInteger(n, lang)));
  return (
    <Form<Values>
      layout="vertical"
      onFinish={save}
      initialValues={
        rule
          ? { orgUnitId: rule.orgUnitId, tier: rule.tier ?? ANY, managerIds: [...rule.managerIds] }
          : { orgUnitId: directory.units[0]?.unit.id, tier: ANY, managerIds: [] }
      }
      data-testid="rule-form"
    >
      {failure && (
        <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} data-testid="rule-error" />
      )}
      <Form.Item name="orgUnitId" label={t('pool.assign.rule.unit')} rules={[{ required: true }]}>
        <Select
          showSearch
          optionFilterProp="label"
          options={unitOptions(directory.units)}
          data-testid="rule-form-unit"
        />
      </Form.Item>
      <Form.Item
        name="tier"
        label={t('pool.assign.rule.tier')}
        rules={[{ required: true }]}
        extra={t('pool.assign.rule.replaceHelp')}
      >
        <Select
          options={[
            { value: ANY, label: t('pool.assign.rule.anyTier') },
            ...POOL_TIERS.map((x) => ({ value: x, label: label(t, 'tier', x) })),
          ]}
          data-testid="rule-form-tier"
        />
      </Form.Item>
      <Form.Item name="managerIds" label={t('pool.assign.rule.managers')} rules={[{ required: true }]}>
        <Select
          mode="multiple"
          showSearch
          optionFilterProp="label"
          options={options}
          data-testid="rule-form-managers"
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="rule-form-save">
        {t('pool.assign.rule.save')}
      </Button>
    </Form>
  );
}
